"""The versioned store: every table of `schemas.TABLES` in a DuckLake (SQLite catalog, Parquet data).

Layout of a lake folder:

    catalog.sqlite   DuckLake catalog (SQLite in WAL mode, so readers never block the writer)
    data/            Parquet files, written by DuckLake
    lock             writer lock (fcntl.flock); holds the pid of the publishing process

Our dataset versions (1, 2, 3, ...) are rows of `versions` and are also written into the `extra_info`
of the DuckLake commit that published them; `snapshot_of` maps one to the other. A version is published
in ONE DuckLake transaction, so readers (and a killed writer) only ever see whole versions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, TypedDict

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas import TABLES, Table
from transcripts.store.extensions import connect

CATALOG = "lake"  # name the lake is attached under in our connections; check callbacks get it
AUTHOR = "transcripts"

RowData: TypeAlias = pa.Table | pd.DataFrame


class LakeError(Exception):
    """Base class of the store's errors."""


class LakeMissing(LakeError):
    """The lake folder has no catalog yet (run `init`)."""


class LakeBusy(LakeError):
    """Another process holds the writer lock."""


class UnknownVersion(LakeError):
    """The requested dataset version was never published (or its snapshot was expired)."""

    def __init__(self, version: int | None, known: list[int]) -> None:
        what = "no version published yet" if version is None else f"unknown version {version}"
        super().__init__(f"{what}; known versions: {known or 'none'}")
        self.version = version
        self.known = known


class ExpiredVersion(UnknownVersion):
    """The version was published, but `gc` expired it: its data is gone."""

    def __init__(self, version: int, known: list[int]) -> None:
        LakeError.__init__(self, f"version {version} was expired by `transcripts gc` and can no longer be read; "
                                 f"readable versions: {known or 'none'}")
        self.version = version
        self.known = known


class QueryRefused(LakeError):
    """The SQL would do something other than read."""


class QueryError(LakeError):
    """DuckDB rejected the SQL (syntax, binder, runtime error); the message is DuckDB's."""


@dataclass
class CheckOutcome:
    """What a check callback may return to decide a publish explicitly.

    `passed` False blocks the publish. `summary` (JSON-able) is stored in versions.validation under
    "sql_checks" and in the commit's extra_info; `failures` are shown in the PublishResult report.
    """

    passed: bool
    summary: Any = None
    failures: list[str] = field(default_factory=list)


# A check gets (connection inside the publishing transaction, catalog name) and returns a CheckOutcome, or an
# iterable of per-check results with `.passed` and `.blocking` (transcripts.validate.checks.sql_checks):
# then the publish is blocked when a failed result is blocking, and every result is recorded.
CheckFn = Callable[[duckdb.DuckDBPyConnection, str], Any]


@dataclass
class PublishResult:
    """What publish did. `version` is None when nothing was published: `blocked` (the check failed, the
    transaction was rolled back) or nothing changed."""

    version: int | None
    snapshot: int | None = None
    blocked: bool = False
    rows: dict[str, int] = field(default_factory=dict)  # rows per table of the new (or candidate) version
    checks: Any = None  # JSON-able record of the check results
    failures: list[str] = field(default_factory=list)  # blocking failures, when blocked
    report: str = ""  # markdown: what blocked the publish

    @property
    def published(self) -> bool:
        return self.version is not None


@dataclass
class Changes:
    """One run's changes to the dataset.

    replace_doc_ids: documents whose rows go away from every per-document table (changed or gone);
        doc_ids present in `rows` of a per-document table are replaced too, whether listed or not.
    replace_reject_paths: rejects rows to delete (by source_path); paths in rows['rejects'] are
        replaced too.
    rows: new rows per table name, columns exactly as declared in schemas.TABLES. 'speakers' rows are
        candidates: only speakers referenced by appearances are kept.
    version_row: every versions column except version, created_at and rows (validation optional:
        filled from the check's summary when absent).
    """

    replace_doc_ids: set[str] | list[str] = field(default_factory=set)
    replace_reject_paths: set[str] | list[str] = field(default_factory=set)
    rows: dict[str, RowData] = field(default_factory=dict)
    version_row: dict[str, Any] = field(default_factory=dict)


class LakeState(TypedDict):
    documents: dict[str, tuple[str, str]]  # doc_id -> (source_sha256, pipeline_version)
    rejects: dict[str, tuple[str | None, str]]  # source_path -> (source_sha256, pipeline_version)
    bodies: dict[str, str]  # doc_id -> body_sha256 (duplicate detection)


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# In-process lock bookkeeping: flock is per open file, so a second open in the same thread would refuse
# itself; nested writer_lock() calls of one thread (publish inside the caller's lock) share one descriptor.
# Another thread opens its own descriptor and is refused like another process.
_held_locks: dict[tuple[Path, int], tuple[int, int]] = {}  # (lock path, thread) -> (fd, depth)
_held_guard = threading.Lock()
# Lakes (roots) with a publishing transaction open in this process: remove_orphans must spare their files.
_open_publications: set[Path] = set()


