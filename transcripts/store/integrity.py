"""Is a lake whole? Every data file of every readable version, checked against what the catalog records.

DuckLake records each data and delete file's path and size (`ducklake_data_file`, `ducklake_delete_file`)
but no checksum, so a file is whole when it exists, has the recorded size and starts and ends with the
Parquet magic bytes. The catalog is read with SQLite directly (a remote lake's with PostgreSQL), so the
check also works when DuckDB cannot attach the lake. A remote lake's files are listed from S3 with their
sizes; their magic bytes are not read (that would be two requests per file).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from transcripts.store import remote
from transcripts.store.errors import LakeDamaged, QueryError
from transcripts.store.location import RemoteLocation

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
    path: str  # a file's path, or its s3:// URL
    size: int


def open_catalog(lake: Lake) -> Any:
    """A DB-API connection to the catalog database, read-only for SQLite: both run the catalog SQL below."""
    if isinstance(lake.location, RemoteLocation):
        return remote.pg_connect(lake.location.dsn)
    return sqlite3.connect(f"{lake.catalog_path.as_uri()}?mode=ro", uri=True)


def catalog_errors() -> tuple[type[Exception], ...]:
    """What reading a catalog database may raise (SQLite's and, for a remote lake, psycopg's errors)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


def _catalog_files(db: Any, data_url: str) -> list[_File]:
    """Every data and delete file the catalog knows, with its full path under the lake's data folder (a
    folder or an s3:// prefix: os.path.join puts one `/` between the parts either way)."""
    join = os.path.join
    schemas = {sid: (p, rel) for sid, p, rel in db.execute("SELECT schema_id, path, path_is_relative "
                                                            "FROM ducklake_schema")}
    tables: dict[int, tuple[str, str]] = {}
    for tid, name, sid, p, rel in db.execute("SELECT table_id, table_name, schema_id, path, path_is_relative "
                                             "FROM ducklake_table ORDER BY begin_snapshot"):
        schema_path, schema_rel = schemas.get(sid, ("", True))
        base = join(data_url, schema_path) if schema_rel else schema_path
        tables[tid] = (name, join(base, p) if rel else p)
    files = []
    for tid, begin, end, p, rel, size in db.execute(_FILES_SQL):
        name, table_path = tables.get(tid, (f"table {tid}", data_url))
        files.append(_File(name, int(begin), None if end is None else int(end),
                           join(table_path, p) if rel else p, int(size or 0)))
    return files


def _version_snapshots(db: Any) -> dict[int, int]:
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


def remote_sizes(lake: Lake) -> dict[str, int]:
    """Every file under a remote lake's data prefix with its size, listed from S3 (no file is read). Raises
    LakeDamaged, in one line, when the prefix cannot be listed (wrong credentials, no such bucket)."""
    con = lake.connect()
    try:
        return {str(name): int(size) for name, size in con.execute(
            "SELECT filename, size FROM read_blob(?)", [lake.location.data_url + "**"]).fetchall()}
    except duckdb.Error as exc:
        if "No files found" in str(exc):
            return {}
        raise LakeDamaged(remote.redact(f"the data files at {lake.location.data_url} cannot be listed "
                                        f"({_first(exc)})")) from None
    finally:
        con.close()


def _problem(file: _File, listed: dict[str, int] | None = None) -> str | None:
    """What is wrong with a data file, or None when it is whole (`listed`: a remote lake's files and sizes)."""
    if listed is not None:
        if file.path not in listed:
            return "missing"
        size = listed[file.path]
        return None if size == file.size else f"{size} bytes, the catalog records {file.size}"
    path = Path(file.path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if size != file.size:
        return f"{size} bytes, the catalog records {file.size}"
    try:
        with path.open("rb") as f:
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
    report = Report(lake.display)
    unreadable: tuple[type[Exception], ...] = (*catalog_errors(), LakeDamaged)
    try:
        if not lake.exists():
            what = "no catalog database" if lake.remote else "no catalog.sqlite"
            report.catalog_error = f"{what}: not a lake, or nothing published yet"
            return report
        with contextlib.closing(open_catalog(lake)) as db:
            files = _catalog_files(db, lake.location.data_url)
            snapshots = _version_snapshots(db)
    except unreadable as exc:
        report.catalog_error = remote.redact(f"the catalog cannot be read ({_first(exc)})")
        return report
    # Only the files some readable version reads: gc may leave rows of expired versions' deleted files.
    files = [f for f in files if any(_live(f, s) for s in snapshots.values())]
    report.files_checked = len(files)
    try:
        listed = remote_sizes(lake) if lake.remote else None
    except LakeDamaged as exc:
        report.catalog_error = str(exc)
        return report
    problems = {f: p for f in files if (p := _problem(f, listed)) is not None}
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
        with contextlib.closing(open_catalog(lake)) as db:
            files = _catalog_files(db, lake.location.data_url)
            snapshots = _version_snapshots(db)
    except catalog_errors():
        return False
    if not snapshots:
        return True
    current = snapshots[max(snapshots)]
    live = [f for f in files if _live(f, current)]
    if lake.remote:  # one listing of the prefix, no file read
        listed = remote_sizes(lake)
        return all(listed.get(f.path) == f.size for f in live)
    for f in live:
        try:
            if Path(f.path).stat().st_size != f.size:
                return False
        except OSError:
            return False
    return True


def _shown(lake: Lake, path: str) -> str:
    if lake.remote:
        return path.removeprefix(lake.location.data_url)
    with contextlib.suppress(ValueError):
        return str(Path(path).relative_to(lake.root))
    return path


def _advice(lake: Lake) -> str:
    return f"run `transcripts check {lake.location.options}` to see what can still be read"


def _first(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def damaged_catalog(lake: Lake, exc: duckdb.Error) -> LakeDamaged:
    return LakeDamaged(remote.redact(f"the catalog of {lake.display} cannot be opened ({_first(exc)}); "
                                     f"{_advice(lake)}"))


def unreachable_catalog(lake: Lake, exc: BaseException) -> LakeDamaged:
    """The catalog server did not answer or refused us (psycopg's error, in one line without secrets)."""
    return LakeDamaged(remote.redact(f"the catalog of {lake.display} cannot be reached ({_first(exc)})"))


def damaged_files(lake: Lake, exc: duckdb.Error | None) -> LakeDamaged | QueryError:
    """LakeDamaged when a data file is missing or damaged; else the I/O error itself, as a QueryError."""
    report = check(lake)
    if lake.remote and report.damaged and not report.problems and report.catalog_error:
        return LakeDamaged(f"{report.catalog_error}; {_advice(lake)}")
    if report.damaged:
        bad = ", ".join(report.problems) or "the catalog"
        return LakeDamaged(f"the lake {lake.display} is damaged ({bad}); {_advice(lake)}")
    message = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "I/O error"
    return QueryError(remote.redact(message.replace(str(lake.data_path if lake.remote else lake.root), "<lake>")))
