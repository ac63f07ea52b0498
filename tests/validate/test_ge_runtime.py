"""Reusing GE's metric graphs from one chunk to the next changes no verdict: chunk after chunk, clean or broken,
validation reports exactly what GE reports when it builds everything afresh."""

from __future__ import annotations

import contextlib
from typing import Any

import pandas as pd
import pytest
from test_validate import make_doc, to_frames

from schemas import TABLES
from transcripts.validate import checks, ge_runtime
from transcripts.validate.checks import validate_tables


def chunks() -> list[dict[str, pd.DataFrame]]:
    clean = to_frames(make_doc("a"), make_doc("b"))
    broken = to_frames(make_doc("c"), make_doc("d"), make_doc("e"))
    broken["segments"].loc[0, "kind"] = "sidebar"  # row failures: quarantine
    broken["segments"].loc[3, "char_end"] = 0
    broken["documents"].loc[1, "year"] = 3000
    missing = to_frames(make_doc("f"))
    missing["sentences"] = missing["sentences"].drop(columns=["text"])  # blocks
    no_doc_id = to_frames(make_doc("g"), make_doc("h"))
    no_doc_id["segments"].loc[2, "doc_id"] = None
    return [clean, broken, clean, missing, no_doc_id, to_frames(make_doc("i")), broken]


def report(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    result = validate_tables(frames, cross_checks=False)
    return {"markdown": result.to_markdown().replace(f"{result.duration_s:.2f}", "-"),
            "quarantined": result.quarantined, "blocking": result.blocking, "evaluated": result.evaluated}


def test_reused_graphs_report_what_fresh_graphs_report(monkeypatch: pytest.MonkeyPatch) -> None:
    reused = [report(frames) for frames in chunks()]
    assert ge_runtime._GRAPHS, "the graphs were not kept"
    monkeypatch.setattr(ge_runtime, "reusing_graphs", contextlib.nullcontext)
    fresh = [report(frames) for frames in chunks()]
    assert reused == fresh
    assert [bool(r["blocking"]) for r in fresh] == [False, False, False, True, True, False, False]
    assert sorted(fresh[1]["quarantined"]) == ["c", "d"]


def test_failing_expectations_report_what_one_basic_pass_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs BOOLEAN_ONLY and only its failures run again with BASIC, through validators over each table's
    batch definition: every report (counts, samples, quarantined documents, blocking reasons, distribution
    shares) is what one BASIC pass of GE's public Batch.validate over the suite gives."""
    no_turns = to_frames(*[make_doc(f"n{i:02d}") for i in range(12)])  # distribution rules fail: blocks
    no_turns["segments"]["kind"] = "paragraph"
    no_turns["segments"][["speaker_id", "speaker_label"]] = None
    no_turns["documents"]["n_turns"] = 0
    unidentified = to_frames(*[make_doc(f"u{i:02d}", unidentified=True) for i in range(30)])
    frames = [*chunks(), no_turns, unidentified]
    two_pass = [report(f) for f in frames]

    def one_basic_pass(name: str, frame: pd.DataFrame, suite: Any, by_rule: Any, params: dict[str, Any]) -> list[Any]:
        """GE's public way: a Batch of the frame, validated with BASIC."""
        batch = ge_runtime.batch_definitions()[name].get_batch(batch_parameters={"dataframe": frame})
        return list(batch.validate(suite, result_format=checks._BASIC, expectation_parameters=params).results)

    monkeypatch.setattr(checks, "_suite_results", one_basic_pass)
    assert two_pass == [report(f) for f in frames]
    assert any("transcripts_with_turns_share" in b and "good of 12" in b for b in two_pass[-2]["blocking"])
    assert any("identified_turns_share" in b for b in two_pass[-1]["blocking"])
    assert "| kind_in_set: segments.kind is one of turn, paragraph, heading, caption, marker | row | quarantine | 1 " \
           "| sidebar |" in two_pass[1]["markdown"]  # the failure's count and sample, from the BASIC run


def test_empty_tables_verdict_kept_only_for_their_columns() -> None:
    """An empty table's passing verdict is reused by the next chunk; an empty table that lacks a column still
    blocks, and a passing one after it is still counted in full."""
    def empty(name: str, columns: list[str]) -> dict[str, pd.DataFrame]:
        return {name: pd.DataFrame(columns=columns)}

    columns = list(TABLES["mentions"].column_names)
    first, again = report(empty("mentions", columns)), report(empty("mentions", columns))
    assert first == again and not first["blocking"] and first["evaluated"] == 14
    broken = report(empty("mentions", columns[:-1]))
    assert any("mentions.columns" in b for b in broken["blocking"])
    assert report(empty("mentions", columns)) == first