class Lake:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser().resolve()
        self.catalog_path = self.root / "catalog.sqlite"
        self.data_path = self.root / "data"
        self.lock_path = self.root / "lock"
        self.catalog_name = CATALOG  # the name our connections attach the lake under (reader(): USE'd)

    def __repr__(self) -> str:
        return f"Lake({str(self.root)!r})"

    # ---------------------------------------------------------------- setup

    def exists(self) -> bool:
        return self.catalog_path.is_file()

    def init(self) -> None:
        """Create the folder, the catalog (WAL) and every declared table; idempotent.

        Tables added to schemas.TABLES later are created on the next init (CREATE TABLE IF NOT EXISTS).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        self.data_path.mkdir(exist_ok=True)
        with self.writer_lock():
            # WAL lets readers in other processes read the catalog while a writer commits.
            with contextlib.closing(sqlite3.connect(self.catalog_path)) as db:
                db.execute("PRAGMA journal_mode=WAL").fetchall()
            con = self._writer()
            try:
                existing = {r[0] for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [CATALOG]).fetchall()}
                missing = [t for name, t in TABLES.items() if name not in existing]
                if missing:
                    con.execute("BEGIN")
                    # Persisted in the catalog, so every writer writes Parquet, never rows inlined in SQLite.
                    con.execute(f"CALL {CATALOG}.set_option('data_inlining_row_limit', 0)")
                    for table in missing:
                        con.execute(table.ddl(f"{CATALOG}.{_q(table.name)}"))
                    con.execute(f"CALL {CATALOG}.set_commit_message(?, ?, extra_info => ?)",
                                [AUTHOR, "create tables: " + ", ".join(t.name for t in missing),
                                 json.dumps({"init": [t.name for t in missing]})])
                    con.execute("COMMIT")
            finally:
                con.close()

    # ---------------------------------------------------------------- locking

    @contextlib.contextmanager
    def writer_lock(self, timeout: float = 0.0) -> Iterator[None]:
        """Exclusive lock for publishing; raises LakeBusy if another process holds it past `timeout` s.

        Re-entrant within one thread. The OS drops the lock when the holder dies, even on SIGKILL.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        key = (self.lock_path, threading.get_ident())
        with _held_guard:
            if key in _held_locks:
                fd, depth = _held_locks[key]
                _held_locks[key] = (fd, depth + 1)
                nested = True
            else:
                nested = False
        if not nested:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                        os.close(fd)
                        raise LakeBusy(f"another run is publishing to {self.root} (pid {holder})") from None
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            with _held_guard:
                _held_locks[key] = (fd, 1)
        try:
            yield
        finally:
            with _held_guard:
                fd, depth = _held_locks[key]
                if depth > 1:
                    _held_locks[key] = (fd, depth - 1)
                else:
                    del _held_locks[key]
                    os.ftruncate(fd, 0)
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)

    def lock_holder(self) -> str | None:
        """The pid (as written in the lock file) of the process holding the writer lock, or None when free.
        Only looks: the lock is taken and let go at once, never kept."""
        if not self.lock_path.is_file():
            return None
        fd = os.open(self.lock_path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    # ---------------------------------------------------------------- connections

    def _attach_sql(self, *, read_only: bool, snapshot: int | None = None, name: str = CATALOG) -> str:
        options = [f"DATA_PATH {_lit(str(self.data_path) + os.sep)}"]
        if read_only:
            options.append("READ_ONLY")
            if snapshot is not None:
                options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        else:
            options.append("DATA_INLINING_ROW_LIMIT 0")
        return f"ATTACH {_lit('ducklake:sqlite:' + str(self.catalog_path))} AS {name} ({', '.join(options)})"

    def _require(self) -> None:
        if not self.exists():
            raise LakeMissing(f"no dataset at {self.root} (nothing published yet)")

    def _writer(self) -> duckdb.DuckDBPyConnection:
        con = connect()
        con.execute(self._attach_sql(read_only=False))
        return con

    def _plain_reader(self, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
        """Read-only attach, not locked down: for our own reads (and exports, which write files)."""
        self._require()
        con = connect()
        con.execute(self._attach_sql(read_only=True, snapshot=snapshot))
        con.execute(f"USE {CATALOG}")
        return con

    def _lock_down(self, con: duckdb.DuckDBPyConnection) -> None:
        # DuckLake reads data files through DuckDB's file system, so the data folder must stay readable;
        # the catalog is read through SQLite's own I/O, opened at ATTACH, and needs no allowance.
        con.execute("SET allowed_directories = [?]", [str(self.data_path) + os.sep])
        con.execute("SET enable_external_access = false")
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET lock_configuration = true")

    def reader(self, version: int | None = None) -> duckdb.DuckDBPyConnection:
        """A new connection to the lake at `version` (default: the current version), read-only.

        Tables are queried by bare name. The attach is READ_ONLY and pinned to the version's snapshot, so
        every query of the connection sees the same version, whatever a writer does meanwhile. The
        configuration is locked: no file access outside the data folder, no extension loading.
        """
        con = self._plain_reader()
        try:
            # Resolve the snapshot on the same connection, then re-attach pinned to it (one connect).
            known = self._version_snapshots(con)
            if version is not None and version not in known:
                raise _unknown(con, version, known)
            if known:
                snapshot = known[max(known) if version is None else version]
                con.execute(f"USE memory; DETACH {CATALOG}")
                con.execute(self._attach_sql(read_only=True, snapshot=snapshot))
                con.execute(f"USE {CATALOG}")
            self._lock_down(con)
        except BaseException:
            con.close()
            raise
        return con

    # ---------------------------------------------------------------- versions and snapshots

    def _version_snapshots(self, con: duckdb.DuckDBPyConnection) -> dict[int, int]:
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

    def _resolve_snapshot(self, version: int | None, *, allow_none: bool = False) -> int | None:
        """Snapshot id of `version`; of the current version when None (None if nothing is published and
        allow_none, so a reader of an empty lake still sees the empty tables)."""
        con = self._plain_reader()
        try:
            known = self._version_snapshots(con)
            if version is not None and version not in known:
                raise _unknown(con, version, known)
        finally:
            con.close()
        if version is None:
            if known:
                return known[max(known)]
            if allow_none:
                return None
            raise UnknownVersion(None, [])
        return known[version]

    def snapshot_of(self, version: int) -> int:
        """The DuckLake snapshot id that published dataset version `version`."""
        snapshot = self._resolve_snapshot(version)
        assert snapshot is not None
        return snapshot

    def current_version(self) -> int | None:
        if not self.exists():
            return None
        con = self._plain_reader()
        try:
            known = self._version_snapshots(con)
        finally:
            con.close()
        return max(known) if known else None

    def versions(self) -> list[dict[str, Any]]:
        """Rows of `versions`, oldest first (`rows` as a dict table -> count), each with `expired`: True when
        `gc` expired the version (it stays listed as history, but can no longer be read)."""
        if not self.exists():
            return []
        con = self._plain_reader()
        try:
            readable = self._version_snapshots(con)
            cur = con.execute("SELECT * FROM versions ORDER BY version")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True), expired=row[names.index("version")] not in readable)
                    for row in cur.fetchall()]
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
        _validate_rows(rows)
        if not rows and not changes.replace_doc_ids and not changes.replace_reject_paths:
            return PublishResult(version=None)
        _validate_version_row(dict(changes.version_row))
        # Rows of a replaced document go away everywhere; so do those of any document we insert again.
        doc_ids = set(changes.replace_doc_ids)
        for name, data in rows.items():
            if TABLES[name].per_document:
                doc_ids.update(_column_values(data, "doc_id"))
        paths = set(changes.replace_reject_paths)
        if "rejects" in rows:
            paths.update(_column_values(rows["rejects"], "source_path"))
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
            staging.mkdir()
            con = self._writer()
            pub = Publication(con, staging)
            with _held_guard:
                _open_publications.add(self.root)
            try:
                con.execute("BEGIN")
                yield pub
            finally:
                with _held_guard:
                    _open_publications.discard(self.root)
                try:
                    if not pub.finished:
                        con.execute("ROLLBACK")
                finally:
                    con.close()
                    shutil.rmtree(staging, ignore_errors=True)

    # ---------------------------------------------------------------- maintenance: orphans and gc

    def remove_orphans(self) -> list[str]:
        """Delete Parquet files under data/ that no snapshot references (written by a transaction that was
        killed or rolled back); return their paths.

        Takes the writer lock, so no other process has a transaction whose files are not committed yet; does
        nothing while this process itself has a publication open on the lake (its files are not committed).
        """
        if not self.exists():
            return []
        with self.writer_lock():
            with _held_guard:
                if self.root in _open_publications:
                    return []
            con = self._writer()
            try:
                rows = con.execute(f"SELECT * FROM ducklake_delete_orphaned_files({_lit(CATALOG)}, "
                                   "cleanup_all => true)").fetchall()
            finally:
                con.close()
        return [str(r[0]) for r in rows]

    def has_orphans(self) -> bool:
        """Cheap test (no lock, no DuckDB): are there more Parquet files in data/ than the catalog knows?"""
        if not self.exists() or not self.data_path.is_dir():
            return False
        on_disk = {p.name for p in self.data_path.rglob("*.parquet")}
        if not on_disk:
            return False
        with contextlib.closing(sqlite3.connect(f"{self.catalog_path.as_uri()}?mode=ro", uri=True)) as db:
            known: set[str] = set()
            for table in ("ducklake_data_file", "ducklake_delete_file", "ducklake_files_scheduled_for_deletion"):
                known |= {Path(r[0]).name for r in db.execute(f"SELECT path FROM {table}")}
        return bool(on_disk - known)

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
        if keep is None and older_than is None:
            raise ValueError("give keep, older_than or both")
        if keep is not None and keep < 1:
            raise ValueError("keep must be at least 1: the current version is always kept")
        self._require()
        with self.writer_lock():
            con = self._writer()
            try:
                known = self._version_snapshots(con)
                created = {int(v): t for v, t in con.execute(
                    f"SELECT version, created_at FROM {CATALOG}.versions").fetchall()}
                newest_first = sorted(known, reverse=True)
                candidates = set(newest_first[1:])  # never the current version
                if keep is not None:
                    candidates -= set(newest_first[:keep])
                if older_than is not None:
                    cutoff = dt.datetime.now(dt.UTC) - older_than
                    candidates = {v for v in candidates if v in created and _aware(created[v]) < cutoff}
                kept = sorted(set(known) - candidates)
                keep_snapshots = {known[v] for v in kept}
                all_snapshots = [int(r[0]) for r in con.execute(
                    f"SELECT snapshot_id FROM {CATALOG}.snapshots() ORDER BY snapshot_id").fetchall()]
                # Every snapshot no kept version points to goes (init's and expired versions' alike), except
                # the newest, which DuckLake always keeps.
                expire = [s for s in all_snapshots[:-1] if s not in keep_snapshots]
                if expire:
                    con.execute(f"CALL ducklake_expire_snapshots({_lit(CATALOG)}, versions => ?::UBIGINT[])",
                                [expire])
                before = _data_bytes(self.data_path)
                deleted = con.execute(f"SELECT * FROM ducklake_cleanup_old_files({_lit(CATALOG)}, "
                                      "cleanup_all => true)").fetchall()
            finally:
                con.close()
            orphans = self.remove_orphans()
            freed = before - _data_bytes(self.data_path)
        return {"expired": sorted(candidates), "kept": kept, "snapshots_expired": len(expire),
                "files_deleted": len(deleted), "orphans_deleted": len(orphans), "bytes_freed": freed}


    # ---------------------------------------------------------------- reading

    def query(self, sql: str, version: int | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one read-only statement at `version` (default current); return column names and rows.

        Raises QueryRefused for anything but reading (see `check_read_only`), QueryError for SQL errors,
        UnknownVersion for a version never published.
        """
        check_read_only(sql)
        con = self.reader(version)
        try:
            try:
                cur = con.execute(sql)
                names = [d[0] for d in cur.description] if cur.description else []
                return names, cur.fetchall()
            except duckdb.Error as e:
                raise QueryError(str(e)) from None
        finally:
            con.close()

    def diff(self, a: int, b: int) -> dict[str, Any]:
        """Documents added, removed and changed from version a to b, and rows per table at each.

        Returns {"from": a, "to": b, "added": [doc_id], "removed": [...], "changed": [...], "unchanged": n,
        "rows_a": {table: n}, "rows_b": {table: n}}; changed = same doc_id with a different source_sha256 or
        pipeline_version. A table that did not exist yet counts None.
        """
        snap_a, snap_b = self.snapshot_of(a), self.snapshot_of(b)
        con = self._plain_reader()
        try:
            def docs(snapshot: int) -> dict[str, tuple[str, str]]:
                return {d: (s, p) for d, s, p in con.execute(
                    f"SELECT doc_id, source_sha256, pipeline_version FROM documents AT (VERSION => {snapshot})"
                ).fetchall()}

            def counts(snapshot: int) -> dict[str, int | None]:
                at = f"AT (VERSION => {snapshot})"
                try:
                    return dict(_counts(con, "", at))
                except duckdb.CatalogException:  # a table declared after that version was published
                    out: dict[str, int | None] = {}
                    for name in TABLES:
                        try:
                            out[name] = _scalar(con, f"SELECT count(*) FROM {_q(name)} {at}")
                        except duckdb.CatalogException:
                            out[name] = None
                    return out

            before, after = docs(snap_a), docs(snap_b)
            return {
                "from": a,
                "to": b,
                "added": sorted(set(after) - set(before)),
                "removed": sorted(set(before) - set(after)),
                "changed": sorted(d for d in set(before) & set(after) if before[d] != after[d]),
                "unchanged": sum(1 for d in set(before) & set(after) if before[d] == after[d]),
                "rows_a": counts(snap_a),
                "rows_b": counts(snap_b),
            }
        finally:
            con.close()

    def export(self, out_dir: Path | str, version: int | None = None) -> dict[str, Any]:
        """Write `<table>.parquet` per table, `manifest.json` and a dataset card `README.md`.

        Files are written under temporary names and renamed, manifest last, so a reader of out_dir never
        takes a half-written file for a finished one. Returns the manifest.
        """
        self._require()
        if version is None:
            version = self.current_version()
            if version is None:
                raise UnknownVersion(None, [])
        snapshot = self.snapshot_of(version)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        con = self._plain_reader(snapshot)
        try:
            row = con.execute("SELECT created_at, pipeline_version, input_sha256, message FROM versions "
                              "WHERE version = ?", [version]).fetchone()
            assert row is not None, f"version {version} has no versions row"
            created_at, pipeline_version, input_sha256, message = row
            tables: dict[str, Any] = {}
            for name, table in TABLES.items():
                file_name = f"{name}.parquet"
                tmp = out / f".{file_name}.tmp"
                order = f" ORDER BY {', '.join(_q(c) for c in table.order_by)}" if table.order_by else ""
                cols = ", ".join(_q(c) for c in table.column_names)
                con.execute(f"COPY (SELECT {cols} FROM {_q(name)}{order}) TO {_lit(str(tmp))} "
                            "(FORMAT parquet, COMPRESSION zstd)")
                os.replace(tmp, out / file_name)
                tables[name] = {
                    "file": file_name,
                    "rows": _scalar(con, f"SELECT count(*) FROM {_q(name)}"),
                    "sha256": _sha256(out / file_name),
                    "columns": [{"name": c.name, "type": c.type} for c in table.columns],
                }
        finally:
            con.close()
        manifest: dict[str, Any] = {
            "dataset": "transcripts",
            "version": version,
            "snapshot": snapshot,
            "created_at": created_at.isoformat() if hasattr(created_at, "isoformat") else str(created_at),
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "pipeline_version": pipeline_version,
            "input_sha256": input_sha256,
            "message": message,
            "tables": tables,
        }
        _write_atomic(out / "README.md", dataset_card(manifest))
        _write_atomic(out / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
        return manifest


# -------------------------------------------------------------------- helpers


class Publication:
    """One version being written. Readers keep seeing the previous version until `commit`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, staging: Path) -> None:
        self.con = con
        self.staging = staging
        self.finished = False
        self._speaker_batches: list[pa.Table] = []
        self._staged = 0

    def replace(self, doc_ids: Iterable[str], reject_paths: Iterable[str]) -> None:
        """Delete every per-document row of `doc_ids` and the rejects of `reject_paths`."""
        con = self.con
        doc_ids, reject_paths = sorted(set(doc_ids)), sorted(set(reject_paths))
        if doc_ids:
            con.register("_replace_docs", pa.table({"doc_id": pa.array(doc_ids, pa.string())}))
            for table in TABLES.values():
                if table.per_document:
                    con.execute(f"DELETE FROM {CATALOG}.{_q(table.name)} "
                                "WHERE doc_id IN (SELECT doc_id FROM _replace_docs)")
            con.unregister("_replace_docs")
        if reject_paths:
            con.register("_replace_paths", pa.table({"source_path": pa.array(reject_paths, pa.string())}))
            con.execute(f"DELETE FROM {CATALOG}.rejects "
                        "WHERE source_path IN (SELECT source_path FROM _replace_paths)")
            con.unregister("_replace_paths")

    def insert(self, rows: Mapping[str, RowData]) -> None:
        """Insert new rows (documents must not be present: `replace` them first). Speakers are candidates,
        kept at commit only when appearances reference them."""
        rows = {name: data for name, data in rows.items() if len(data) > 0}
        _validate_rows(rows)
        for name, table in TABLES.items():
            if name in rows and name not in ("speakers", "versions"):
                self._insert_staged(table, rows[name])
        if "speakers" in rows:
            data = rows["speakers"]
            self._speaker_batches.append(data if isinstance(data, pa.Table)
                                         else pa.Table.from_pandas(data, preserve_index=False))

    def _insert_staged(self, table: Table, data: RowData) -> None:
        """Insert through a Parquet file rather than a registered Arrow table: an open transaction keeps
        memory proportional to every Arrow batch it scanned, but not to the files it read."""
        arrow = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        self._staged += 1
        path = self.staging / f"{self._staged:06d}-{table.name}.parquet"
        pq.write_table(arrow, path)
        try:
            names = ", ".join(_q(c.name) for c in table.columns)
            casts = ", ".join(f"CAST({_q(c.name)} AS {c.type})" for c in table.columns)
            self.con.execute(f"INSERT INTO {CATALOG}.{_q(table.name)} ({names}) SELECT {casts} "
                             f"FROM read_parquet({_lit(str(path))})")
        finally:
            path.unlink(missing_ok=True)

    def commit(self, version_row: Mapping[str, Any], *, check: CheckFn | None = None) -> PublishResult:
        """Check the candidate version and commit it as the next version, or roll back when the check blocks."""
        con = self.con
        version_row = dict(version_row)
        _validate_version_row(version_row)
        current = con.execute(f"SELECT max(version) FROM {CATALOG}.versions").fetchone()
        version = int(current[0] or 0) + 1 if current else 1
        speakers = pa.concat_tables(self._speaker_batches, promote_options="default") \
            if self._speaker_batches else None
        _refresh_speakers(con, speakers)

        counts = _counts(con, CATALOG)
        counts["versions"] += 1  # the row inserted below
        passed, record, failures = _judge(check(con, CATALOG)) if check is not None else (True, None, [])
        if not passed:
            report = "\n".join([f"# Publish of version {version} blocked", "",
                                 *(f"- {f}" for f in failures or ["the check failed"])])
            con.execute("ROLLBACK")
            self.finished = True
            return PublishResult(version=None, blocked=True, rows=counts, checks=record, failures=failures,
                                 report=report)

        # The versions row comes last so that its validation can include the check's record.
        validation = version_row.get("validation")
        if isinstance(validation, str):
            with contextlib.suppress(ValueError):
                validation = json.loads(validation)
        if record is not None:
            if validation is None:
                validation = {"sql_checks": record}
            elif isinstance(validation, dict):
                validation = {**validation, "sql_checks": record}
            else:
                validation = {"validation": validation, "sql_checks": record}
        version_row["validation"] = json.dumps(validation if validation is not None else {}, default=str,
                                               sort_keys=True)
        created_at = dt.datetime.now(dt.UTC)
        _insert_version(con, version, created_at, counts, version_row)

        extra = {
            "version": version,
            "pipeline_version": version_row["pipeline_version"],
            "input_sha256": version_row["input_sha256"],
            "created_at": created_at.isoformat(),
            "docs_added": version_row["docs_added"],
            "docs_changed": version_row["docs_changed"],
            "docs_removed": version_row["docs_removed"],
            "rows": counts,
            "validation": json.loads(version_row["validation"]),
        }
        con.execute(f"CALL {CATALOG}.set_commit_message(?, ?, extra_info => ?)",
                    [AUTHOR, f"version {version}: {version_row['message']}",
                     json.dumps(extra, default=str, sort_keys=True)])
        con.execute("COMMIT")
        self.finished = True
        # We still hold the writer lock, so the newest snapshot is the one we just committed.
        snapshot = _scalar(con, f"SELECT max(snapshot_id) FROM {CATALOG}.snapshots()")
        return PublishResult(version=version, snapshot=snapshot, rows=counts, checks=record)



