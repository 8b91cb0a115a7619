#!/usr/bin/env bash
# Creates the test venv (.venv in the repository, or $VENV), installs the pinned Python
# packages of Tests/integration/requirements.txt and the project's own Python plugins
# under python/ (e.g. papermill-morph). Skips pip when a stamp file holds the hash of the
# requirements and plugin sources it was built from.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PY="${PYTHON:-python3}"
REQ="Tests/integration/requirements.txt"
STAMP="$VENV/.requirements.sha256"

plugins=()
if [ -d python ]; then
  while IFS= read -r f; do plugins+=("$(dirname "$f")"); done < <(find python -mindepth 2 -maxdepth 2 -name pyproject.toml | sort)
fi
plugin_files=()
if [ ${#plugins[@]} -gt 0 ]; then
  while IFS= read -r f; do plugin_files+=("$f"); done < <(find "${plugins[@]}" -type f \
    -not -path '*/__pycache__/*' -not -name '*.pyc' -not -path '*.egg-info/*' -not -path '*/build/*' | sort)
fi
want="$(cat "$REQ" "${plugin_files[@]}" | sha256sum | cut -d' ' -f1)"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "setup-venv: $VENV up to date"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-venv: creating $VENV with $("$PY" --version)"
  "$PY" -m venv "$VENV"
fi
pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet --upgrade pip
"${pip[@]}" install --quiet -r "$REQ"
for p in "${plugins[@]}"; do
  echo "setup-venv: installing plugin $p"
  # Build from a copy: setuptools leaves build/ and *.egg-info in the source folder.
  copy="$(mktemp -d)"
  cp -r "$p" "$copy/"
  "${pip[@]}" install --quiet --force-reinstall --no-deps "$copy/$(basename "$p")"
  rm -rf "$copy"
done
echo "$want" > "$STAMP"
echo "setup-venv: $VENV ready"
