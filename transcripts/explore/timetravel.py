"""Dataset versions are not DuckLake snapshots: `AT (VERSION => N)` would read snapshot N (snapshot 1 is the
creation of the empty tables), not dataset version N. `query` refuses time travel in SQL and points at
`--version`, which maps the dataset version to its snapshot."""

from __future__ import annotations

from transcripts.store.errors import QueryRefused
from transcripts.store.guard import parse_tree, walk_tree


class TimeTravelRefused(ValueError):
    """The SQL carries an AT (VERSION => ...) or AT (TIMESTAMP => ...) clause."""


def refuse_time_travel(sql: str) -> None:
    """Raise TimeTravelRefused when a table reference of `sql` has an AT clause (found in the parse tree,
    so the words inside a string literal do not count). SQL DuckDB cannot parse is left to the query."""
    try:
        tree = parse_tree(sql)
    except QueryRefused:
        return
    for node in walk_tree(tree.get("statements", [])):
        at = node.get("at_clause")
        if isinstance(at, dict) and at:
            unit = str(at.get("unit", "VERSION")).upper()
            raise TimeTravelRefused(
                f"AT ({unit} => ...) reads DuckLake snapshots, whose numbers differ from dataset versions: "
                "drop the AT clause and use `transcripts query --version N` (see `transcripts versions`)")
