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

from schemas import TABLES, Table

# Years are checked against max_year (schemas/documents.py), supplied at validation time (current year + 1), so
# the checked-in suites do not change with the calendar.
MAX_YEAR_PARAMETER = "max_year"

# ISO 639-1: every two-letter code.
ISO_639_1 = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv",
    "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd",
    "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig",
    "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko",
    "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh",
    "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr",
    "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru",
    "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug",
    "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu"
]

SHA256_REGEX = r"^[0-9a-f]{64}$"
# Speaker ids of unidentified voices and groups are scoped to their document: "<doc_id>#<slug>"
# (transcripts.model.speaker_id_for).
DOC_SCOPED_SPEAKER_REGEX = r"#"

# Distribution rules only judge a run with at least this many rows in scope: one odd page in a small run is
# the row rules' business (quarantine), not a reason to block.
MIN_TRANSCRIPTS_FOR_SHARE = 10
MIN_TURNS_FOR_SHARE = 50
MAX_ZERO_TURN_TRANSCRIPT_SHARE = 0.5
MAX_UNIDENTIFIED_TURN_SHARE = 0.5

OFFSET_PAIR = ("char_start", "char_end")


def _exp(type_: str, rule: str, level: str, description: str, **kwargs: Any) -> dict[str, Any]:
    return {
        "type": type_,
        "kwargs": kwargs,
        "meta": {"rule": rule, "level": level},
        "description": description,
        "severity": "critical",
    }


def _cmp(column: str, operator: str, parameter: Any) -> dict[str, Any]:
    """A GE row condition (the serialized form of great_expectations.expectations.row_conditions)."""
    return {"type": "comparison", "column": {"name": column}, "operator": operator, "parameter": parameter}


def _isnull(column: str, is_null: bool) -> dict[str, Any]:
    return {"type": "nullity", "column": {"name": column}, "is_null": is_null}


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


def _specific(table: Table) -> list[dict[str, Any]]:
    """Rules of one table that its declaration cannot express."""
    t, row = table.name, _row_level(table)
    if t == "documents":
        return [
            _exp("expect_column_values_to_be_in_set", "language_iso_639_1", row,
                 "documents.language is an ISO 639-1 code", column="language", value_set=ISO_639_1),
            _exp("expect_column_values_to_be_null", "year_source_null_without_year", row,
                 "documents.year_source is null when year is null", column="year_source",
                 row_condition=_isnull("year", True)),
            _exp("expect_column_values_to_not_be_null", "year_source_set_with_year", row,
                 "documents.year_source is set when year is set", column="year_source",
                 row_condition=_isnull("year", False)),
            _exp("expect_column_values_to_match_regex", "source_sha256_hex", row,
                 "documents.source_sha256 is a hex SHA-256", column="source_sha256", regex=SHA256_REGEX),
            _exp("expect_column_values_to_match_regex", "body_sha256_hex", row,
                 "documents.body_sha256 is a hex SHA-256", column="body_sha256", regex=SHA256_REGEX),
            _exp("expect_column_values_to_be_between", "transcript_has_turns", row,
                 "a transcript document has at least one turn", column="n_turns", min_value=1,
                 row_condition=_cmp("doc_type", "==", "transcript")),
            {**_exp("expect_column_values_to_be_between", "transcripts_with_turns_share", "distribution",
                    f"at most {MAX_ZERO_TURN_TRANSCRIPT_SHARE:.0%} of transcript documents have zero turns",
                    column="n_turns", min_value=1, row_condition=_cmp("doc_type", "==", "transcript"),
                    mostly=1 - MAX_ZERO_TURN_TRANSCRIPT_SHARE),
             "meta": {"rule": "transcripts_with_turns_share", "level": "distribution",
                      "min_rows": MIN_TRANSCRIPTS_FOR_SHARE}},
        ]
    if t == "segments":
        return [
            _exp("expect_column_values_to_not_be_null", "turn_has_speaker", row,
                 "a turn has a speaker_id", column="speaker_id", row_condition=_cmp("kind", "==", "turn")),
            _exp("expect_column_values_to_be_null", "speaker_only_on_turns", row,
                 "only turns have a speaker_id", column="speaker_id", row_condition=_cmp("kind", "!=", "turn")),
            _exp("expect_column_values_to_be_null", "label_only_on_turns", row,
                 "only turns have a speaker_label", column="speaker_label",
                 row_condition=_cmp("kind", "!=", "turn")),
            {**_exp("expect_column_values_to_not_match_regex", "identified_turns_share", "distribution",
                    f"at most {MAX_UNIDENTIFIED_TURN_SHARE:.0%} of turns are by unidentified voices or groups",
                    column="speaker_id", regex=DOC_SCOPED_SPEAKER_REGEX,
                    row_condition=_cmp("kind", "==", "turn"), mostly=1 - MAX_UNIDENTIFIED_TURN_SHARE),
             "meta": {"rule": "identified_turns_share", "level": "distribution", "min_rows": MIN_TURNS_FOR_SHARE}},
        ]
    if t == "speakers":
        return [_exp("expect_column_values_to_match_regex", "non_person_id_doc_scoped", row,
                     "an unidentified or group speaker's id is scoped to its document (<doc_id>#...)",
                     column="speaker_id", regex=DOC_SCOPED_SPEAKER_REGEX,
                     row_condition=_cmp("kind", "!=", "person"))]
    if t == "appearances":
        return [_exp("expect_column_values_to_match_regex", "unidentified_id_doc_scoped", row,
                     "an unidentified speaker's id is scoped to its document (<doc_id>#...)",
                     column="speaker_id", regex=DOC_SCOPED_SPEAKER_REGEX,
                     row_condition=_cmp("role", "==", "unidentified"))]
    if t == "quotes":
        return [_exp("expect_column_values_to_be_null", "speaker_id_needs_name", row,
                     "quotes.speaker_id is null when speaker_name is null", column="speaker_id",
                     row_condition=_isnull("speaker_name", True))]
    if t == "mentions":
        return [_exp("expect_column_values_to_match_regex", "label_format", row,
                     "mentions.label is an upper-case entity type (PERSON, ORG, ...)", column="label",
                     regex=r"^[A-Z][A-Z_]*$")]
    return []


def build_suite(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "expectations": _generic(table) + _specific(table),
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
