"""The coverage check reads pieces of each page by character, names every failing document of a large run, and
keeps DuckDB's reading of offsets the other checks reject."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from test_validate import lake, make_doc, to_frames

from transcripts.validate.checks import CheckResult, frame_checks, sql_checks


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


def test_contiguity_names_duplicates_gaps_and_missing_indexes() -> None:
    """seg_idx/sent_idx must run 0..n-1: a repeated index with the right count and maximum, a gap, a NULL."""
    doc = make_doc("dup")
    doc["segments"][1]["seg_idx"] = 0  # 0, 0, 2: three rows, maximum 2, two distinct values
    doc["sentences"].append({**doc["sentences"][2], "sent_idx": 2})  # segment 2: sentences 0, 2
    doc["sentences"][0]["sent_idx"] = None  # segment 0: no index at all (a NULL maximum: a NULL detail)
    failed = {c.name: c for c in sql_checks(lake(doc, make_doc("ok")), "lake") if not c.passed}
    assert failed["seg_idx_contiguous"].sample == ["dup: n=3 min=0 max=2"]
    assert sorted(failed["sent_idx_contiguous"].sample) == ["dup: None", "dup: seg 2: n=2 max=2"]


def test_frame_checks_chunk_after_chunk_find_each_chunks_faults() -> None:
    """frame_checks keeps one connection per thread: a chunk sees only its own tables, whether the chunk before
    passed, failed or could not be checked at all."""
    clean, bad = to_frames(make_doc("a")), to_frames(make_doc("b"))
    bad["documents"].loc[0, "n_turns"] = 7
    unreadable = {**to_frames(make_doc("c")), "segments": pd.DataFrame({"doc_id": [object()]})}
    assert all(c.passed for c in frame_checks(clean))
    assert [c.name for c in frame_checks(bad) if not c.passed] == ["document_counts"]
    with pytest.raises(Exception):  # noqa: B017 - whatever DuckDB makes of a column it cannot read
        frame_checks(unreadable)
    assert all(c.passed for c in frame_checks(clean))
    failed = [c for c in frame_checks(bad) if not c.passed]
    assert [(c.name, c.doc_ids) for c in failed] == [("document_counts", ["b"])]