def _refresh_speakers(con: duckdb.DuckDBPyConnection, candidates: RowData | None) -> None:
    """Make `speakers` hold exactly the speakers that appearances reference (latest row wins)."""
    speakers = f"{CATALOG}.speakers"
    if candidates is not None:
        table = TABLES["speakers"]
        con.register("_speakers_raw", candidates)
        cols = ", ".join(f"CAST({_q(c.name)} AS {c.type}) AS {_q(c.name)}" for c in table.columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _speakers_in AS "
                    f"SELECT DISTINCT ON (speaker_id) {cols} FROM _speakers_raw")
        con.unregister("_speakers_raw")
        # Replace a speaker whose name or kind changed; leave identical rows alone (no churn).
        con.execute(f"DELETE FROM {speakers} s WHERE EXISTS (SELECT 1 FROM _speakers_in i "
                    "WHERE i.speaker_id = s.speaker_id AND (i.name, i.kind) IS DISTINCT FROM (s.name, s.kind))")
        names = ", ".join(_q(c) for c in table.column_names)
        con.execute(f"INSERT INTO {speakers} ({names}) SELECT {names} FROM _speakers_in i "
                    f"WHERE i.speaker_id NOT IN (SELECT speaker_id FROM {speakers}) "
                    f"AND i.speaker_id IN (SELECT speaker_id FROM {CATALOG}.appearances)")
        con.execute("DROP TABLE _speakers_in")
    orphans = _scalar(con, f"SELECT count(*) FROM {speakers} WHERE speaker_id NOT IN "
                           f"(SELECT speaker_id FROM {CATALOG}.appearances)")
    if orphans:
        con.execute(f"DELETE FROM {speakers} WHERE speaker_id NOT IN "
                    f"(SELECT speaker_id FROM {CATALOG}.appearances)")

