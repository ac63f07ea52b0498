"""The validation step: broken rows are caught at the right level (quarantine vs block) and named."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd
import pytest

from schemas import TABLES
from transcripts.model import count_words
from transcripts.validate.checks import CHECK_NAMES, EXPECTATIONS_DIR, sql_checks, validate_tables, validate_version

Rows = dict[str, list[dict[str, Any]]]
SHA = "ab" * 32


def make_doc(doc_id: str = "npr/doc1", *, unidentified: bool = False) -> Rows:
    """One consistent little transcript across all per-document tables (plus its speakers)."""
    host = f"{doc_id}#unidentified-host" if unidentified else "rachel-martin"
    voice = f"{doc_id}#unidentified-person"
    lines = ["Skip to main content", "", "RACHEL MARTIN, HOST: Good morning from NPR News.",
             "UNIDENTIFIED PERSON: Hello there.", "(SOUNDBITE OF MUSIC)", "Copyright 2024 NPR", ""]
    text = "\n".join(lines)

    def span(s: str) -> tuple[int, int]:
        start = text.index(s)
        return start, start + len(s)

    segs = [("turn", lines[2], "RACHEL MARTIN, HOST", "Good morning from NPR News.", host),
            ("turn", lines[3], "UNIDENTIFIED PERSON", "Hello there.", voice),
            ("marker", lines[4], None, "(SOUNDBITE OF MUSIC)", None)]
    rows: Rows = {t: [] for t in TABLES if t not in ("rejects", "versions")}
    for i, (kind, line, label, body, spk) in enumerate(segs):
        start, end = span(line)
        rows["segments"].append({"doc_id": doc_id, "seg_idx": i, "kind": kind, "speaker_id": spk,
                                 "speaker_label": label, "text": body, "char_start": start, "char_end": end,
                                 "n_words": count_words(body)})
        b_start, b_end = span(body)
        rows["sentences"].append({"doc_id": doc_id, "seg_idx": i, "sent_idx": 0, "text": body,
                                  "char_start": b_start, "char_end": b_end})
    for line, reason in ((lines[0], "page_chrome"), (lines[5], "copyright")):
        start, end = span(line)
        rows["removed"].append({"doc_id": doc_id, "char_start": start, "char_end": end, "text": line,
                                "reason": reason, "seg_idx": None})
    m_start, m_end = span("NPR News")
    rows["mentions"].append({"doc_id": doc_id, "seg_idx": 0, "char_start": m_start, "char_end": m_end,
                             "text": "NPR News", "label": "ORG", "entity_key": "npr news", "speaker_id": None})
    rows["speakers"] = [
        {"speaker_id": host, "name": "Rachel Martin", "kind": "unidentified" if unidentified else "person"},
        {"speaker_id": voice, "name": "Unidentified Person", "kind": "unidentified"},
    ]
    rows["appearances"] = [
        {"doc_id": doc_id, "speaker_id": host, "name": "Rachel Martin", "labels": ["RACHEL MARTIN, HOST"],
         "role": "unidentified" if unidentified else "host", "description": None, "n_turns": 1,
         "n_words": segs and count_words(segs[0][3])},
        {"doc_id": doc_id, "speaker_id": voice, "name": "Unidentified Person", "labels": ["UNIDENTIFIED PERSON"],
         "role": "unidentified", "description": None, "n_turns": 1, "n_words": count_words(segs[1][3])},
    ]
    rows["sources"] = [{"doc_id": doc_id, "text": text, "encoding": "utf-8", "repairs": []}]
    rows["documents"] = [{
        "doc_id": doc_id, "source_path": f"{doc_id}.txt", "source_sha256": SHA, "doc_type": "transcript",
        "language": "en", "title": "Morning news", "program": "Morning Edition", "year": 2024,
        "year_source": "copyright", "dateline": None, "bylines": [], "duplicate_of": None,
        "n_turns": 2, "n_words": sum(r["n_words"] for r in rows["segments"]), "pipeline_version": "0.1.0",
        "body_sha256": SHA,
    }]
    return rows


def to_frames(*docs: Rows) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for name in docs[0]:
        rows = [r for d in docs for r in d[name]]
        if name == "speakers":  # one row per speaker across the run
            rows = list({r["speaker_id"]: r for r in rows}.values())
        frames[name] = pd.DataFrame(rows, columns=TABLES[name].column_names)
    return frames


def run(*docs: Rows) -> Any:
    return validate_tables(to_frames(*docs))


def only(result: Any) -> list[str]:
    return sorted({f"{f.table}.{f.rule}" for f in result.failures} | {c.name for c in result.checks if not c.passed})


# ---------------------------------------------------------------------------------------------- GE level


def test_validate_clean_run_passes() -> None:
    result = run(make_doc("a"), make_doc("b"))
    assert result.ok, result.to_markdown()
    assert result.failures == [] and result.quarantined == {}
    assert result.evaluated == sum(len(json.loads(p.read_text())["expectations"])
                                   for p in EXPECTATIONS_DIR.glob("*.json") if p.stem not in ("rejects", "versions"))
    assert all(c.passed for c in result.checks) and len(result.checks) >= 6


@pytest.mark.parametrize(("table", "mutate", "rule"), [
    ("segments", lambda r: r.update(char_end=r["char_start"] - 1), "segments.offsets_ordered"),
    ("segments", lambda r: r.update(kind="sidebar"), "segments.kind_in_set"),
    ("segments", lambda r: r.update(speaker_id=None), "segments.turn_has_speaker"),
    ("documents", lambda r: r.update(language="english"), "documents.language_iso_639_1"),
    ("documents", lambda r: r.update(year=1850), "documents.year_in_range"),
    ("documents", lambda r: r.update(year=None), "documents.year_source_null_without_year"),
    ("documents", lambda r: r.update(doc_type="podcast"), "documents.doc_type_in_set"),
    ("appearances", lambda r: r.update(role="anchor"), "appearances.role_in_set"),
    ("removed", lambda r: r.update(reason=None), "removed.reason_not_null"),
    ("sentences", lambda r: r.update(char_start=-1), "sentences.char_start_minimum"),
])
def test_validate_row_failure_quarantines_only_its_document(
        table: str, mutate: Callable[[dict[str, Any]], None], rule: str) -> None:
    bad = make_doc("bad")
    mutate(bad[table][0])
    result = run(make_doc("good"), bad)
    assert result.ok, result.blocking
    assert list(result.quarantined) == ["bad"]
    assert any(rule in reason for reason in result.quarantined["bad"]), result.quarantined
    assert rule in only(result)


def test_validate_duplicate_key_quarantines() -> None:
    bad = make_doc("bad")
    bad["segments"][1]["seg_idx"] = 0
    result = run(make_doc("good"), bad)
    assert list(result.quarantined) == ["bad"]
    assert any("segments.key_unique" in r for r in result.quarantined["bad"])
    assert any("seg_idx_contiguous" in r for r in result.quarantined["bad"])  # and the frame check agrees


def test_validate_speaker_on_non_turn_quarantines() -> None:
    bad = make_doc("bad")
    bad["segments"][2]["speaker_id"] = "rachel-martin"
    result = run(make_doc("good"), bad)
    assert list(result.quarantined) == ["bad"]
    assert any("speaker_only_on_turns" in r for r in result.quarantined["bad"])


def test_validate_orphan_and_cross_table_faults_quarantine() -> None:
    bad = make_doc("bad")
    bad["sentences"].append({**bad["sentences"][0], "doc_id": "ghost"})  # orphan: no such document
    bad["documents"][0]["n_turns"] = 5  # disagrees with segments
    result = run(make_doc("good"), bad)
    assert result.ok, result.blocking
    assert set(result.quarantined) == {"bad", "ghost"}
    assert any("child_doc_exists" in r for r in result.quarantined["ghost"])
    assert any("document_counts" in r for r in result.quarantined["bad"])


def test_validate_coverage_gap_quarantines() -> None:
    bad = make_doc("bad")
    del bad["removed"][0]  # the page chrome is no longer accounted for
    result = run(make_doc("good"), bad)
    assert list(result.quarantined) == ["bad"]
    assert any("exact_coverage" in r for r in result.quarantined["bad"])


def test_validate_missing_column_blocks() -> None:
    frames = to_frames(make_doc())
    frames["segments"] = frames["segments"].drop(columns=["n_words"])
    result = validate_tables(frames, cross_checks=False)
    assert not result.ok
    assert any("segments.columns" in b for b in result.blocking)


def test_validate_failure_without_doc_id_blocks() -> None:
    frames = to_frames(make_doc("a"), make_doc("b"))
    frames["segments"].loc[0, "doc_id"] = None
    result = validate_tables(frames, cross_checks=False)
    assert any("segments.doc_id_not_null" in b for b in result.blocking)


def test_validate_table_without_documents_blocks() -> None:
    """speakers rows belong to no document: a bad one cannot be quarantined."""
    doc = make_doc()
    doc["speakers"][0]["kind"] = "robot"
    result = run(doc)
    assert not result.ok
    assert any("speakers.kind_in_set" in b for b in result.blocking)
    assert result.quarantined == {}


def test_validate_every_transcript_losing_its_turns_blocks() -> None:
    docs = [make_doc(f"d{i:02d}") for i in range(12)]
    for d in docs:
        for s in d["segments"]:
            s.update(kind="paragraph", speaker_id=None, speaker_label=None)
        d["appearances"] = []
        d["documents"][0]["n_turns"] = 0
    result = run(*docs)
    assert not result.ok
    assert any("documents.transcripts_with_turns_share" in b for b in result.blocking)
    assert "documents.transcript_has_turns" in only(result)


def test_validate_one_transcript_without_turns_in_small_run_is_quarantined_not_blocked() -> None:
    doc = make_doc("lone")
    for s in doc["segments"]:
        s.update(kind="paragraph", speaker_id=None, speaker_label=None)
    doc["appearances"] = []
    doc["documents"][0]["n_turns"] = 0
    result = run(doc, make_doc("other"))
    assert result.ok, result.blocking
    assert list(result.quarantined) == ["lone"]


def test_validate_mostly_unidentified_speakers_blocks() -> None:
    result = run(*[make_doc(f"u{i:02d}", unidentified=True) for i in range(30)])  # 60 turns, none identified
    assert any("segments.identified_turns_share" in b for b in result.blocking)
    assert result.quarantined == {}


def test_validate_too_many_quarantined_documents_blocks() -> None:
    docs = [make_doc(f"d{i:02d}") for i in range(10)]
    for d in docs[:3]:
        d["documents"][0]["language"] = "xx"
    result = run(*docs)
    assert len(result.quarantined) == 3
    assert any("would be quarantined" in b for b in result.blocking)
    assert validate_tables(to_frames(*docs), max_quarantined_share=0.5).ok


def test_validate_empty_tables_pass() -> None:
    frames = {name: pd.DataFrame(columns=TABLES[name].column_names) for name in TABLES}
    result = validate_tables(frames)
    assert result.ok, result.blocking
    assert result.suites_run == list(TABLES)


def test_validate_summary_and_markdown_name_the_expectation() -> None:
    bad = make_doc("bad")
    bad["segments"][0]["kind"] = "sidebar"
    result = run(make_doc("good"), bad)
    summary = json.loads(json.dumps(result.summary()))
    assert summary["quarantined_docs"] == 1 and summary["ok"] is True
    assert summary["expectations_failed"] >= 1 and summary["expectations_evaluated"] > 100
    assert any("segments.kind_in_set" in f for f in summary["failed_expectations"])
    report = result.to_markdown()
    assert "segments.kind is one of turn" in report and "`bad`" in report


# ---------------------------------------------------------------------------------------------- SQL level


def lake(*docs: Rows) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS lake")
    for name, frame in to_frames(*docs).items():
        con.execute(TABLES[name].ddl(f"lake.{name}"))
        if len(frame):
            con.register("f", frame)
            con.execute(f"INSERT INTO lake.{name} SELECT * FROM f")
            con.unregister("f")
    for name in ("rejects", "versions"):
        con.execute(TABLES[name].ddl(f"lake.{name}"))
    return con


def failing(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {c.name: c for c in sql_checks(con, "lake") if not c.passed}


def test_sql_checks_pass_on_consistent_lake() -> None:
    results = sql_checks(lake(make_doc("a"), make_doc("b")), "lake")
    assert [c.name for c in results] == list(CHECK_NAMES)
    assert all(c.passed for c in results), [c for c in results if not c.passed]


@pytest.mark.parametrize(("sql", "check"), [
    ("UPDATE lake.segments SET seg_idx = 7 WHERE doc_id = 'bad' AND seg_idx = 2", "seg_idx_contiguous"),
    ("UPDATE lake.sentences SET sent_idx = 1 WHERE doc_id = 'bad' AND seg_idx = 1", "sent_idx_contiguous"),
    ("UPDATE lake.removed SET char_end = 10000 WHERE doc_id = 'bad' AND reason = 'copyright'",
     "offsets_within_source"),
    ("UPDATE lake.mentions SET seg_idx = 1 WHERE doc_id = 'bad'", "within_parent_segment"),
    ("DELETE FROM lake.removed WHERE doc_id = 'bad' AND reason = 'copyright'", "exact_coverage"),
    ("UPDATE lake.removed SET char_end = char_end + 12 WHERE doc_id = 'bad' AND reason = 'page_chrome'",
     "exact_coverage"),  # now overlaps the first turn
    ("DELETE FROM lake.documents WHERE doc_id = 'bad'", "child_doc_exists"),
    ("DELETE FROM lake.sources WHERE doc_id = 'bad'", "document_has_source"),
    ("UPDATE lake.documents SET n_turns = 3 WHERE doc_id = 'bad'", "document_counts"),
    ("UPDATE lake.appearances SET n_turns = 2 WHERE doc_id = 'bad' AND role = 'host'", "appearances_match_turns"),
    ("DELETE FROM lake.speakers WHERE speaker_id = 'bad#unidentified-person'", "speaker_exists"),
    ("UPDATE lake.documents SET duplicate_of = 'nowhere' WHERE doc_id = 'bad'", "duplicate_of_exists"),
])
def test_sql_checks_catch_broken_rows_and_name_the_document(sql: str, check: str) -> None:
    con = lake(make_doc("good"), make_doc("bad"))
    con.execute(sql)
    failed = failing(con)
    assert check in failed, failed
    assert failed[check].doc_ids == ["bad"]
    assert failed[check].n_failing >= 1 and failed[check].sample
    # inside the publishing transaction nothing can be quarantined any more: a failure blocks (bar warnings)
    assert failed[check].blocking is (check != "duplicate_of_exists")
    before_publish = {c.name: c for c in sql_checks(con, "lake", quarantinable=True) if not c.passed}
    assert not before_publish[check].blocking and before_publish[check].doc_ids == ["bad"]


def test_sql_checks_unattributable_failure_blocks() -> None:
    con = lake(make_doc("good"))
    con.execute("INSERT INTO lake.speakers VALUES ('gone#unidentified-man', 'Unidentified Man', 'unidentified')")
    failed = failing(con)
    assert list(failed) == ["orphan_doc_scoped_speakers"]
    assert failed["orphan_doc_scoped_speakers"].blocking and failed["orphan_doc_scoped_speakers"].doc_ids == []
    assert [c.blocking for c in sql_checks(con, "lake", quarantinable=True) if not c.passed] == [True]


def test_sql_checks_blank_overlap_is_allowed() -> None:
    """Stretches may share blank characters (the newline between two turns): only non-blank ones count."""
    con = lake(make_doc("a"))
    con.execute("UPDATE lake.segments SET char_end = char_end + 1 WHERE seg_idx = 0")
    con.execute("UPDATE lake.segments SET char_start = char_start - 1 WHERE seg_idx = 1")
    assert failing(con) == {}
    con.execute("UPDATE lake.segments SET char_start = char_start - 2 WHERE seg_idx = 1")  # now shares a '.'
    assert failing(con)["exact_coverage"].doc_ids == ["a"]


def test_validate_version_runs_suites_and_sql_checks() -> None:
    con = lake(make_doc("good"), make_doc("bad"))
    con.execute("UPDATE lake.segments SET kind = 'sidebar' WHERE doc_id = 'bad' AND seg_idx = 2")
    con.execute("DELETE FROM lake.speakers WHERE speaker_id = 'bad#unidentified-person'")
    result = validate_version(con, "lake")
    assert result.suites_run == list(TABLES)
    assert len(result.checks) == len(CHECK_NAMES)
    assert list(result.quarantined) == ["bad"]
    reasons = " ".join(result.quarantined["bad"])
    assert "segments.kind_in_set" in reasons and "sql.speaker_exists" in reasons
    assert any("sql.speaker_exists" in b for b in result.blocking)  # a published version cannot quarantine


def test_validate_version_dangling_duplicate_of_only_warns() -> None:
    con = lake(make_doc("a"), make_doc("b"))
    con.execute("UPDATE lake.documents SET duplicate_of = 'removed-since' WHERE doc_id = 'b'")
    result = validate_version(con, "lake")
    assert result.ok and result.quarantined == {}
    assert [c.name for c in result.checks if not c.passed] == ["duplicate_of_exists"]


def test_validate_attribution_falls_back_to_ge_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the vectorized mask cannot reproduce GE's count, GE's own failing rows name the documents."""
    import transcripts.validate.checks as v

    def broken_mask(*_: Any) -> pd.Series:
        raise NotImplementedError

    monkeypatch.setattr(v, "_unexpected_mask", broken_mask)
    bad1, bad2 = make_doc("bad1"), make_doc("bad2")
    for d in (bad1, bad2):
        d["segments"][0]["char_end"] = d["segments"][1]["char_end"] = 0
    result = run(make_doc("good"), bad1, bad2)
    assert sorted(result.quarantined) == ["bad1", "bad2"]
    assert any("segments.offsets_ordered" in r for r in result.quarantined["bad1"])


