"""Rows to the terminal or to a pipe: one renderer for every command that prints rows.

On a terminal, a table sized to the terminal; in a pipe or a file, tab-separated values with a header and
nothing cut (one row per line: tabs, newlines and backslashes in values are escaped as \\t, \\n, \\\\).
JSON keeps nested values (lists, structs, maps and the columns declared as holding JSON text) as JSON.
A reader that closes the pipe early (`| head -3`) ends the command quietly with exit status 0.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import json
import os
import sys
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from schemas import TABLES

FORMATS = ("auto", "table", "tsv", "csv", "json")
# Columns whose text is JSON (schemas: Column.holds_json): JSON output nests them instead of quoting them.
JSON_COLUMNS = frozenset(c.name for t in TABLES.values() for c in t.columns if c.holds_json)
NARROWEST_USEFUL = 16  # characters a column needs in a terminal table before rows are better shown as records
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def jsonable(value: Any) -> Any:
    """A DuckDB value as plain JSON data (dates as ISO text, decimals as numbers, maps and structs as objects)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _nested(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS and isinstance(value, str):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return jsonable(value)


def cell_text(value: Any) -> str:
    """One value as text: NULL empty, nested values as compact JSON, everything else as str()."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"))
    return str(jsonable(value))


def resolve_format(fmt: str) -> str:
    """`auto` is a table on a terminal and TSV elsewhere; raises ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "auto":
        return "table" if sys.stdout.isatty() else "tsv"
    return fmt


@contextlib.contextmanager
def closed_pipe_is_fine() -> Iterator[None]:
    """A reader that stops reading (`| head`) is not an error: stop writing and exit 0.

    Python ignores SIGPIPE and raises BrokenPipeError instead; once it is raised, stdout is pointed at
    /dev/null so that the interpreter's final flush does not fail again (and exit 1) on the way out.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0) from None


def render_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "auto", *,
                limit: int | None = None, title: str | None = None) -> None:
    """Print rows in `fmt` (see FORMATS) to stdout; at most `limit` rows when given."""
    fmt = resolve_format(fmt)
    total = len(rows)
    if limit is not None:
        rows = rows[:limit]
    with closed_pipe_is_fine():
        write = sys.stdout.write
        if fmt == "json":
            write(json.dumps([{c: _nested(c, v) for c, v in zip(columns, r, strict=True)} for r in rows],
                             ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([cell_text(v) for v in r] for r in rows)
        elif fmt == "tsv":
            write("\t".join(c.translate(_TSV_ESCAPES) for c in columns) + "\n")
            for r in rows:
                write("\t".join(cell_text(v).translate(_TSV_ESCAPES) for v in r) + "\n")
        else:
            _print_table(columns, rows, total, title)


def _print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], total: int, title: str | None) -> None:
    """A table sized to the terminal; when the columns cannot fit side by side (each given up to
    NARROWEST_USEFUL characters), one block per row with a column per line, as psql's expanded display."""
    console = Console(highlight=False)
    cells = [[cell_text(v) for v in r] for r in rows]
    natural = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    if sum(min(w, NARROWEST_USEFUL) + 3 for w in natural) + 1 <= console.width:
        table = RichTable(title=title, show_lines=False, expand=False)
        for c in columns:
            table.add_column(c, overflow="fold")  # a long value wraps onto more lines, never cut with "…"
        for r in cells:
            table.add_row(*r)
        console.print(table)
    else:
        for n, r in enumerate(cells, 1):
            record = RichTable.grid(padding=(0, 2))
            record.add_column(style="bold", no_wrap=True)
            record.add_column(overflow="fold")
            for c, v in zip(columns, r, strict=True):
                record.add_row(c, v)
            console.rule(f"row {n}", align="left", style="dim")
            console.print(record)
    shown = f"{len(rows)} of {total} rows" if len(rows) < total else f"{total} row{'s' if total != 1 else ''}"
    console.print(f"[dim]{shown}[/dim]")