def _insert_version(con: duckdb.DuckDBPyConnection, version: int, created_at: dt.datetime,
                    counts: dict[str, int], version_row: dict[str, Any]) -> None:
    table = TABLES["versions"]
    values: dict[str, Any] = dict(version_row, version=version, created_at=created_at)
    names = [c.name for c in table.columns if c.name != "rows"]
    params = [values[n] for n in names] + [list(counts), list(counts.values())]
    select = ", ".join(f"CAST(? AS {table.column(n).type})" for n in names)
    con.execute(f"INSERT INTO {CATALOG}.versions ({', '.join(_q(n) for n in names)}, rows) "
                f"SELECT {select}, map(?::VARCHAR[], ?::BIGINT[])", params)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _judge(outcome: Any) -> tuple[bool, Any, list[str]]:
    """(passed, JSON-able record, blocking failure lines) from what a check callback returned."""
    if isinstance(outcome, CheckOutcome):
        return outcome.passed, _jsonable(outcome.summary), list(outcome.failures)
    if isinstance(outcome, bool):
        return outcome, None, [] if outcome else ["the check failed"]
    if outcome is None:
        return True, None, []
    results = list(outcome)
    record = _jsonable(results)
    failures = []
    for r in results:
        if not getattr(r, "passed", True) and getattr(r, "blocking", True):
            label = getattr(r, "label", None) or getattr(r, "name", None) or repr(r)
            sample = "; ".join(map(str, getattr(r, "sample", [])[:3]))
            failures.append(f"{label}" + (f" (e.g. {sample})" if sample else ""))
    return not failures, record, failures


