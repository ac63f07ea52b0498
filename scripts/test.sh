#!/usr/bin/env bash
# Set up .venv with the dev tools and run the whole test suite (slow end-to-end tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# The report's test opens it in a real headless browser: Debian's chromium, installed here when missing.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
        || echo "could not install chromium: the report's browser test will be skipped" >&2
fi
export PREFECT_SERVER_ANALYTICS_ENABLED=false
# both cores by default (TEST_WORKERS=0 runs the tests in this process)
.venv/bin/python -m pytest -q -p no:cacheprovider -n "${TEST_WORKERS:-2}" "$@"
