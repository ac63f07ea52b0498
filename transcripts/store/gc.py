"""Maintenance: expiring old versions and deleting the files no remaining version (or no snapshot) uses."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transcripts.store import integrity
from transcripts.store.lock import held_guard, open_publications
from transcripts.store.sql import CATALOG, literal

if TYPE_CHECKING:
    from transcripts.store.lake import Lake

# DuckLake catalog tables that name files under data/
FILE_TABLES = ("ducklake_data_file", "ducklake_delete_file", "ducklake_files_scheduled_for_deletion")


def remove_orphans(lake: Lake) -> list[str]:
    """Delete Parquet files under data/ that no snapshot references (written by a transaction that was
    killed or rolled back); return their paths.

    Takes the writer lock, so no other process has a transaction whose files are not committed yet; does
    nothing while this process itself has a publication open on the lake (its files are not committed).
    """
    if not lake.exists():
        return []
    with lake.writer_lock():
        with held_guard:
            if lake.root in open_publications:
                return []
        con = lake.writer()
        try:
            rows = con.execute(f"SELECT * FROM ducklake_delete_orphaned_files({literal(CATALOG)}, "
                               "cleanup_all => true)").fetchall()
        finally:
            con.close()
    return [str(r[0]) for r in rows]


def has_orphans(lake: Lake) -> bool:
    """Cheap test (no lock; no DuckDB for a lake folder, one S3 listing for a remote lake): are there more
    Parquet files in the data folder than the catalog knows?"""
    if not lake.exists():
        return False
    if lake.remote:
        on_disk = {Path(name).name for name in integrity.remote_sizes(lake) if name.endswith(".parquet")}
    elif not Path(lake.data_path).is_dir():
        return False
    else:
        on_disk = {p.name for p in Path(lake.data_path).rglob("*.parquet")}
    if not on_disk:
        return False
    with contextlib.closing(integrity.open_catalog(lake)) as db:
        known: set[str] = set()
        for table in FILE_TABLES:
            known |= {Path(r[0]).name for r in db.execute(f"SELECT path FROM {table}")}
    return bool(on_disk - known)


def _to_expire(known: dict[int, int], created: dict[int, Any], keep: int | None,
               older_than: dt.timedelta | None) -> set[int]:
    """Versions outside the `keep` newest and older than `older_than` (both when both are given); never the
    current one."""
    newest_first = sorted(known, reverse=True)
    candidates = set(newest_first[1:])
    if keep is not None:
        candidates -= set(newest_first[:keep])
    if older_than is not None:
        cutoff = dt.datetime.now(dt.UTC) - older_than
        candidates = {v for v in candidates if v in created and _aware(created[v]) < cutoff}
    return candidates


def collect(lake: Lake, keep: int | None = None, older_than: dt.timedelta | None = None) -> dict[str, Any]:
    """See `Lake.gc`."""
    if keep is None and older_than is None:
        raise ValueError("give keep, older_than or both")
    if keep is not None and keep < 1:
        raise ValueError("keep must be at least 1: the current version is always kept")
    lake.require()
    with lake.writer_lock():
        con = lake.writer()
        try:
            known = lake.version_snapshots(con)
            created = {int(v): t for v, t in con.execute(
                f"SELECT version, created_at FROM {CATALOG}.versions").fetchall()}
            candidates = _to_expire(known, created, keep, older_than)
            kept = sorted(set(known) - candidates)
            keep_snapshots = {known[v] for v in kept}
            all_snapshots = [int(r[0]) for r in con.execute(
                f"SELECT snapshot_id FROM {CATALOG}.snapshots() ORDER BY snapshot_id").fetchall()]
            # Every snapshot no kept version points to goes (init's and expired versions' alike), except
            # the newest, which DuckLake always keeps.
            expire = [s for s in all_snapshots[:-1] if s not in keep_snapshots]
            if expire:
                con.execute(f"CALL ducklake_expire_snapshots({literal(CATALOG)}, versions => ?::UBIGINT[])",
                            [expire])
            before = _data_bytes(lake)
            deleted = con.execute(f"SELECT * FROM ducklake_cleanup_old_files({literal(CATALOG)}, "
                                  "cleanup_all => true)").fetchall()
        finally:
            con.close()
        orphans = remove_orphans(lake)
        freed = before - _data_bytes(lake)
    return {"expired": sorted(candidates), "kept": kept, "snapshots_expired": len(expire),
            "files_deleted": len(deleted), "orphans_deleted": len(orphans), "bytes_freed": freed}


def _aware(value: Any) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (TIMESTAMPTZ comes back aware, TIMESTAMP naive)."""
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def _data_bytes(lake: Lake) -> int:
    if lake.remote:
        return sum(integrity.remote_sizes(lake).values())
    folder = Path(lake.data_path)
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
