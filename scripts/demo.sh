#!/usr/bin/env bash
# Set up, then run the main job on the bundled example catalogue: the lint (every rule
# on every template of every tier, hostile tenant IDs, sizes, and the isolation proof).
# Installs only the package (no test extras, no node): the main job needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --main
.venv/bin/policy-engine lint "$@"
