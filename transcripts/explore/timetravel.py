"""Dataset versions are not DuckLake snapshots: `AT (VERSION => N)` would read snapshot N (snapshot 1 is the
creation of the empty tables), not dataset version N. `query` refuses time travel in SQL and points at
`--version`, which maps the dataset version to its snapshot."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import duckdb


class TimeTravelRefused(ValueError):
    """The SQL carries an AT (VERSION => ...) or AT (TIMESTAMP => ...) clause."""


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def refuse_time_travel(sql: str) -> None:
    """Raise TimeTravelRefused when a table reference of `sql` has an AT clause (found in the parse tree,
    so the words inside a string literal do not count). SQL DuckDB cannot parse is left to the query."""
    try:
        with duckdb.connect(":memory:") as con:
            row = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()
    except duckdb.Error:
        return
    tree = json.loads(row[0]) if row else {}
    for node in _nodes(tree.get("statements", [])):
        at = node.get("at_clause")
        if isinstance(at, dict) and at:
            unit = str(at.get("unit", "VERSION")).upper()
            raise TimeTravelRefused(
                f"AT ({unit} => ...) reads DuckLake snapshots, whose numbers differ from dataset versions: "
                "drop the AT clause and use `transcripts query --version N` (see `transcripts versions`)")