@pytest.mark.parametrize("arrow_dtypes", [False, True])
def test_validate_frames_read_through_arrow(arrow_dtypes: bool) -> None:
    """Frames as the store hands them back (nullable ints as float, or Arrow-backed dtypes) validate alike."""
    import pyarrow as pa

    bad = make_doc("bad")
    bad["segments"][1]["kind"] = "sidebar"
    bad["documents"][0]["year"] = 3000
    frames = {n: pa.Table.from_pandas(f, preserve_index=False).to_pandas(
        types_mapper=pd.ArrowDtype if arrow_dtypes else None) for n, f in to_frames(make_doc("good"), bad).items()}
    result = validate_tables(frames)
    assert list(result.quarantined) == ["bad"], result.to_markdown()
    reasons = " ".join(result.quarantined["bad"])
    assert "segments.kind_in_set" in reasons and "documents.year_in_range" in reasons


def test_validate_arrow_tables_as_a_run_passes_them_find_the_same_faults() -> None:
    """The run validates its Arrow tables as they are (no pandas round trip for the SQL checks)."""
    import pyarrow as pa

    from transcripts.tables import arrow_schema

    bad = make_doc("bad")
    bad["segments"][1]["kind"] = "sidebar"
    del bad["removed"][0]  # a coverage gap: only the SQL checks see it
    bad["sentences"][0]["char_start"] = -1  # an int32 column, widened in Arrow for GE
    docs = (make_doc("good"), bad)
    frames = to_frames(*docs)
    tables = {name: pa.Table.from_pandas(frame, schema=arrow_schema(TABLES[name]), preserve_index=False)
              for name, frame in frames.items()}  # typed as the run's workers build them
    from_arrow, from_frames = validate_tables(tables), validate_tables(frames)
    assert from_arrow.quarantined == from_frames.quarantined
    assert list(from_arrow.quarantined) == ["bad"]
    reasons = " ".join(from_arrow.quarantined["bad"])
    assert "segments.kind_in_set" in reasons and "exact_coverage" in reasons
    assert "sentences.char_start_minimum" in reasons
    assert (from_arrow.evaluated, from_arrow.passed) == (from_frames.evaluated, from_frames.passed)
    assert from_arrow.failures == from_frames.failures  # counts and samples too


def test_sql_checks_blank_means_python_isspace() -> None:
    """The coverage check's notion of blank agrees with str.isspace() (NBSP, U+2028, \\x1c... included)."""
    from transcripts.validate.checks import _BLANK_RE

    chars = [chr(i) for i in range(0x3100) if not 0xD800 <= i < 0xE000]
    blank = duckdb.connect().execute(
        f"SELECT list_transform(?, x -> regexp_full_match(x, '{_BLANK_RE}'))", [chars]).fetchone()
    assert blank is not None
    assert [c for c, b in zip(chars, blank[0], strict=True) if b != c.isspace()] == []
