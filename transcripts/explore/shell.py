"""`transcripts shell`: the DuckDB command line with one version of the lake attached read-only.

The set-up SQL is the README's recipe for plain DuckDB (extension directory, LOAD, ATTACH ... READ_ONLY),
pinned to the version's DuckLake snapshot, so `transcripts shell` and a hand-typed session agree. For a
remote lake the S3 secret reads the AWS variables with `getenv`, and libpq reads $PGPASSWORD, so no
credential is ever on the command line (where `ps` would show it).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from transcripts.store.extensions import extension_dir, install_extensions
from transcripts.store.remote_s3 import s3_secret_sql

ATTACHED_AS = "lake"


class ShellMissing(RuntimeError):
    """No DuckDB command line next to this Python or on PATH."""


def duckdb_cli() -> Path:
    """The `duckdb` executable installed with the package (duckdb-cli), else the one on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    if beside.is_file():
        return beside
    found = shutil.which("duckdb")
    if found:
        return Path(found)
    raise ShellMissing("no duckdb command line found (pip install duckdb-cli==1.5.5)")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach_sql(location: Any, snapshot: int | None) -> str:
    """SQL that attaches the lake at `location` (store.location) read-only (at `snapshot` when given) and makes
    its tables the default."""
    install_extensions()
    # the data folder from where the lake folder is now: a copied or moved lake reads its own files
    options = [f"DATA_PATH {_lit(location.data_url)}", "OVERRIDE_DATA_PATH true", "READ_ONLY"]
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    loads = "LOAD ducklake; LOAD sqlite; "
    if location.remote:
        secret = s3_secret_sql(by_getenv=True)
        loads = "LOAD ducklake; LOAD postgres; LOAD httpfs; " + (f"{secret}; " if secret else "")
    return (f"SET extension_directory = {_lit(str(extension_dir()))}; {loads}"
            f"ATTACH {_lit(location.attach_target)} AS {ATTACHED_AS} ({', '.join(options)}); "
            f"USE {ATTACHED_AS};")


def shell_command(location: Any, snapshot: int | None, extra: list[str]) -> list[str]:
    """argv of the DuckDB CLI: an in-memory database, the lake attached by `-cmd`, then `extra` arguments."""
    # the set-up's only output (CREATE SECRET's "Success" table) goes nowhere, so a `-c` query prints alone
    return [str(duckdb_cli()), "-cmd", ".output /dev/null", "-cmd", attach_sql(location, snapshot), "-cmd", ".output",
            *extra]
