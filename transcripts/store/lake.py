"""The versioned store: every table of `schemas.TABLES` in a DuckLake (SQLite catalog, Parquet data; or, for a
remote lake, a PostgreSQL catalog and Parquet data in S3: see location.py and remote.py).

Layout of a lake folder:

    catalog.sqlite   DuckLake catalog (SQLite in WAL mode, so readers never block the writer)
    data/            Parquet files, written by DuckLake (paths relative to data/ in the catalog)
    lock             writer lock (fcntl.flock); holds the pid of the publishing process

Our dataset versions (1, 2, 3, ...) are rows of `versions` and are also written into the `extra_info`
of the DuckLake commit that published them; `snapshot_of` maps one to the other. A version is published
in ONE DuckLake transaction, so readers (and a killed writer) only ever see whole versions.

Every attach names the data folder from the lake folder's own location (OVERRIDE_DATA_PATH), so a lake
folder can be copied or moved and still works.

This module holds the `Lake` class (paths, attach, versions, time travel); the rest lives beside it, by
concern: lock.py, publish.py, guard.py (the query sandbox), gc.py, diff.py, export.py, integrity.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypedDict

import duckdb

from schemas import TABLES
from transcripts.explore.card import dataset_card
from transcripts.explore.describe import apply_comments
from transcripts.store import diff as _diff
from transcripts.store import export as _export
from transcripts.store import gc as _gc
from transcripts.store import guard, integrity, remote
from transcripts.store.errors import (
    ExpiredVersion,
    LakeBusy,
    LakeDamaged,
    LakeError,
    LakeMissing,
    QueryError,
    QueryRefused,
    QueryTimeout,
    QueryTooLarge,
    UnknownVersion,
)
from transcripts.store.extensions import connect
from transcripts.store.guard import check_read_only
from transcripts.store.limits import DEFAULT_TIMEOUT
from transcripts.store.location import LocalLocation, Location, RemoteLocation
from transcripts.store.lock import held_guard, lock_holder, open_publications, remote_writer_lock, writer_lock
from transcripts.store.publish import (
    Changes,
    CheckFn,
    CheckOutcome,
    Publication,
    PublishResult,
    validate_rows,
    validate_version_row,
)
from transcripts.store.sql import AUTHOR, CATALOG, RowData, literal, quote, scalar

__all__ = [
    "AUTHOR", "CATALOG", "Changes", "CheckFn", "CheckOutcome", "ExpiredVersion", "Lake", "LakeBusy",
    "LakeDamaged", "LakeError", "LakeMissing", "LakeState", "Publication", "PublishResult", "QueryError",
    "QueryRefused", "QueryTimeout", "QueryTooLarge", "RowData", "UnknownVersion", "check_read_only",
    "dataset_card",
]


class LakeState(TypedDict):
    documents: dict[str, tuple[str, str]]  # doc_id -> (source_sha256, pipeline_version)
    rejects: dict[str, tuple[str | None, str]]  # source_path -> (source_sha256, pipeline_version)
    bodies: dict[str, str]  # doc_id -> body_sha256 (duplicate detection)


class Lake:
    def __init__(self, root: Path | str | Location) -> None:
        """`root`: a lake folder, or a location from `location.resolve_location` (a remote lake). For a remote
        lake `root` is the local folder of what is derived from it (run reports, search indexes)."""
        self.location: Location = root if isinstance(root, LocalLocation | RemoteLocation) \
            else LocalLocation(Path(root).expanduser().resolve())
        self.remote = self.location.remote
        self.root = self.location.root
        self.catalog_path = self.root / "catalog.sqlite"  # local lakes only
        self.data_path = self.location.data_path  # a folder, or the s3:// URL of a remote lake
        self.lock_path = self.root / "lock"  # local lakes only
        self.catalog_name = CATALOG  # the name our connections attach the lake under (reader(): USE'd)

    def __repr__(self) -> str:
        return f"Lake({self.location.display!r})"

    @property
    def display(self) -> str:
        """The lake as messages name it: its folder, or its catalog URL (no password) and data URL."""
        return self.location.display

    # ---------------------------------------------------------------- setup

    def exists(self) -> bool:
        if isinstance(self.location, RemoteLocation):
            try:
                return remote.database_exists(self.location.dsn)
            except Exception as exc:  # psycopg.Error: unreachable server, refused login
                raise integrity.unreachable_catalog(self, exc) from None
        return self.catalog_path.is_file()

    def require(self) -> None:
        if not self.exists():
            raise LakeMissing(f"no dataset at {self.display} (nothing published yet)")

    def init(self) -> None:
        """Create the folder, the catalog (WAL) and every declared table; idempotent.

        Tables added to schemas.TABLES later are created on the next init (CREATE TABLE IF NOT EXISTS).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        if isinstance(self.location, RemoteLocation):
            remote.create_database(self.location.dsn)  # the lock lives in it: it must exist first
        else:
            self.location.data_path.mkdir(exist_ok=True)
        with self.writer_lock():
            if not self.remote:
                # WAL lets readers in other processes read the catalog while a writer commits.
                with contextlib.closing(sqlite3.connect(self.catalog_path)) as db:
                    db.execute("PRAGMA journal_mode=WAL").fetchall()
            con = self.writer()
            try:
                existing = {r[0] for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [CATALOG]).fetchall()}
                missing = [t for name, t in TABLES.items() if name not in existing]
                if missing:
                    con.execute("BEGIN")
                    # Persisted in the catalog, so every writer writes Parquet, never rows inlined in SQLite.
                    con.execute(f"CALL {CATALOG}.set_option('data_inlining_row_limit', 0)")
                    for table in missing:
                        con.execute(table.ddl(f"{CATALOG}.{quote(table.name)}"))
                    apply_comments(con, CATALOG, missing)  # descriptions from schemas/ as catalog comments
                    con.execute(f"CALL {CATALOG}.set_commit_message(?, ?, extra_info => ?)",
                                [AUTHOR, "create tables: " + ", ".join(t.name for t in missing),
                                 json.dumps({"init": [t.name for t in missing]})])
                    con.execute("COMMIT")
            finally:
                con.close()

    def writer_lock(self, timeout: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """Exclusive lock for publishing; raises LakeBusy if another process holds it past `timeout` s.
        Re-entrant within one thread. The OS drops the lock when the holder dies, even on SIGKILL (a remote
        lake's: PostgreSQL, when the holder's connection ends)."""
        if isinstance(self.location, RemoteLocation):
            if not self.exists():
                remote.create_database(self.location.dsn)
            return remote_writer_lock(self.location.dsn, remote.lock_key(self.location.data_url), self.display,
                                      timeout)
        return writer_lock(self.root, self.lock_path, timeout)

    def lock_holder(self) -> str | None:
        """Who holds the writer lock, or None when it is free: the pid written in the lock file, or for a
        remote lake `writer HOST pid N` (the holder's PostgreSQL application_name)."""
        if isinstance(self.location, RemoteLocation):
            if not self.exists():
                return None
            return remote.advisory_holder(self.location.dsn, remote.lock_key(self.location.data_url))
        return lock_holder(self.lock_path)

    # ---------------------------------------------------------------- connections

    def attach_sql(self, *, read_only: bool, snapshot: int | None = None, name: str = CATALOG) -> str:
        # The data folder always comes from where the lake folder is now, not from the catalog, so that a
        # copied or moved lake reads its own files.
        options = [f"DATA_PATH {literal(self.location.data_url)}", "OVERRIDE_DATA_PATH true"]
        if read_only:
            options.append("READ_ONLY")
            if snapshot is not None:
                options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        else:
            options.append("DATA_INLINING_ROW_LIMIT 0")
        return f"ATTACH {literal(self.location.attach_target)} AS {name} ({', '.join(options)})"

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the extensions (and for a remote lake the S3 credentials) the lake needs."""
        con = connect(extensions=self.location.extensions)
        if self.remote:
            try:
                remote.configure_s3(con)
            except BaseException:
                con.close()
                raise
        return con

    def _attach(self, con: duckdb.DuckDBPyConnection, **options: Any) -> None:
        try:
            con.execute(self.attach_sql(**options))
        except duckdb.Error as exc:
            con.close()
            raise integrity.damaged_catalog(self, exc) from None

    def writer(self) -> duckdb.DuckDBPyConnection:
        con = self.connect()
        self._attach(con, read_only=False)
        return con

    def plain_reader(self, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
        """Read-only attach, not sandboxed: for our own reads (and exports, which write files)."""
        self.require()
        con = self.connect()
        self._attach(con, read_only=True, snapshot=snapshot)
        con.execute(f"USE {CATALOG}")
        return con

    def reader(self, version: int | None = None, *, sandboxed: bool = True) -> duckdb.DuckDBPyConnection:
        """A new connection to the lake at `version` (default: the current version), read-only and sandboxed.

        Tables are queried by bare name. The attach is READ_ONLY and pinned to the version's snapshot, so
        every query of the connection sees the same version, whatever a writer does meanwhile. The
        configuration is locked before the connection is handed out: no file access outside the data
        folder, no extension loading, bounded memory and threads (see guard.sandbox). `sandboxed=False`
        is for our own heavy reads (validating a whole version), never for user SQL.
        """
        con = self.plain_reader()
        try:
            # Resolve the snapshot on the same connection, then re-attach pinned to it (one connect).
            known = self.version_snapshots(con)
            if version is not None and version not in known:
                raise _unknown(con, version, known)
            if known:
                snapshot = known[max(known) if version is None else version]
                con.execute(f"USE memory; DETACH {CATALOG}")
                con.execute(self.attach_sql(read_only=True, snapshot=snapshot))
                con.execute(f"USE {CATALOG}")
            if sandboxed:
                guard.sandbox(con, self.location.data_url)
        except BaseException:
            con.close()
            raise
        return con

    # ---------------------------------------------------------------- versions and snapshots

    def version_snapshots(self, con: duckdb.DuckDBPyConnection) -> dict[int, int]:
        """Dataset version -> DuckLake snapshot id, for every version whose snapshot still exists."""
        rows = con.execute(
            f"SELECT snapshot_id, commit_extra_info FROM {CATALOG}.snapshots() "
            "WHERE commit_extra_info IS NOT NULL ORDER BY snapshot_id").fetchall()
        out: dict[int, int] = {}
        for snapshot_id, extra in rows:
            try:
                info = json.loads(extra)
            except (TypeError, ValueError):
                continue
            if isinstance(info, dict) and isinstance(info.get("version"), int):
                out[info["version"]] = int(snapshot_id)
        return out

    def snapshot_of(self, version: int) -> int:
        """The DuckLake snapshot id that published dataset version `version`."""
        con = self.plain_reader()
        try:
            known = self.version_snapshots(con)
            if version not in known:
                raise _unknown(con, version, known)
        finally:
            con.close()
        return known[version]

    def current_version(self) -> int | None:
        if not self.exists():
            return None
        con = self.plain_reader()
        try:
            known = self.version_snapshots(con)
        finally:
            con.close()
        return max(known) if known else None

    def versions(self) -> list[dict[str, Any]]:
        """Rows of `versions`, oldest first (`rows` as a dict table -> count), each with `expired`: True when
        `gc` expired the version (it stays listed as history, but can no longer be read)."""
        if not self.exists():
            return []
        con = self.plain_reader()
        try:
            readable = self.version_snapshots(con)
            cur = con.execute("SELECT * FROM versions ORDER BY version")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True), expired=row[names.index("version")] not in readable)
                    for row in cur.fetchall()]
        except duckdb.IOException as exc:
            raise integrity.damaged_files(self, exc) from None
        finally:
            con.close()

    # ---------------------------------------------------------------- state for incremental runs

    def read_state(self) -> LakeState:
        """What an incremental run compares its input with (empty when nothing is published)."""
        state: LakeState = {"documents": {}, "rejects": {}, "bodies": {}}
        if not self.exists():
            return state
        con = self.reader()  # one connection: a lake with no version yet has empty tables
        try:
            for doc_id, sha, pv, body in con.execute(
                    "SELECT doc_id, source_sha256, pipeline_version, body_sha256 FROM documents").fetchall():
                state["documents"][doc_id] = (sha, pv)
                state["bodies"][doc_id] = body
            for path, sha, pv in con.execute(
                    "SELECT source_path, source_sha256, pipeline_version FROM rejects").fetchall():
                state["rejects"][path] = (sha, pv)
        except duckdb.IOException as exc:
            raise integrity.damaged_files(self, exc) from None
        finally:
            con.close()
        return state

    # ---------------------------------------------------------------- publishing

    def publish(self, changes: Changes, *, check: CheckFn | None = None) -> PublishResult:
        """Publish `changes` as the next version in ONE DuckLake transaction (see `publication` for the
        streaming form that inserts a run's rows batch by batch).

        Inside the transaction: delete the replaced documents' rows and replaced rejects, insert the new
        rows (cast to the declared types), refresh `speakers`, run `check(con, CATALOG)` over the candidate
        version, insert the `versions` row, set the commit message and extra_info, COMMIT.

        Returns PublishResult: `.version` is the new number; None with `.blocked` True when the check
        blocked (rolled back, previous version current); None with `.blocked` False when nothing changed.
        Creates the lake if missing. Raises LakeBusy when another process publishes, ValueError when rows
        or version_row do not match the schema; any other error rolls back and propagates. A kill at any
        point leaves the previous version current (the commit is atomic in the SQLite catalog).
        """
        rows = {name: data for name, data in changes.rows.items() if len(data) > 0}
        validate_rows(rows)
        if not rows and not changes.replace_doc_ids and not changes.replace_reject_paths:
            return PublishResult(version=None)
        validate_version_row(changes.version_row)
        doc_ids, paths = changes.replaced()
        with self.publication() as pub:
            pub.replace(doc_ids, paths)
            pub.insert(rows)
            return pub.commit(changes.version_row, check=check)

    @contextlib.contextmanager
    def publication(self) -> Iterator[Publication]:
        """An open publishing transaction under the writer lock, for a run that inserts its rows batch by
        batch so that memory is bounded by the batch, not by the corpus. Call `replace` first, `insert` per
        batch, then `commit` (or leave the block without committing: everything is rolled back)."""
        with self.writer_lock():
            if not self.exists():
                self.init()
            self.remove_orphans()  # files a killed run wrote; no other transaction is open (we hold the lock)
            staging = self.root / "staging"
            shutil.rmtree(staging, ignore_errors=True)  # a killed run's leftovers
            staging.mkdir(parents=True)
            con = self.writer()
            # a local lake's inserts on one thread (Publication._insert_threads); a remote one's keep DuckDB's
            # threads for their uploads
            pub = Publication(con, staging, insert_threads=None if self.remote else 1)
            with held_guard:
                open_publications.add(self.root)
            try:
                con.execute("BEGIN")
                yield pub
            finally:
                with held_guard:
                    open_publications.discard(self.root)
                try:
                    if not pub.finished:
                        con.execute("ROLLBACK")
                finally:
                    con.close()
                    shutil.rmtree(staging, ignore_errors=True)

    # ---------------------------------------------------------------- maintenance, reading, integrity

    def remove_orphans(self) -> list[str]:
        """Delete Parquet files under data/ that no snapshot references (a killed or rolled back
        transaction's); spares this process's own open publication. Takes the writer lock."""
        return _gc.remove_orphans(self)

    def has_orphans(self) -> bool:
        """Cheap test (no lock, no DuckDB): are there more Parquet files in data/ than the catalog knows?"""
        return _gc.has_orphans(self)

    def gc(self, keep: int | None = None, older_than: dt.timedelta | None = None) -> dict[str, Any]:
        """Expire old versions and delete the files that no remaining version uses.

        A version is expired when it is not among the `keep` newest AND (when given) was published more than
        `older_than` ago; give at least one of the two. The current version is never expired. Expired
        versions stay listed in `versions` (marked expired by `Lake.versions`) but can no longer be read:
        `reader`/`query`/`diff`/`export` raise ExpiredVersion. Readers that still have an expired version
        open may fail once its files are gone. Raises LakeBusy while a run publishes.

        Returns {"expired": [versions], "kept": [versions], "snapshots_expired": n, "files_deleted": n,
        "orphans_deleted": n, "bytes_freed": n}.
        """
        return _gc.collect(self, keep, older_than)

    def query(self, sql: str, version: int | None = None, *,
              timeout: float = DEFAULT_TIMEOUT) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one read-only statement at `version` (default current) in the sandbox; return column names
        and rows.

        Raises QueryRefused for anything but reading (see `check_read_only`), QueryTimeout past `timeout`
        seconds, QueryTooLarge past the reader's memory limit, QueryError for other SQL errors, LakeDamaged
        for a missing or damaged data file, UnknownVersion for a version never published.
        """
        check_read_only(sql)
        con = self.reader(version)
        try:
            return guard.run_query(con, sql, timeout=timeout, hide=self.data_path if self.remote else self.root)
        except duckdb.IOException as exc:
            raise integrity.damaged_files(self, exc) from None
        finally:
            con.close()

    def diff(self, a: int, b: int) -> dict[str, Any]:
        """Documents added, removed and changed from version a to b, and rows per table at each.

        Returns {"from": a, "to": b, "added": [doc_id], "removed": [...], "changed": [...], "unchanged": n,
        "rows_a": {table: n}, "rows_b": {table: n}}; changed = same doc_id with a different source_sha256 or
        pipeline_version. A table that did not exist yet counts None.
        """
        try:
            return _diff.diff(self, a, b)
        except duckdb.IOException as exc:
            raise integrity.damaged_files(self, exc) from None

    def export(self, out_dir: Path | str, version: int | None = None) -> dict[str, Any]:
        """Write `<table>.parquet` per table, `manifest.json` and a dataset card `README.md`.

        Files are written under temporary names and renamed, manifest last, so a reader of out_dir never
        takes a half-written file for a finished one. Returns the manifest.
        """
        try:
            return _export.export(self, out_dir, version)
        except duckdb.IOException as exc:
            raise integrity.damaged_files(self, exc) from None

    def check(self) -> integrity.Report:
        """Whether every data file of every readable version is whole (see integrity.check)."""
        return integrity.check(self)

    def current_files_whole(self) -> bool:
        """Cheap (stat calls only): do the current version's data files exist with their recorded sizes?"""
        return integrity.current_files_whole(self)


def _unknown(con: duckdb.DuckDBPyConnection, version: int, known: Mapping[int, int]) -> UnknownVersion:
    """ExpiredVersion when the current `versions` lists `version` (gc expired it), else UnknownVersion."""
    published = scalar(con, f"SELECT count(*) FROM {CATALOG}.versions WHERE version = {int(version)}")
    return (ExpiredVersion if published else UnknownVersion)(version, sorted(known))
