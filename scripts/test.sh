#!/usr/bin/env bash
# Set up everything the tests need, then run the whole test suite (slow tests included).
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow" -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh            # the package with its test and dev extras
bash scripts/setup-oracle.sh     # the test-only differential oracle (node/npm)
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$rc"
