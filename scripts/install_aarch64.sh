#!/usr/bin/env bash
# Installs what `deno task cross:aarch64` and `deno task test:aarch64` need,
# for CI and fresh machines (the tasks themselves install nothing; they say
# what is missing):
#   - Debian/Ubuntu packages: the aarch64 cross compiler, the arm64 glibc
#     sysroot (/usr/aarch64-linux-gnu) and qemu-user-static;
#   - Deno's arm64 build from the npm registry (@deno/linux-arm64-glibc),
#     unpacked into native/build/deno-aarch64/ (never installed globally).
# Needs root for apt-get. Usage: bash scripts/install_aarch64.sh
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=()
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || pkgs+=(gcc-aarch64-linux-gnu)
[ -f /usr/aarch64-linux-gnu/include/asm/unistd.h ] || pkgs+=(libc6-dev-arm64-cross)
[ -f /usr/aarch64-linux-gnu/lib/libc.so.6 ] || pkgs+=(libc6-arm64-cross)
command -v qemu-aarch64-static >/dev/null 2>&1 || command -v qemu-aarch64 >/dev/null 2>&1 || pkgs+=(qemu-user-static)
if [ ${#pkgs[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

dest=native/build/deno-aarch64
# The arm64 build matching the host's Deno when the registry has it, else
# the newest one it has (the registry can lag a patch release behind).
want=$(deno --version 2>/dev/null | head -n1 | awk '{print $2}' || true)
pkg=@deno/linux-arm64-glibc
if [ -z "$want" ] || ! npm view "$pkg@$want" version >/dev/null 2>&1; then
  want=$(npm view "$pkg" version)
fi
if [ -x "$dest/deno" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$want" ]; then
  echo "install_aarch64: $dest/deno $want already there"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg@$want" >/dev/null)
mkdir -p "$dest"
tar -xzf "$tmp"/*.tgz -C "$tmp"
install -m 0755 "$tmp/package/deno" "$dest/deno"
echo "$want" >"$dest/VERSION"
echo "install_aarch64: Deno $want (arm64) in $dest/deno"
