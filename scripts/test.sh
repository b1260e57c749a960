#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite: system packages, type-check, lint, then unit + integration tests
# (integration tests start the real docker-registry themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
echo "== type-check and build dist/" >&2
tsc -p tsconfig.json --noEmit
npm run -s build
echo "== lint" >&2
eslint --max-warnings 0 .
echo "== peers (kube-apiserver, etcd, kustomize, cosign, flux, oras, crane: built only when the cache lacks a pin)" >&2 && node scripts/peers/main.ts build
echo "== tests" >&2
node --test --test-reporter=spec --test-concurrency=4 'src/**/*.test.ts' 'test/**/*.test.ts'
