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
# Every temp dir the tests (and the drydock, dockerd and registry processes they start) make goes
# under one directory, removed at the end with whatever a failed or killed test left there
# (mounts included): a machine that runs the suite often does not collect thousands of them.
TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/drydock-tests.XXXXXX")"
export TMPDIR
cleanup() {
  { grep -o " $TMPDIR/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$TMPDIR"
}
trap cleanup EXIT
node --test --test-concurrency=2 --test-timeout=900000 $files
