#!/usr/bin/env bash
# Renders results/figures/*.png from results/*.csv with matplotlib, installed from PyPI into a
# local virtual environment (.venv). Skips quietly (exit 0) when Python is not available.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "figures: python3 not found; skipping figures" >&2
  exit 0
fi
source scripts/lib/venv.sh
ensure_venv
.venv/bin/python -c "import matplotlib" 2>/dev/null || .venv/bin/pip install -q "matplotlib>=3.7,<4"
.venv/bin/python scripts/figures.py "${1:-results}"
