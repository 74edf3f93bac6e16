#!/usr/bin/env bash
# Installs the Debian packages ModeLattice needs, only those missing (CI runs without stdin).
set -euo pipefail
packages=(libgsl-dev libopenblas-dev pkg-config zlib1g-dev dataset-fashion-mnist libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: no 'swift' on PATH; install the Swift 6 toolchain (swift.org) first" >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
