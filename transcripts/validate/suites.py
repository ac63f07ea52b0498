"""Great Expectations suites derived from the table declarations in `schemas/`.

`build_suites()` is the single source of the suites; `expectations/<table>.json` are its output, written by
`python -m transcripts.validate.checks --write` and compared with it by a test, so they never drift from `schemas/`.

Suites are plain JSON dicts here (GE is imported only to load and run them, see flows/validate.py), using
only GE's built-in expectations, so nothing can be silently dropped for lack of a custom class. Each
expectation carries in `meta`:

- `rule`: a name unique within the suite (results are matched back to expectations by it);
- `level`: `row` (failing rows name their documents, which are quarantined), `table` (any failure blocks the
  publication) or `distribution` (a share over the run; blocks, but only once `min_rows` rows are in scope).
"""

from __future__ import annotations

from typing import Any

from schemas import TABLES, Rule, Table, Where

# Years are checked against max_year (schemas/documents.py), supplied at validation time (current year + 1), so
# the checked-in suites do not change with the calendar.
MAX_YEAR_PARAMETER = "max_year"

OFFSET_PAIR = ("char_start", "char_end")


def _exp(type_: str, rule: str, level: str, description: str, **kwargs: Any) -> dict[str, Any]:
    return {
        "type": type_,
        "kwargs": kwargs,
        "meta": {"rule": rule, "level": level},
        "description": description,
        "severity": "critical",
    }


def _row_level(table: Table) -> str:
    # Row failures can quarantine documents only in tables whose rows belong to one document.
    return "row" if table.per_document and "doc_id" in table.column_names else "table"


def _generic(table: Table) -> list[dict[str, Any]]:
    """What every declaration implies: column list, non-null, value sets, minimums, unique key, ordered offsets."""
    t, row = table.name, _row_level(table)
    out = [_exp("expect_table_columns_to_match_ordered_list", "columns", "table",
                f"{t} has exactly the declared columns, in order", column_list=table.column_names)]
    for c in table.columns:
        if not c.nullable:
            out.append(_exp("expect_column_values_to_not_be_null", f"{c.name}_not_null", row,
                            f"{t}.{c.name} is not null", column=c.name))
    for c in table.columns:
        if c.values:
            out.append(_exp("expect_column_values_to_be_in_set", f"{c.name}_in_set", row,
                            f"{t}.{c.name} is one of {', '.join(c.values)}", column=c.name,
                            value_set=list(c.values)))
    for c in table.columns:
        if c.maximum is not None:
            maximum = {"$PARAMETER": c.maximum} if isinstance(c.maximum, str) else c.maximum
            out.append(_exp("expect_column_values_to_be_between", f"{c.name}_in_range", row,
                            f"{t}.{c.name} is between {c.minimum} and {c.maximum}", column=c.name,
                            min_value=c.minimum, max_value=maximum))
        elif c.minimum is not None:
            out.append(_exp("expect_column_values_to_be_between", f"{c.name}_minimum", row,
                            f"{t}.{c.name} >= {c.minimum}", column=c.name, min_value=c.minimum))
    if len(table.key) == 1:
        out.append(_exp("expect_column_values_to_be_unique", "key_unique", row,
                        f"{t}.{table.key[0]} is unique", column=table.key[0]))
    else:
        out.append(_exp("expect_compound_columns_to_be_unique", "key_unique", row,
                        f"{t} ({', '.join(table.key)}) is unique", column_list=list(table.key)))
    if set(OFFSET_PAIR) <= set(table.column_names):
        out.append(_exp("expect_column_pair_values_a_to_be_greater_than_b", "offsets_ordered", row,
                        f"{t}.char_start < {t}.char_end", column_A="char_end", column_B="char_start"))
    return out


def _condition(where: Where) -> dict[str, Any]:
    """A GE row condition (the serialized form of great_expectations.expectations.row_conditions)."""
    if where.op in ("is_null", "not_null"):
        return {"type": "nullity", "column": {"name": where.column}, "is_null": where.op == "is_null"}
    return {"type": "comparison", "column": {"name": where.column}, "operator": where.op, "parameter": where.value}


def _declared_rule(table: Table, rule: Rule) -> dict[str, Any]:
    """A table's declared Rule as an expectation: a row rule, or a distribution rule when it has a share."""
    kwargs: dict[str, Any] = {"column": rule.column}
    kwargs.update((k, list(v) if isinstance(v, tuple) else v) for k, v in rule.options)
    if rule.where is not None:
        kwargs["row_condition"] = _condition(rule.where)
    if rule.share is None:
        return _exp(rule.expectation, rule.name, _row_level(table), rule.description, **kwargs)
    exp = _exp(rule.expectation, rule.name, "distribution", rule.description, **kwargs, mostly=rule.share)
    exp["meta"]["min_rows"] = rule.min_rows
    return exp


def build_suite(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "expectations": _generic(table) + [_declared_rule(table, r) for r in table.rules],
        "meta": {"generated_from": f"schemas/{table.name}.py", "generator": "transcripts/validate/suites.py"},
        "notes": "Generated by `python -m transcripts.validate.checks --write` from schemas/; do not edit. "
        + table.description,
    }


def build_suites() -> dict[str, dict[str, Any]]:
    """One GE suite (as JSON) per table of schemas.TABLES, keyed by table name."""
    suites = {name: build_suite(table) for name, table in TABLES.items()}
    for name, suite in suites.items():
        rules = [e["meta"]["rule"] for e in suite["expectations"]]
        assert len(rules) == len(set(rules)), f"duplicate rule names in suite {name}"
    return suites
