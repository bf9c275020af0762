#!/usr/bin/env bash
# Create .venv and install policy-engine with its test and dev extras (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,dev]' 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }
