#!/usr/bin/env bash
# Install the test-only differential oracle (npm, into tests/oracle/). Idempotent.
# The oracle (@cloud-copilot/iam-simulate, AGPL) is run as a separate node process by
# the differential tests; it is never vendored or imported by the package, and the
# main job (`policy-engine lint`, scripts/demo.sh) never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
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
