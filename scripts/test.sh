#!/usr/bin/env bash
# The full test suite: installs what it needs, typechecks/builds, runs unit then integration tests.
# Node's built-in runner prints the closing counts CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# Fixture images (busybox, debian minbase, golang) are cached here between runs.
export DRYDOCK_TEST_CACHE="${DRYDOCK_TEST_CACHE:-/var/cache/drydock-test}"
mkdir -p "$DRYDOCK_TEST_CACHE"
files=$(find dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=2 --test-timeout=900000 $files
