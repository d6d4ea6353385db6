#!/usr/bin/env bash
# The main example: build the seed Go app once single-stage and once multi-stage, run the
# multi-stage image, and compare the two image sizes. Installs what it needs (apt + npm) first.
# Base images (busybox, golang:1.19) are made locally from Debian packages — no Docker Hub.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --example
export DRYDOCK_ROOT="${DRYDOCK_ROOT:-/var/lib/drydock}"
export DRYDOCK_TEST_CACHE="${DRYDOCK_TEST_CACHE:-/var/cache/drydock-test}"
drydock() { bin/drydock.js "$@"; }

echo "== base images (built locally once, then cached)"
node dist/examples/base-images.js busybox golang

meta=$(mktemp -d)
trap 'rm -rf "$meta"' EXIT
echo "== single-stage build (examples/go-hello/Dockerfile.single)"
drydock build --progress=plain --metadata-file "$meta/single.json" -f examples/go-hello/Dockerfile.single -t go-hello:single examples/go-hello
echo "== multi-stage build (examples/go-hello/Dockerfile)"
drydock build --progress=plain --metadata-file "$meta/multi.json" -t go-hello:multi examples/go-hello

echo "== drydock run go-hello:multi"
drydock run go-hello:multi

node -e '
const fs = require("fs");
const size = (f) => JSON.parse(fs.readFileSync(f, "utf8"))["drydock.sizes"].image.size;
const mb = (n) => (n / 1e6).toFixed(1) + " MB";
const s = size(process.argv[1]), m = size(process.argv[2]);
console.log("== image sizes");
console.log("single-stage  go-hello:single  " + mb(s));
console.log("multi-stage   go-hello:multi   " + mb(m) + "  (" + (100 * (1 - m / s)).toFixed(1) + "% smaller)");
' "$meta/single.json" "$meta/multi.json"
