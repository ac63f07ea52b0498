#!/usr/bin/env bash
# Set up .venv with the dev tools and run the whole test suite (slow end-to-end tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
export PREFECT_SERVER_ANALYTICS_ENABLED=false
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
