"""What changed between two published versions: documents added, removed, changed; rows per table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from schemas import TABLES
from transcripts.store.sql import quote, scalar, table_counts

if TYPE_CHECKING:
    from transcripts.store.lake import Lake


def _documents_at(con: duckdb.DuckDBPyConnection, snapshot: int) -> dict[str, tuple[str, str]]:
    return {d: (s, p) for d, s, p in con.execute(
        f"SELECT doc_id, source_sha256, pipeline_version FROM documents AT (VERSION => {int(snapshot)})"
    ).fetchall()}


def _counts_at(con: duckdb.DuckDBPyConnection, snapshot: int) -> dict[str, int | None]:
    at = f"AT (VERSION => {int(snapshot)})"
    try:
        return dict(table_counts(con, "", at))
    except duckdb.CatalogException:  # a table declared after that version was published
        out: dict[str, int | None] = {}
        for name in TABLES:
            try:
                out[name] = scalar(con, f"SELECT count(*) FROM {quote(name)} {at}")
            except duckdb.CatalogException:
                out[name] = None
        return out


def diff(lake: Lake, a: int, b: int) -> dict[str, Any]:
    """See `Lake.diff`."""
    snap_a, snap_b = lake.snapshot_of(a), lake.snapshot_of(b)
    con = lake.plain_reader()
    try:
        before, after = _documents_at(con, snap_a), _documents_at(con, snap_b)
        both = set(before) & set(after)
        return {
            "from": a,
            "to": b,
            "added": sorted(set(after) - set(before)),
            "removed": sorted(set(before) - set(after)),
            "changed": sorted(d for d in both if before[d] != after[d]),
            "unchanged": sum(1 for d in both if before[d] == after[d]),
            "rows_a": _counts_at(con, snap_a),
            "rows_b": _counts_at(con, snap_b),
        }
    finally:
        con.close()
