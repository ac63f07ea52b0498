"""Export of one version as plain Parquet (one file per table), `manifest.json` and a dataset card."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from schemas import TABLES, Table
from transcripts.explore.card import dataset_card
from transcripts.store.errors import UnknownVersion
from transcripts.store.sql import literal, quote, scalar

if TYPE_CHECKING:
    from transcripts.store.lake import Lake


def export(lake: Lake, out_dir: Path | str, version: int | None = None) -> dict[str, Any]:
    """See `Lake.export`."""
    lake.require()
    if version is None:
        version = lake.current_version()
        if version is None:
            raise UnknownVersion(None, [])
    snapshot = lake.snapshot_of(version)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = lake.plain_reader(snapshot)
    try:
        row = con.execute("SELECT created_at, pipeline_version, input_sha256, message FROM versions "
                          "WHERE version = ?", [version]).fetchone()
        assert row is not None, f"version {version} has no versions row"
        created_at, pipeline_version, input_sha256, message = row
        tables = {name: _export_table(con, table, out) for name, table in TABLES.items()}
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
    _write_atomic(out / "README.md", dataset_card(manifest, out))
    _write_atomic(out / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
    return manifest


def _export_table(con: duckdb.DuckDBPyConnection, table: Table, out: Path) -> dict[str, Any]:
    """Write `<table>.parquet` under a temporary name, then rename it; return its manifest entry."""
    file_name = f"{table.name}.parquet"
    tmp = out / f".{file_name}.tmp"
    order = f" ORDER BY {', '.join(quote(c) for c in table.order_by)}" if table.order_by else ""
    cols = ", ".join(quote(c) for c in table.column_names)
    con.execute(f"COPY (SELECT {cols} FROM {quote(table.name)}{order}) TO {literal(str(tmp))} "
                "(FORMAT parquet, COMPRESSION zstd)")
    os.replace(tmp, out / file_name)
    return {
        "file": file_name,
        "rows": scalar(con, f"SELECT count(*) FROM {quote(table.name)}"),
        "sha256": _sha256(out / file_name),
        "columns": [{"name": c.name, "type": c.type} for c in table.columns],
    }


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
