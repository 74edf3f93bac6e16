#!/usr/bin/env bash
# Renders results/figures/*.png from results/*.csv with matplotlib, installed from PyPI into a
# local virtual environment (.venv). Skips quietly (exit 0) when Python is not available.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "figures: python3 not found; skipping figures" >&2
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    # Debian's system Python keeps venv in a separate package.
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv && python3 -m venv .venv
  fi
fi
.venv/bin/python -c "import matplotlib" 2>/dev/null || .venv/bin/pip install -q "matplotlib>=3.7,<4"
.venv/bin/python scripts/figures.py "${1:-results}"
