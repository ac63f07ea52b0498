#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the project with everything the run needs: Prefect, DuckDB and its
# DuckLake/SQLite/FTS extension binaries, Great Expectations, spaCy and its English model. Pass extras, e.g. dev.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${1:+[$1]}"
# DuckDB's extension binaries under DuckDB's own names in .venv/duckdb_extensions (plain duckdb loads them there)
.venv/bin/python -m transcripts.store.extensions
