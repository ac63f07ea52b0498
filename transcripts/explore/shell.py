"""`transcripts shell`: the DuckDB command line with one version of the lake attached read-only.

The set-up SQL is the README's recipe for plain DuckDB (extension directory, LOAD, ATTACH ... READ_ONLY),
pinned to the version's DuckLake snapshot, so `transcripts shell` and a hand-typed session agree.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from transcripts.store.extensions import extension_dir, install_extensions

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


def attach_sql(catalog: Path, data: Path, snapshot: int | None) -> str:
    """SQL that attaches the lake read-only (at `snapshot` when given) and makes its tables the default."""
    install_extensions()
    # the data folder from where the lake folder is now: a copied or moved lake reads its own files
    options = [f"DATA_PATH {_lit(str(data) + '/')}", "OVERRIDE_DATA_PATH true", "READ_ONLY"]
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    return (f"SET extension_directory = {_lit(str(extension_dir()))}; LOAD ducklake; LOAD sqlite; "
            f"ATTACH {_lit('ducklake:sqlite:' + str(catalog))} AS {ATTACHED_AS} ({', '.join(options)}); "
            f"USE {ATTACHED_AS};")


def shell_command(catalog: Path, data: Path, snapshot: int | None, extra: list[str]) -> list[str]:
    """argv of the DuckDB CLI: an in-memory database, the lake attached by `-cmd`, then `extra` arguments."""
    return [str(duckdb_cli()), "-cmd", attach_sql(catalog, data, snapshot), *extra]
