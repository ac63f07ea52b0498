"""The GE suites: derived from schemas/, checked in unchanged, loaded without silent drops."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schemas import TABLES, Column, Rule, Table, Where, doc_id_column
from transcripts.validate.checks import EXPECTATIONS_DIR, load_suites, main, suite_json
from transcripts.validate.suites import build_suite, build_suites

EXPECTED_COUNTS = {
    "documents": 24, "sources": 6, "segments": 19, "sentences": 13, "speakers": 7, "appearances": 13,
    "quotes": 14, "mentions": 14, "removed": 12, "rejects": 8, "versions": 16,
}


def test_suites_one_per_table() -> None:
    assert set(build_suites()) == set(TABLES)
    assert {p.stem for p in EXPECTATIONS_DIR.glob("*.json")} == set(TABLES)


def test_suites_checked_in_files_match_schemas() -> None:
    """expectations/*.json are generated; regenerate with `python -m transcripts.validate.checks --write`."""
    for name, suite in build_suites().items():
        assert (EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8") == suite_json(suite), name


def test_suites_cover_every_declaration() -> None:
    for name, table in TABLES.items():
        exps = build_suites()[name]["expectations"]
        by_type: dict[str, list[dict]] = {}
        for e in exps:
            by_type.setdefault(e["type"], []).append(e["kwargs"])
        assert by_type["expect_table_columns_to_match_ordered_list"] == [{"column_list": table.column_names}]
        not_null = {k["column"] for k in by_type.get("expect_column_values_to_not_be_null", [])
                    if "row_condition" not in k}
        assert not_null == {c.name for c in table.columns if not c.nullable}
        in_set = {k["column"]: k["value_set"] for k in by_type.get("expect_column_values_to_be_in_set", [])}
        for c in table.columns:
            if c.values:
                assert in_set[c.name] == list(c.values)
            if c.minimum is not None:
                assert any(k["column"] == c.name and k["min_value"] == c.minimum
                           for k in by_type["expect_column_values_to_be_between"])
        key_rules = by_type.get("expect_compound_columns_to_be_unique", []) + [
            {"column_list": [k["column"]]} for k in by_type.get("expect_column_values_to_be_unique", [])]
        assert key_rules == [{"column_list": list(table.key)}]


def test_suites_a_declared_rule_becomes_its_expectation() -> None:
    """Table-specific expectations come from the declaration (schemas: Table.rules), not from the generator."""
    table = Table("pets", "Pets.", (doc_id_column(), Column("kind", "VARCHAR", "cat or dog"),
                                    Column("name", "VARCHAR", "the pet's name")), key=("doc_id",), rules=(
        Rule("dog_named", "expect_column_values_to_not_be_null", "name", "a dog has a name",
             where=Where("kind", "==", "dog")),
        Rule("mostly_cats", "expect_column_values_to_be_in_set", "kind", "most pets are cats",
             options=(("value_set", ("cat",)),), share=0.8, min_rows=5),
    ))
    by_rule = {e["meta"]["rule"]: e for e in build_suite(table)["expectations"]}
    assert by_rule["dog_named"]["kwargs"] == {"column": "name", "row_condition": {
        "type": "comparison", "column": {"name": "kind"}, "operator": "==", "parameter": "dog"}}
    assert by_rule["dog_named"]["meta"] == {"rule": "dog_named", "level": "row"}
    assert by_rule["mostly_cats"]["kwargs"] == {"column": "kind", "value_set": ["cat"], "mostly": 0.8}
    assert by_rule["mostly_cats"]["meta"] == {"rule": "mostly_cats", "level": "distribution", "min_rows": 5}
    for name, declared in TABLES.items():
        rules = {e["meta"]["rule"] for e in build_suites()[name]["expectations"]}
        assert {r.name for r in declared.rules} <= rules


def test_suites_load_expected_counts() -> None:
    suites = load_suites()
    assert {n: len(s.expectations) for n, s in suites.items()} == EXPECTED_COUNTS
    for name, suite in suites.items():
        raw = json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert len(suite.expectations) == len(raw["expectations"])


def test_suites_load_refuses_silently_dropped_expectation(tmp_path: Path) -> None:
    for p in EXPECTATIONS_DIR.glob("*.json"):
        shutil.copy(p, tmp_path / p.name)
    raw = json.loads((tmp_path / "segments.json").read_text(encoding="utf-8"))
    raw["expectations"].append({"type": "expect_column_values_to_be_a_custom_thing_nobody_imported",
                                "kwargs": {"column": "kind"}, "meta": {"rule": "custom", "level": "row"}})
    (tmp_path / "segments.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(RuntimeError, match="segments"):
        load_suites(tmp_path)


def test_suites_write_and_check_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert main(["--write", "--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out
