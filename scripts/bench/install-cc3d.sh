#!/usr/bin/env bash
# Installs the optional labeling baseline of `modelattice-bench percolation` into the project's
# .venv: connected-components-3d (cc3d, PyPI) and numpy. Bench only: `make test` never needs it.
# The venv is made by scripts/lib/venv.sh. Exit status 0 when `import cc3d, numpy` works.
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
source scripts/lib/venv.sh
ensure_venv || exit 1
echo "bench: installing connected-components-3d and numpy into .venv" >&2
.venv/bin/pip install -q "connected-components-3d>=3.12,<5" "numpy>=1.24" || exit 1
.venv/bin/python -c "$check"
