"""The query sandbox: what user SQL may do on a reader connection.

Two layers. The first is DuckDB's own: `sandbox` locks the reader connection's configuration before any
user SQL runs (no file access outside the lake's data folder, no extension install or autoload, no Python
replacement scans, bounded memory and threads, no spilling to disk). The second is this statement guard:
`check_read_only` admits one statement that only reads, and walks its whole parse tree refusing what could
escape the first layer or disclose the server: functions that run SQL from a string, logging and profiling
to files, Python object scans, the DuckLake maintenance functions, settings and paths. Table functions are
admitted from an allow list; everything else is refused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from transcripts.store.errors import QueryError, QueryRefused, QueryTimeout, QueryTooLarge
from transcripts.store.limits import READER_MEMORY_LIMIT, READER_THREADS
from transcripts.store.sql import literal

# Statement kinds that only read. DESCRIBE, SHOW, SUMMARIZE and PRAGMA table_info/show_tables parse to SELECT.
_READ_KINDS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}

# Table functions a query may use: generators, catalog listings without paths, DuckLake history readers.
ALLOWED_TABLE_FUNCTIONS = frozenset({
    "range", "generate_series", "unnest", "repeat", "json_each", "json_tree",
    "pragma_table_info", "pragma_show_tables", "pragma_show_tables_expanded",
    "duckdb_tables", "duckdb_columns", "duckdb_views", "duckdb_types", "duckdb_functions", "duckdb_schemas",
    "duckdb_keywords", "duckdb_constraints", "duckdb_indexes",
    "snapshots", "table_info", "table_changes", "table_insertions", "table_deletions",
    "ducklake_snapshots", "ducklake_table_info", "ducklake_table_changes", "ducklake_table_insertions",
    "ducklake_table_deletions",
})
# Names of system views and functions that show settings or server paths, run SQL from a string, write
# files (logging, profiling), read files past DuckDB's own checks (sqlite), scan Python objects (pandas_scan
# of NULL crashes the process) or change the lake (DuckLake maintenance).
DENIED_FUNCTIONS = frozenset({
    "current_setting", "getenv", "json_execute_serialized_sql", "query", "query_table",
    "enable_logging", "disable_logging", "truncate_duckdb_logs", "enable_profiling", "disable_profiling",
    "checkpoint", "force_checkpoint", "pandas_scan", "arrow_scan", "arrow_scan_dumb", "python_map_function",
    "glob", "sniff_csv", "which_secret", "load_extension",
})
DENIED_PREFIXES = ("ducklake_", "sqlite_", "read_", "parquet_", "iceberg_", "delta_", "duckdb_", "pragma_",
                   "postgres_", "mysql_")
_METADATA_CATALOG = "__ducklake_metadata"  # DuckLake attaches its catalog database under this prefix
# Virtual columns of file-backed tables: they show the data files' full paths on the server.
DENIED_COLUMNS = frozenset({"filename", "file_row_number", "file_index"})

_parser: duckdb.DuckDBPyConnection | None = None
_parser_guard = threading.Lock()


def sandbox(con: duckdb.DuckDBPyConnection, data_url: str) -> None:
    """Lock `con` down with DuckDB's own settings; from here on nothing can change them.

    DuckLake reads data files through DuckDB's file system, so the data folder (`data_url`, with its final
    separator: a folder, or a remote lake's s3:// prefix) stays readable and nothing else does; the catalog
    is read through SQLite's or PostgreSQL's own connection, opened at ATTACH, and needs no allowance.
    """
    # Settings that external access guards (temp_directory) come before it is switched off.
    for setting, value in (("memory_limit", f"'{READER_MEMORY_LIMIT}'"), ("threads", str(READER_THREADS)),
                           ("temp_directory", "''"), ("python_enable_replacements", "false"),
                           ("autoinstall_known_extensions", "false"), ("autoload_known_extensions", "false"),
                           ("allowed_directories", f"['{_escaped(data_url)}']"),
                           ("enable_external_access", "false"), ("lock_configuration", "true")):
        con.execute(f"SET {setting} = {value}")


def _escaped(text: str) -> str:
    return text.replace("'", "''")


def _denied_function(name: str) -> bool:
    name = name.lower()
    return name in DENIED_FUNCTIONS or (name.startswith(DENIED_PREFIXES) and name not in ALLOWED_TABLE_FUNCTIONS)


def walk_tree(tree: Any) -> Iterator[dict[str, Any]]:
    """Every dict node of a parse tree, iteratively: a deeply nested expression must not recurse."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def parse_tree(sql: str) -> dict[str, Any]:
    """DuckDB's parse tree of `sql` (json_serialize_sql); QueryRefused when DuckDB cannot parse it."""
    global _parser
    with _parser_guard:
        if _parser is None:
            _parser = duckdb.connect(":memory:")
        try:
            # a literal, not a bound parameter: binding a Python value makes DuckDB import pandas (0.5 s)
            row = _parser.execute(f"SELECT json_serialize_sql({literal(sql)})").fetchone()
        except duckdb.Error as exc:
            raise QueryRefused(f"cannot verify that the statement only reads: {_first_line(str(exc))}") from None
    assert row is not None
    try:
        tree: dict[str, Any] = json.loads(row[0])
    except RecursionError:
        raise QueryRefused("the statement is nested too deeply to verify that it only reads") from None
    if tree.get("error"):
        raise QueryRefused(f"cannot verify that the statement only reads ({tree.get('error_message')})")
    return tree


