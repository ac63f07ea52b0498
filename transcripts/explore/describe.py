"""Column documentation where analysts look: catalog comments in the lake, and `transcripts describe`.

Both come from the declarations in `schemas/`; nothing here restates a description.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import duckdb

from schemas import TABLES, Table

DESCRIBE_COLUMNS = ["table", "column", "type", "nullable", "description"]


class UnknownTable(ValueError):
    """`describe` was asked about a table the dataset does not have."""


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_comment(table: Table, column_name: str) -> str:
    """The description of a column, with its allowed values when it is an enumeration."""
    column = table.column(column_name)
    if column.values:
        return f"{column.description} (one of: {', '.join(column.values)})"
    return column.description


def comment_statements(catalog: str, tables: Iterable[Table] | None = None) -> list[str]:
    """COMMENT ON TABLE/COLUMN statements giving every declared table and column its description."""
    statements = []
    for table in tables if tables is not None else TABLES.values():
        qualified = f'{catalog}."{table.name}"'
        statements.append(f"COMMENT ON TABLE {qualified} IS {_lit(table.description)}")
        statements += [f'COMMENT ON COLUMN {qualified}."{c.name}" IS {_lit(column_comment(table, c.name))}'
                       for c in table.columns]
    return statements


def apply_comments(con: duckdb.DuckDBPyConnection, catalog: str, tables: Iterable[Table] | None = None) -> None:
    """Store the descriptions from schemas/ as catalog comments (DuckLake keeps them in ducklake_tag and
    ducklake_column_tag), so `duckdb_columns()`, BI tools and notebooks show them next to the columns.
    Run inside the transaction that creates the tables."""
    for statement in comment_statements(catalog, tables):
        con.execute(statement)


def describe_rows(table_name: str | None = None) -> list[tuple[str, str, str, str, str]]:
    """(table, column, type, nullable, description) of every column, or of one table's columns."""
    if table_name is not None and table_name not in TABLES:
        close = difflib.get_close_matches(table_name, list(TABLES), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; tables: {', '.join(TABLES)}"
        raise UnknownTable(f"no table {table_name!r}{hint}")
    chosen = [TABLES[table_name]] if table_name else list(TABLES.values())
    return [(t.name, c.name, c.type, "yes" if c.nullable else "no", column_comment(t, c.name))
            for t in chosen for c in t.columns]


def table_rows() -> list[tuple[str, str, str]]:
    """(table, one row per, key) of every table: the overview `describe` prints without a table name."""
    return [(t.name, t.description, ", ".join(t.key)) for t in TABLES.values()]
