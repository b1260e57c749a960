#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The quick start's main job, on the embedded default and with no cluster: sync the Flux manifests in
# examples/platform, serving their registry from the OCI image layout in examples/hello-app/layout, and
# render what would be applied into ./out (or $1). Builds the pinned kustomize first if the cache lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"
kustomize="${OCISYNC_KUSTOMIZE:-$(command -v kustomize || node scripts/peers/main.ts path kustomize)}"
set -x
node bin/ocisync.js sync -f examples/platform \
  --mirror oci://ghcr.io/example/hello-app=oci-layout://examples/hello-app/layout \
  --kustomize "$kustomize" --render-to "$out"
