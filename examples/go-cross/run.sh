#!/usr/bin/env bash
# The multi-platform example: cross-compile the seed Go app (examples/go-hello) for linux/amd64
# and linux/arm64 in one build (one OCI index), run each platform's image (arm64 under QEMU),
# and print each platform's size. Installs what it needs (apt + npm) first. Base images
# (golang:1.19, busybox for both platforms) are made locally from Debian packages: no Docker Hub.
#   bash examples/go-cross/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# The arm64 busybox is made from Debian's arm64 busybox-static: apt needs that architecture.
dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64; apt-get update -qq; }
bash scripts/setup.sh --example   # also installs qemu-user-static
export DRYDOCK_ROOT="${DRYDOCK_ROOT:-/var/lib/drydock}"
export DRYDOCK_TEST_CACHE="${DRYDOCK_TEST_CACHE:-/var/cache/drydock-test}"
drydock() { bin/drydock.js "$@"; }

echo "== base images (built locally once, then cached)"
node dist/examples/go-cross/base-images.js
echo "== QEMU user-mode emulation for arm64 (binfmt_misc, F flag)"
drydock setup binfmt arm64

meta=$(mktemp -d)
trap 'rm -rf "$meta"' EXIT
echo "== one build, two platforms (examples/go-cross/Dockerfile, context examples/go-hello)"
drydock build --progress=plain --platform linux/amd64,linux/arm64 --metadata-file "$meta/build.json" \
  -f examples/go-cross/Dockerfile -t go-cross:latest examples/go-hello

echo "== drydock run --platform linux/arm64 go-cross:latest   (under QEMU)"
drydock run --platform linux/arm64 go-cross:latest
echo "== drydock run --platform linux/amd64 go-cross:latest"
drydock run --platform linux/amd64 go-cross:latest

node -e '
const fs = require("fs");
const stages = JSON.parse(fs.readFileSync(process.argv[1], "utf8"))["drydock.sizes"].stages;
console.log("== image size per platform");
for (const s of stages.filter((s) => s.inImage)) {
  console.log(s.name.split(" ")[0].padEnd(13) + (s.size / 1e6).toFixed(2) + " MB  " + s.layers + " layers");
}
' "$meta/build.json"
