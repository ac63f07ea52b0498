#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the project with everything the run needs: Prefect, DuckDB and its
# DuckLake/SQLite/FTS extension binaries, Great Expectations, spaCy and its English model. Pass extras, e.g. dev.
# Then compiles the pure steps to C (mypyc; needs a C compiler): TRANSCRIPTS_PURE_PYTHON=1 skips that.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[native${1:+,$1}]"
# DuckDB's extension binaries under DuckDB's own names in .venv/duckdb_extensions (plain duckdb loads them there)
.venv/bin/python -m transcripts.store.extensions
# The steps compiled beside their sources; without a compiler (or when asked) the sources run, more slowly.
if [ -n "${TRANSCRIPTS_PURE_PYTHON:-}" ] && [ "${TRANSCRIPTS_PURE_PYTHON}" != 0 ]; then
    .venv/bin/python -m transcripts.build_native --clean
elif ! command -v "${CC:-cc}" >/dev/null 2>&1; then
    echo "no C compiler (${CC:-cc}): the steps run from their sources, more slowly" >&2
elif ! .venv/bin/python -m transcripts.build_native >.venv/native-build.log 2>&1; then
    echo "compiling the steps failed (see .venv/native-build.log): they run from their sources" >&2
fi