def _validate_rows(rows: Mapping[str, RowData]) -> None:
    for name, data in rows.items():
        if name not in TABLES:
            raise ValueError(f"no table {name!r} in schemas.TABLES")
        if name == "versions":
            raise ValueError("versions rows are written by publish itself; pass Changes.version_row")
        declared = TABLES[name].column_names
        given = list(data.column_names) if isinstance(data, pa.Table) else [str(c) for c in data.columns]
        if sorted(given) != sorted(declared):
            missing = [c for c in declared if c not in given]
            extra = [c for c in given if c not in declared]
            raise ValueError(f"rows for {name} do not match its schema: missing {missing}, unexpected {extra}")


def _validate_version_row(row: Mapping[str, Any]) -> None:
    declared = set(TABLES["versions"].column_names) - {"version", "created_at", "rows"}
    missing = sorted(declared - set(row) - {"validation"})
    extra = sorted(set(row) - declared)
    if missing or extra:
        raise ValueError(f"version_row does not match versions: missing {missing}, unexpected {extra}")


def _column_values(data: RowData, column: str) -> list[str]:
    if isinstance(data, pa.Table):
        return [v for v in data.column(column).to_pylist() if v is not None]
    return [v for v in data[column].tolist() if v is not None]


def _unknown(con: duckdb.DuckDBPyConnection, version: int, known: Mapping[int, int]) -> UnknownVersion:
    """ExpiredVersion when the current `versions` lists `version` (gc expired it), else UnknownVersion."""
    published = _scalar(con, f"SELECT count(*) FROM {CATALOG}.versions WHERE version = {int(version)}")
    return (ExpiredVersion if published else UnknownVersion)(version, sorted(known))


