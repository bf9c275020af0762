#!/usr/bin/env bash
# Create .venv and install policy-engine with its test and dev extras, and the
# test-only differential oracle (npm, into tests/oracle/). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,dev]' 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }

# The oracle (@cloud-copilot/iam-simulate, AGPL) is a test-only tool run as a separate
# node process; it is never vendored or imported by the package.
if ! command -v npm >/dev/null 2>&1 && [ "${CI:-}" = "true" ] && command -v apt-get >/dev/null; then
  echo "installing node and npm for the differential oracle" >&2
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/oracle/node_modules/@cloud-copilot/iam-simulate ]; then
    (cd tests/oracle && npm ci --silent --no-audit --no-fund)
  fi
else
  echo "npm not found: the differential oracle tests will be skipped (they fail when CI=true)" >&2
fi
