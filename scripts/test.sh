#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite: system packages, type-check, lint, then unit + integration tests
# (integration tests start the real docker-registry themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
echo "== type-check" >&2
tsc -p tsconfig.json --noEmit
echo "== lint" >&2
eslint --max-warnings 0 .
echo "== tests" >&2
node --test --test-reporter=spec --test-concurrency=4 'src/**/*.test.ts' 'test/**/*.test.ts'