def _aware(value: Any) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (TIMESTAMPTZ comes back aware, TIMESTAMP naive)."""
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def _data_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _counts(con: duckdb.DuckDBPyConnection, prefix: str, at: str = "") -> dict[str, int]:
    """Rows per declared table, in one query (`prefix`: catalog qualifier or ''; `at`: an AT clause)."""
    qualify = f"{prefix}." if prefix else ""
    sql = " UNION ALL ".join(f"SELECT {_lit(name)}, count(*) FROM {qualify}{_q(name)} {at}" for name in TABLES)
    counts = {name: int(n) for name, n in con.execute(sql).fetchall()}
    return {name: counts[name] for name in TABLES}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def dataset_card(manifest: Mapping[str, Any]) -> str:
    """The export's README.md: what each table holds, every column with type and meaning, row counts."""
    lines = [
        "# transcripts dataset",
        "",
        f"Version {manifest['version']} (DuckLake snapshot {manifest['snapshot']}), published "
        f"{manifest['created_at']} by pipeline {manifest['pipeline_version']}.",
        "",
        f"Input manifest hash: `{manifest['input_sha256']}`. {manifest.get('message') or ''}".rstrip(),
        "",
        "One Parquet file per table; `manifest.json` lists each file's SHA-256. Offsets (`char_start`, "
        "`char_end`) are 0-based, end-exclusive positions in `sources.text` of the same document.",
        "",
        "| table | rows | file |",
        "|---|---:|---|",
    ]
    tables = manifest["tables"]
    lines += [f"| [{name}](#{name}) | {info['rows']} | `{info['file']}` |" for name, info in tables.items()]
    for name, table in TABLES.items():
        if name not in tables:
            continue
        key = ", ".join(table.key)
        lines += ["", f"## {name}", "", table.description, "",
                  f"Rows: {tables[name]['rows']}. Key: `{key}`.", "",
                  "| column | type | nullable | description |", "|---|---|---|---|"]
        for c in table.columns:
            desc = c.description.replace("|", "\\|")
            if c.values:
                desc += " (one of: " + ", ".join(f"`{v}`" for v in c.values) + ")"
            lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {desc} |")
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------- the read-only guard

