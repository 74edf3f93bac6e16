#!/usr/bin/env bash
# Installs the PyTorch side of the interop suite (Tests/InteropTests) into the project's .venv:
# torch 2.13.0 as the CPU wheel from PyPI (a plain `torch` pulls the CUDA build), safetensors
# and numpy. Skips the install when all three already import. Exit status: 0 when the .venv
# python imports them afterwards; 1 otherwise (python3 or the wheels missing). The suite decides
# what that means: under CI=true it fails, elsewhere it skips with a message.
set -uo pipefail
cd "$(dirname "$0")/../.."
TORCH_VERSION="2.13.0+cpu"
check='import torch, safetensors, numpy, sys; sys.exit(0 if torch.__version__ == "'"$TORCH_VERSION"'" else 1)'
if [ -x .venv/bin/python ] && .venv/bin/python -c "$check" 2>/dev/null; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "interop: python3 not found; cannot install torch" >&2
  exit 1
fi
source scripts/lib/venv.sh
ensure_venv || exit 1
echo "interop: installing torch==$TORCH_VERSION, safetensors and numpy into .venv" >&2
start=$(date +%s)
.venv/bin/pip install -q "torch==$TORCH_VERSION" "safetensors>=0.4" "numpy>=1.24" || exit 1
echo "interop: installed in $(( $(date +%s) - start )) s" >&2
.venv/bin/python -c "$check"
