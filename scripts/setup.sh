#!/usr/bin/env bash
# Installs what drydock and its tests need on Debian bookworm (as root), skipping what is there.
#   scripts/setup.sh            runtime needs (runc, zstd, ...) + npm deps + build
#   scripts/setup.sh --example  also what the example's locally made base images need
#   scripts/setup.sh --test     also the peers and fixtures tools the test suite uses
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_pkgs=(runc zstd xz-utils bzip2 git ca-certificates uidmap fuse-overlayfs)  # uidmap: newuidmap/newgidmap for rootless use; fuse-overlayfs: its snapshots before Linux 5.11 (docs/rootless.md)
# attr: getfattr/setfattr, which tests use to set and check xattrs independently of drydock.
test_pkgs=(attr docker-registry apache2-utils openssl skopeo umoci podman buildah docker.io busybox-static debootstrap golang-go tmux fuse-overlayfs uidmap iproute2 chromium openssh-client qemu-user-static)

# qemu-user-static: RUN for another --platform (drydock setup binfmt registers it, below).
example_pkgs=(busybox-static debootstrap golang-go qemu-user-static)

want=("${runtime_pkgs[@]}")
[[ "${1:-}" == "--example" ]] && want+=("${example_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")

# The foreign-platform fixtures (test/helpers/platform-fixtures.ts) `apt-get download` arm64/armhf packages.
foreign_added=0
if [[ "${1:-}" == "--test" ]]; then
  for arch in arm64 armhf; do
    dpkg --print-foreign-architectures | grep -qx "$arch" || { dpkg --add-architecture "$arch"; foreign_added=1; }
  done
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((foreign_added)) && ! ((${#missing[@]})); then apt-get update -qq; fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # docker.io's postinst starts no daemon here (no systemd); drydock never needs one.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's docker-registry package starts a registry on :5000 when systemd exists; tests start their own.
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc -p .
# The CLI as one script (bin/drydock.js runs it with a V8 code cache); see scripts/bundle.cjs.
node scripts/bundle.cjs
# Emulated RUN for arm64/arm (foreign-platform tests, the example's arm64 image): until reboot.
if [[ "${1:-}" == "--example" || "${1:-}" == "--test" ]]; then
  bin/drydock.js setup binfmt arm64 arm >/dev/null || echo "setup: drydock setup binfmt failed; RUN for linux/arm64 and linux/arm will not work" >&2
fi
