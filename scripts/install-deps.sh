#!/usr/bin/env bash
# Installs the Debian packages Morph's build, tests and demo need (run as root on
# Debian 12 with Swift already present). Idempotent: when every package is already
# installed it changes nothing and does not touch the network.
set -euo pipefail

PACKAGES=(
  # build: C libraries behind the system-library targets
  libzmq3-dev libopenblas-dev zlib1g-dev libssl-dev pkg-config
  # data: Fashion-MNIST IDX files under /usr/share/datasets/fashion-mnist
  dataset-fashion-mnist
  # tests: the Python venv, and a real browser for the JupyterLab test
  python3-venv chromium chromium-driver
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg -s "$p" >/dev/null 2>&1 || ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing ${missing[*]}; run this script as root (or: sudo $0)" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# python3 may come from pyenv rather than Debian: check that it can build a venv.
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "install-deps: $PY cannot create a venv (no venv/ensurepip module)." >&2
  echo "  Install python3-venv for Debian's python3, or point PYTHON at a Python >= 3.10 that has venv." >&2
  exit 1
fi
echo "install-deps: $("$PY" --version) with venv ok"
