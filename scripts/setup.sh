#!/usr/bin/env bash
# Create .venv and install policy-engine into it. Idempotent.
#   scripts/setup.sh           the package with its test and dev extras (tests, CI)
#   scripts/setup.sh --main    the package alone: all `policy-engine lint` needs (demo)
# The test-only differential oracle (node/npm) is scripts/setup-oracle.sh; test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "") target='.[test,dev]' ;;
  --main) target='.' ;;
  *) echo "setup.sh: unknown option \`$1\` (allowed: --main, or nothing)" >&2; exit 2 ;;
esac
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$target" 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }
