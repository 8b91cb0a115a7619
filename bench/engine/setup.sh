#!/usr/bin/env bash
# Installs the benchmark's PyTorch reference into bench/.venv (not needed by the tests).
# PyPI's `torch` is the CUDA build (~530 MB wheel plus nvidia packages); it runs on the CPU.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install --quiet --upgrade pip
"$here/.venv/bin/pip" install --quiet numpy torch
"$here/.venv/bin/python" -c "import torch; print('torch', torch.__version__)"
