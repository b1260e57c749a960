#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages the tests and benchmarks run against, when they are missing.
#   docker-registry (CNCF distribution 2.8.2), skopeo, htpasswd (apache2-utils), openssl, GNU time (benchmarks).
set -euo pipefail
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v skopeo >/dev/null || need+=(skopeo)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/bin/time ] || need+=(time)
[ ${#need[@]} -eq 0 ] && exit 0
echo "setup-system: installing ${need[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: need root to apt-get install ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
