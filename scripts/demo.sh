#!/usr/bin/env bash
# Set up, then run the main job on the bundled example catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/policy-engine render --tenant acme-corp --tier basic
