#!/usr/bin/env bash
# The long crash run (issue 15, part 3): 200 SIGKILLs by default at seeded random points of
# build, build --cache-to, pull, push, load and prune, each followed by fsck (--repair when
# needed) and the next identical build, which must give the uninterrupted build's digest.
#   bash scripts/crash.sh [KILLS] [SEED]      (as root; a failure prints its seed to replay it)
# CI runs 20 (test/integration/store/crash-kill.test.ts, the same harness).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || bash scripts/setup.sh
export CRASH_KILLS="${1:-200}"
export CRASH_SEED="${2:-$((RANDOM * 32768 + RANDOM))}"
echo "crash: ${CRASH_KILLS} kills, seed ${CRASH_SEED}" >&2
exec node --import tsx --test --test-reporter=spec test/integration/store/crash-kill.test.ts