def _check_node(node: dict[str, Any]) -> None:
    kind = node.get("type")
    if kind == "TABLE_FUNCTION":
        function = node.get("function")
        name = str(function.get("function_name", "")) if isinstance(function, dict) else ""
        if name.lower() not in ALLOWED_TABLE_FUNCTIONS:
            raise QueryRefused(f"{name}() is not allowed: query reads the dataset's tables only")
    elif kind in ("BASE_TABLE", "SHOW_REF"):
        name = str(node.get("table_name") or "").strip('"')
        where = f"{node.get('catalog_name') or ''}.{node.get('schema_name') or ''}".lower()
        if any(ch in name for ch in "./\\") or _METADATA_CATALOG in where or _METADATA_CATALOG in name.lower():
            raise QueryRefused(f"reading {name!r} is not allowed: query reads the dataset's tables only")
        if _denied_function(name):
            raise QueryRefused(f"{name} is not allowed: it shows the server's settings or files")
    elif node.get("class") == "COLUMN_REF":
        names = node.get("column_names") or [""]
        if str(names[-1]).lower() in DENIED_COLUMNS:
            raise QueryRefused(f"column {names[-1]!r} is not allowed: it shows the server's files")
    fn = node.get("function_name")
    if isinstance(fn, str) and _denied_function(fn) and fn.lower() not in ALLOWED_TABLE_FUNCTIONS:
        raise QueryRefused(f"{fn}() is not allowed: query is read-only and shows no settings or files")


def _explained(statement: duckdb.Statement) -> str:
    """The statement an EXPLAIN [ANALYZE] explains (EXPLAIN ANALYZE runs it): found by tokens, so comments
    between the keywords change nothing."""
    text = statement.query
    tokens = duckdb.tokenize(text)
    words = [text[start:end].strip().lower() for (start, _), (end, _) in
             zip(tokens, [*tokens[1:], (len(text), None)], strict=True)]
    i = 1  # past EXPLAIN
    if i < len(words) and words[i] in ("analyze", "analyse"):
        i += 1
    elif i < len(words) and words[i].startswith("("):
        while i < len(words) and not words[i].endswith(")"):
            i += 1
        i += 1
    return text[tokens[i][0]:] if i < len(tokens) else ""


def check_read_only(sql: str) -> None:
    """Refuse `sql` (QueryRefused) unless it is one statement that only reads (SELECT, EXPLAIN SELECT,
    DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info/show_tables) and uses nothing the guard denies."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(_first_line(str(exc))) from None
    except RecursionError:
        raise QueryRefused("the statement is nested too deeply") from None
    if not statements:
        raise QueryRefused("empty query")
    if len(statements) > 1:
        raise QueryRefused("more than one statement is not allowed: query is read-only, one statement at a time")
    statement = statements[0]
    if statement.type not in _READ_KINDS:
        raise QueryRefused(f"{statement.type.name} is not allowed: query is read-only")
    text = statement.query if statement.query.strip() else sql
    if statement.type == duckdb.StatementType.EXPLAIN:
        inner = _explained(statement)
        try:
            inner_statements = duckdb.extract_statements(inner) if inner.strip() else []
        except duckdb.Error:
            inner_statements = []
        if len(inner_statements) != 1 or inner_statements[0].type != duckdb.StatementType.SELECT:
            what = inner_statements[0].type.name if inner_statements else "of this statement"
            raise QueryRefused(f"EXPLAIN {what} is not allowed: query is read-only")
        text = inner_statements[0].query
    for node in walk_tree(parse_tree(text).get("statements", [])):
        _check_node(node)


def run_query(con: duckdb.DuckDBPyConnection, sql: str, *, timeout: float,
              hide: Path | str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run `sql` on a sandboxed connection, interrupted after `timeout` seconds; (column names, rows).

    duckdb.IOException (a data file missing or damaged) propagates for the caller to diagnose; other errors
    become one-line QueryTimeout, QueryTooLarge or QueryError, with the lake's folder shown as <lake>.
    """
    timer = threading.Timer(timeout, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()
    except duckdb.InterruptException:
        raise QueryTimeout(f"the query ran past {timeout:g} s and was stopped (raise --timeout to allow more)") \
            from None
    except duckdb.OutOfMemoryException:
        raise QueryTooLarge(f"the query needs more than the {READER_MEMORY_LIMIT} of memory a query may use") \
            from None
    except duckdb.IOException:
        raise
    except duckdb.PermissionException as exc:  # the sandbox (first layer) refused what the guard let through
        raise QueryRefused(_first_line(str(exc)).replace(str(hide), "<lake>") if hide else _first_line(str(exc))) \
            from None
    except duckdb.Error as exc:
        message = _first_line(str(exc))
        raise QueryError(message.replace(str(hide), "<lake>") if hide else message) from None
    except RecursionError:
        raise QueryError("the statement is nested too deeply") from None
    finally:
        timer.cancel()


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"
