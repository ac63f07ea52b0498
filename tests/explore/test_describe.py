from __future__ import annotations

import json
from typing import Any

from schemas import TABLES


def test_describe_one_table_lists_columns_types_and_descriptions(cli) -> None:
    code, out, _ = cli("describe", "documents", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["column"] for r in rows] == TABLES["documents"].column_names
    year = next(r for r in rows if r["column"] == "year")
    assert year["type"] == "INTEGER" and "year the page dates itself to" in year["description"]
    doc_type = next(r for r in rows if r["column"] == "doc_type")
    assert "one of: transcript, article, no_content" in doc_type["description"]


def test_describe_without_a_table_covers_every_table(cli) -> None:
    code, out, _ = cli("describe", "--format", "tsv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "table\tcolumn\ttype\tnullable\tdescription"
    assert {line.split("\t")[0] for line in lines[1:]} == set(TABLES)


def test_describe_unknown_table_is_one_line_with_a_suggestion(cli) -> None:
    code, out, err = cli("describe", "document")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "did you mean documents" in err


def test_catalog_comments_carry_the_schema_descriptions(seeds_lake: dict[str, Any]) -> None:
    con = seeds_lake["lake"].reader()
    try:
        tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables() "
                                  "WHERE database_name = 'lake'").fetchall())
        columns = {(t, c): comment for t, c, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = 'lake'").fetchall()}
    finally:
        con.close()
    assert tables["segments"] == TABLES["segments"].description
    assert columns[("segments", "char_end")] == TABLES["segments"].column("char_end").description
    assert all(columns[(t.name, c.name)] for t in TABLES.values() for c in t.columns)