# Statement kinds that only read. PRAGMA table_info and friends parse to SELECT over pragma_* functions.
_READ_KINDS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}

# Functions a SELECT must not call. The READ_ONLY attach refuses catalog writes, but some DuckLake
# maintenance functions delete files before touching the catalog (cleanup_old_files,
# delete_orphaned_files: the latter would delete a running writer's not-yet-committed Parquet files);
# query()/query_table() would run arbitrary SQL past this guard; sqlite_* read files outside DuckDB's
# file-system restrictions; read_*/glob read files (allowed_directories does not stop `..`).
_DENIED_FUNCTIONS = {
    "add_data_files", "cleanup_old_files", "commit", "delete_orphaned_files", "expire_snapshots",
    "flush_inlined_data", "merge_adjacent_files", "rewrite_data_files", "set_commit_message", "set_option",
    "checkpoint", "force_checkpoint", "query", "query_table", "glob", "sniff_csv",
}
_DENIED_PREFIXES = ("ducklake_", "sqlite_", "read_", "parquet_", "iceberg_", "delta_")
# ducklake_* functions that only read metadata
_ALLOWED_DUCKLAKE = {
    "ducklake_snapshots", "ducklake_table_info", "ducklake_table_changes", "ducklake_table_insertions",
    "ducklake_table_deletions", "ducklake_current_snapshot", "ducklake_last_committed_snapshot",
    "ducklake_options", "ducklake_settings",
}
_parser: duckdb.DuckDBPyConnection | None = None
_parser_guard = threading.Lock()


