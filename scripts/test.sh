#!/usr/bin/env bash
# The whole suite on node's test runner. Unit tests sit beside the code (src/**/*.test.ts);
# integration tests that start real registries live in test/. Concurrency 2 matches the
# 2-core machines this runs on; the registries are light.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-console.sh
exec node --test --test-concurrency=2 --test-timeout=300000 'src/**/*.test.ts' 'test/**/*.test.ts' "$@"
