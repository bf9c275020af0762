#!/usr/bin/env bash
# Set up, then run the main job on the bundled example catalogue: the lint (every rule
# on every template of every tier, hostile tenant IDs, sizes, and the isolation proof).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/policy-engine lint "$@"
