"""Is a lake whole? Every data file of every readable version, checked against what the catalog records.

DuckLake records each data and delete file's path and size (`ducklake_data_file`, `ducklake_delete_file`)
but no checksum, so a file is whole when it exists, has the recorded size and starts and ends with the
Parquet magic bytes. The catalog is read with SQLite directly, so the check also works when DuckDB cannot
attach the lake.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from transcripts.store.errors import LakeDamaged, QueryError

if TYPE_CHECKING:
    from transcripts.store.lake import Lake

PARQUET_MAGIC = b"PAR1"
# A file's row: (table_id, begin_snapshot, end_snapshot, path, path_is_relative, file_size_bytes)
_FILES_SQL = """
SELECT table_id, begin_snapshot, end_snapshot, path, path_is_relative, file_size_bytes FROM ducklake_data_file
UNION ALL
SELECT table_id, begin_snapshot, end_snapshot, path, path_is_relative, file_size_bytes FROM ducklake_delete_file
"""


@dataclass
class Report:
    """What `check` found. `problems` maps a data file (relative to the lake) to what is wrong with it."""

    lake: str
    catalog_error: str | None = None
    versions: dict[int, list[str]] = field(default_factory=dict)  # readable version -> its damaged files
    tables: dict[str, bool] = field(default_factory=dict)  # table -> readable at the current version
    problems: dict[str, str] = field(default_factory=dict)
    files_checked: int = 0

    @property
    def damaged(self) -> bool:
        return self.catalog_error is not None or bool(self.problems)

    @property
    def whole_versions(self) -> list[int]:
        return sorted(v for v, bad in self.versions.items() if not bad)

    @property
    def damaged_versions(self) -> list[int]:
        return sorted(v for v, bad in self.versions.items() if bad)

    def to_json(self) -> dict[str, Any]:
        return {"lake": self.lake, "damaged": self.damaged, "catalog_error": self.catalog_error,
                "files_checked": self.files_checked, "whole_versions": self.whole_versions,
                "damaged_versions": self.damaged_versions, "problems": self.problems,
                "readable_tables": sorted(t for t, ok in self.tables.items() if ok),
                "unreadable_tables": sorted(t for t, ok in self.tables.items() if not ok)}


@dataclass(frozen=True)
class _File:
    table: str
    begin: int
    end: int | None
    path: Path
    size: int


def _open_catalog(lake: Lake) -> sqlite3.Connection:
    return sqlite3.connect(f"{lake.catalog_path.as_uri()}?mode=ro", uri=True)


def _catalog_files(db: sqlite3.Connection, data_path: Path) -> list[_File]:
    """Every data and delete file the catalog knows, with its full path under the lake's data folder."""
    schemas = {sid: (p, rel) for sid, p, rel in db.execute("SELECT schema_id, path, path_is_relative "
                                                            "FROM ducklake_schema")}
    tables: dict[int, tuple[str, Path]] = {}
    for tid, name, sid, p, rel in db.execute("SELECT table_id, table_name, schema_id, path, path_is_relative "
                                             "FROM ducklake_table ORDER BY begin_snapshot"):
        schema_path, schema_rel = schemas.get(sid, ("", True))
        base = data_path / schema_path if schema_rel else Path(schema_path)
        tables[tid] = (name, base / p if rel else Path(p))
    files = []
    for tid, begin, end, p, rel, size in db.execute(_FILES_SQL):
        name, table_path = tables.get(tid, (f"table {tid}", data_path))
        files.append(_File(name, int(begin), None if end is None else int(end),
                           table_path / p if rel else Path(p), int(size or 0)))
    return files