def _denied(function_name: str) -> bool:
    name = function_name.lower()
    if name in _ALLOWED_DUCKLAKE:
        return False
    base = name.removeprefix("ducklake_")
    return base in _DENIED_FUNCTIONS or name in _DENIED_FUNCTIONS or name.startswith(_DENIED_PREFIXES)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _select_tree(sql: str) -> dict[str, Any]:
    global _parser
    with _parser_guard:
        if _parser is None:
            _parser = duckdb.connect(":memory:")
        row = _parser.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()
    assert row is not None
    tree: dict[str, Any] = json.loads(row[0])
    return tree


def check_read_only(sql: str) -> None:
    """Refuse `sql` unless it is one statement that only reads (SELECT, EXPLAIN SELECT, DESCRIBE, SHOW,
    SUMMARIZE, PRAGMA table_info/show_tables) and calls no function that writes or reads files."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(str(e)) from None
    if not statements:
        raise QueryRefused("empty query")
    if len(statements) > 1:
        raise QueryRefused("more than one statement is not allowed: query is read-only, one statement at a time")
    statement = statements[0]
    kind = statement.type.name
    text = statement.query if statement.query.strip() else sql
    if statement.type not in _READ_KINDS:
        raise QueryRefused(f"{kind} is not allowed: query is read-only")
    if statement.type == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs its statement: check what is explained.
        inner = re.sub(r"^\s*explain\s*(\(.*?\)\s*|analy[sz]e\s+)?", "", text, count=1, flags=re.I | re.S)
        inner_statements = duckdb.extract_statements(inner) if inner.strip() else []
        if len(inner_statements) != 1 or inner_statements[0].type != duckdb.StatementType.SELECT:
            what = inner_statements[0].type.name if inner_statements else "EXPLAIN"
            raise QueryRefused(f"EXPLAIN {what} is not allowed: query is read-only")
        text = inner_statements[0].query
    tree = _select_tree(text)
    if tree.get("error"):
        raise QueryRefused(f"cannot verify that the statement only reads ({tree.get('error_message')}): "
                           "query is read-only")
    for node in _walk(tree.get("statements", [])):
        fn = node.get("function_name")
        if isinstance(fn, str) and _denied(fn):
            raise QueryRefused(f"{fn}() is not allowed: query is read-only")
        if node.get("type") == "BASE_TABLE":
            table_name = str(node.get("table_name", ""))
            if "/" in table_name or "\\" in table_name or "." in table_name:
                raise QueryRefused(f"reading files ({table_name!r}) is not allowed: query is read-only")
