#!/usr/bin/env bash
# The long fuzz run over the Dockerfile frontend (issue 15): 100,000 seeded inputs by default.
#   bash scripts/fuzz.sh [--n 100000] [--from 1] [--jobs 2]
# Every input must parse or be rejected with one `Dockerfile:LINE:` error; a finding prints its
# seed and input (the same seed always makes the same input). CI runs a few thousand
# (test/unit/dockerfile/fuzz.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || bash scripts/setup.sh
exec node --import tsx test/fuzz/main.ts "$@"