def _version_snapshots(db: sqlite3.Connection) -> dict[int, int]:
    """Readable dataset version -> snapshot id (snapshots gc expired are gone from ducklake_snapshot)."""
    out: dict[int, int] = {}
    for snapshot_id, extra in db.execute(
            "SELECT c.snapshot_id, c.commit_extra_info FROM ducklake_snapshot_changes c "
            "JOIN ducklake_snapshot s USING (snapshot_id) WHERE c.commit_extra_info IS NOT NULL"):
        with contextlib.suppress(TypeError, ValueError):
            info = json.loads(extra)
            if isinstance(info, dict) and isinstance(info.get("version"), int):
                out[info["version"]] = int(snapshot_id)
    return out


def _problem(file: _File) -> str | None:
    """What is wrong with a data file, or None when it is whole."""
    try:
        size = file.path.stat().st_size
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if size != file.size:
        return f"{size} bytes, the catalog records {file.size}"
    try:
        with file.path.open("rb") as f:
            head = f.read(4)
            f.seek(-4, 2)
            tail = f.read(4)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    return None if head == tail == PARQUET_MAGIC else "not a Parquet file (damaged)"


def _live(file: _File, snapshot: int) -> bool:
    return file.begin <= snapshot and (file.end is None or file.end > snapshot)


def check(lake: Lake) -> Report:
    """Check the catalog opens (with SQLite and with DuckDB) and every file of every readable version."""
    report = Report(str(lake.root))
    if not lake.exists():
        report.catalog_error = "no catalog.sqlite: not a lake, or nothing published yet"
        return report
    try:
        with contextlib.closing(_open_catalog(lake)) as db:
            files = _catalog_files(db, lake.data_path)
            snapshots = _version_snapshots(db)
    except sqlite3.Error as exc:
        report.catalog_error = f"the catalog cannot be read ({exc})"
        return report
    # Only the files some readable version reads: gc may leave rows of expired versions' deleted files.
    files = [f for f in files if any(_live(f, s) for s in snapshots.values())]
    report.files_checked = len(files)
    problems = {f: p for f in files if (p := _problem(f)) is not None}
    report.problems = {_shown(lake, f.path): p for f, p in problems.items()}
    for version, snapshot in sorted(snapshots.items()):
        report.versions[version] = sorted(_shown(lake, f.path) for f in problems if _live(f, snapshot))
    if snapshots:
        current = snapshots[max(snapshots)]
        names = {f.table for f in files}
        report.tables = {t: not any(f.table == t and _live(f, current) for f in problems) for t in sorted(names)}
    try:
        lake.plain_reader().close()
    except LakeDamaged as exc:
        report.catalog_error = str(exc)
    return report


def current_files_whole(lake: Lake) -> bool:
    """Cheap (stat calls only): do the current version's files exist with their recorded sizes?"""
    try:
        with contextlib.closing(_open_catalog(lake)) as db:
            files = _catalog_files(db, lake.data_path)
            snapshots = _version_snapshots(db)
    except sqlite3.Error:
        return False
    if not snapshots:
        return True
    current = snapshots[max(snapshots)]
    for f in files:
        if _live(f, current):
            try:
                if f.path.stat().st_size != f.size:
                    return False
            except OSError:
                return False
    return True


def _shown(lake: Lake, path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(lake.root))
    return str(path)


def _advice(lake: Lake) -> str:
    return f"run `transcripts check --lake {lake.root}` to see what can still be read"


def damaged_catalog(lake: Lake, exc: duckdb.Error) -> LakeDamaged:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return LakeDamaged(f"the catalog of {lake.root} cannot be opened ({first}); {_advice(lake)}")


def damaged_files(lake: Lake, exc: duckdb.Error | None) -> LakeDamaged | QueryError:
    """LakeDamaged when a data file is missing or damaged; else the I/O error itself, as a QueryError."""
    report = check(lake)
    if report.damaged:
        bad = ", ".join(report.problems) or "the catalog"
        return LakeDamaged(f"the lake {lake.root} is damaged ({bad}); {_advice(lake)}")
    message = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "I/O error"
    return QueryError(message.replace(str(lake.root), "<lake>"))
