"""A published lake's contents, to compare the results of two runs."""

from __future__ import annotations

from pathlib import Path

from schemas import TABLES
from transcripts.store.lake import Lake


def table_contents(lake: Path) -> dict[str, list[tuple]]:
    """Every table's rows in key order, without what differs between two runs by nature (times, versions)."""
    con = Lake(lake).reader()
    contents = {}
    for name, table in TABLES.items():
        if name == "versions":
            continue
        cols = ", ".join(c for c in table.column_names)
        contents[name] = con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()
    return contents
