"""Small SQL helpers the store's modules share: quoting, one-number queries, rows per table."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import duckdb

from schemas import TABLES

if TYPE_CHECKING:  # pandas costs half a second to import, and a query or `versions` never needs it
    import pandas as pd
    import pyarrow as pa

CATALOG = "lake"  # name the lake is attached under in our connections; check callbacks get it
AUTHOR = "transcripts"

RowData: TypeAlias = "pa.Table | pd.DataFrame"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def table_counts(con: duckdb.DuckDBPyConnection, prefix: str, at: str = "") -> dict[str, int]:
    """Rows per declared table, in one query (`prefix`: catalog qualifier or ''; `at`: an AT clause)."""
    qualify = f"{prefix}." if prefix else ""
    sql = " UNION ALL ".join(f"SELECT {literal(name)}, count(*) FROM {qualify}{quote(name)} {at}"
                             for name in TABLES)
    counts = {name: int(n) for name, n in con.execute(sql).fetchall()}
    return {name: counts[name] for name in TABLES}
