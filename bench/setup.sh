#!/usr/bin/env bash
# Prepares the benchmark venv: the test venv (scripts/setup-venv.sh) plus ipykernel, the
# reference kernel bench/kernel/bench_kernel.py runs side by side with Morph.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
VENV="$VENV" bash scripts/setup-venv.sh
if ! "$VENV/bin/python" -c 'import ipykernel, sys; sys.exit(ipykernel.__version__ != "7.4.0")' 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "ipykernel==7.4.0"
fi
"$VENV/bin/python" -m ipykernel --version >/dev/null
echo "bench/setup.sh: ipykernel $("$VENV/bin/python" -c 'import ipykernel; print(ipykernel.__version__)') ready in $VENV"
