"""The coverage check reads pieces of each page by character, names every failing document of a large run, and
keeps DuckDB's reading of offsets the other checks reject."""

from __future__ import annotations

import duckdb
from test_validate import lake, make_doc

from transcripts.validate.checks import CheckResult, sql_checks


def coverage(con: duckdb.DuckDBPyConnection) -> CheckResult:
    return next(c for c in sql_checks(con, "lake", names=["exact_coverage"]))


def test_coverage_counts_characters_not_bytes() -> None:
    doc = make_doc("accents")
    text = doc["sources"][0]["text"]
    wide = text.replace("Skip to main content", "Café — “Skip” ☕")
    shift = len(wide) - len(text)
    doc["sources"][0]["text"] = wide
    doc["removed"][0].update(char_end=doc["removed"][0]["char_end"] + shift, text="Café — “Skip” ☕")
    for table in ("segments", "sentences", "mentions"):
        for row in doc[table]:
            row.update(char_start=row["char_start"] + shift, char_end=row["char_end"] + shift)
    doc["removed"][1].update(char_start=doc["removed"][1]["char_start"] + shift,
                             char_end=doc["removed"][1]["char_end"] + shift)
    assert coverage(lake(doc)).passed
    doc["segments"][1]["char_start"] += 2  # "UN" of the second turn is now uncovered
    failed = coverage(lake(doc))
    gap = (doc["segments"][0]["char_end"], doc["segments"][1]["char_start"])
    assert failed.doc_ids == ["accents"]
    assert failed.sample == [f"accents: gap [{gap[0]},{gap[1]}) is not blank"]
    assert wide[gap[0]:gap[1]] == "\nUN"


def test_coverage_names_every_failing_document_when_offsets_are_odd() -> None:
    """Every page starts its first turn at -2 (a piece DuckDB reads from the end of the page, blank here; the
    page chrome now overlaps the turn) and lost its copyright stretch: all 600 are named, each twice, however
    the pages are streamed."""
    docs = []
    for i in range(600):
        doc = make_doc(f"d{i:03d}")
        doc["segments"][0]["char_start"] = -2
        del doc["removed"][1]
        docs.append(doc)
    failed = coverage(lake(*docs))
    assert failed.doc_ids == [f"d{i:03d}" for i in range(600)]
    assert failed.n_failing == 1200
    assert failed.sample[:2] == ["d000: overlap [0,20) is not blank", "d000: tail [125,145) is not blank"]
