#!/usr/bin/env bash
# Installs the optional labeling baseline of `modelattice-bench percolation` into the project's
# .venv: connected-components-3d (cc3d, PyPI) and numpy. Bench only: `make test` never needs it.
# The venv is made as scripts/figures.sh makes it. Exit status 0 when `import cc3d, numpy` works.
set -uo pipefail
cd "$(dirname "$0")/../.."
check='import cc3d, numpy'
if [ -x .venv/bin/python ] && .venv/bin/python -c "$check" 2>/dev/null; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "bench: python3 not found; the cc3d baseline is skipped" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    # Debian's system Python keeps venv in a separate package.
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv && python3 -m venv .venv || exit 1
  fi
fi
echo "bench: installing connected-components-3d and numpy into .venv" >&2
.venv/bin/pip install -q "connected-components-3d>=3.12,<5" "numpy>=1.24" || exit 1
.venv/bin/python -c "$check"
