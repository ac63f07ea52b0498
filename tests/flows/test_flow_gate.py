"""Validation gates publishing, seen from a run: a broken document is quarantined and the rest published;
a broken run publishes nothing and the previous version stays current. Duplicate pages are marked."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from transcripts import pipeline
from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

Tables = dict[str, pa.Table]


def corrupt_batches(monkeypatch: pytest.MonkeyPatch, corrupt: Callable[[Tables], Tables]) -> None:
    """Make every batch the workers build go through `corrupt` (the threads runner shares this process)."""
    build = pipeline.process_batch_tables
    monkeypatch.setattr(pipeline, "process_batch_tables", lambda *args: corrupt(build(*args)))


def rows(lake: Path, sql: str) -> list[dict]:
    names, values = Lake(lake).query(sql)
    return [dict(zip(names, row, strict=True)) for row in values]


@pytest.fixture()
def pages(tmp_path: Path, seeds_dir: Path) -> Path:
    folder = tmp_path / "pages"
    shutil.copytree(seeds_dir, folder)
    return folder


def test_flow_gate_quarantines_only_the_broken_document(pages: Path, tmp_path: Path, prefect_harness: None,
                                                        cli, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = "001_00c285dc558d520c"

    def bad_kind(tables: Tables) -> Tables:
        segments = tables["segments"]
        kind = pc.if_else(pc.equal(segments["doc_id"], broken), pa.scalar("monologue"), segments["kind"])
        return {**tables, "segments": segments.set_column(segments.schema.get_field_index("kind"), "kind", kind)}

    corrupt_batches(monkeypatch, bad_kind)
    lake = tmp_path / "lake"
    code, stdout, stderr = cli("run", "--input", pages, "--lake", lake, "--runner", "threads", "--ner-model", "none",
                               "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["status"] == "published" and summary["quarantined"] == 1
    assert sorted(r["doc_id"] for r in rows(lake, "SELECT doc_id FROM documents")) == [
        "000_a2278f2a4c24a35c", "002_a7df522fb442f5e4"]
    assert rows(lake, f"SELECT count(*) AS n FROM segments WHERE doc_id = '{broken}'") == [{"n": 0}]
    # the publish proved the write held exactly the checked chunks' rows instead of checking them all again
    checks = {c["name"]: c for c in summary["validation"]["sql_checks"]}
    assert checks["write_reconciles"]["passed"] and checks["exact_coverage"]["scope"] == "chunks"
    [reject] = rows(lake, "SELECT doc_id, reason, detail FROM rejects")
    assert reject["doc_id"] == broken and reject["reason"] == "quarantined"
    assert "segments.kind_in_set" in reject["detail"]
    [report] = (lake / "reports").glob("*-v1.md")
    assert "segments.kind_in_set" in report.read_text()


def test_flow_gate_blocks_a_broken_run_and_keeps_the_previous_version(pages: Path, tmp_path: Path,
                                                                      prefect_harness: None, cli,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for page in sorted(pages.iterdir()):  # twelve pages: enough for the run-wide share rules to apply
        for copy in range(1, 4):
            (pages / f"{page.stem}-{copy}.txt").write_text(page.read_text("utf-8") + f"\n\nCopy {copy}.\n")
    lake = tmp_path / "lake"
    assert cli("run", "--input", pages, "--lake", lake, "--runner", "threads", "--ner-model", "none")[0] == 0
    before = rows(lake, "SELECT doc_id, seg_idx, kind, speaker_id FROM segments ORDER BY ALL")

    def no_turns(tables: Tables) -> Tables:  # every page loses its turns, as a broken segmenter would do
        segments = tables["segments"]
        is_turn = pc.equal(segments["kind"], "turn")
        segments = segments.set_column(segments.schema.get_field_index("kind"), "kind",
                                       pc.if_else(is_turn, pa.scalar("paragraph"), segments["kind"]))
        speaker = pc.if_else(is_turn, pa.scalar(None, pa.string()), segments["speaker_id"])
        return {**tables, "segments": segments.set_column(segments.schema.get_field_index("speaker_id"),
                                                           "speaker_id", speaker)}

    corrupt_batches(monkeypatch, no_turns)
    for page in pages.iterdir():  # new content, so that every page is processed again
        page.write_text(page.read_text("utf-8") + "\n\nA closing line.\n", "utf-8")
    code, stdout, stderr = cli("run", "--input", pages, "--lake", lake, "--runner", "threads", "--ner-model", "none",
                               "--json")
    assert code == 1, stderr
    summary = json.loads(stdout)
    assert summary["status"] == "blocked" and summary["validation"]["blocking"]
    [report] = (lake / "reports").glob("*-blocked.md")
    assert Path(summary["report_path"]) == report
    text = report.read_text()
    assert "version 1 stays current" in text and "8 of 12 documents would be quarantined" in text
    assert "segments | label_only_on_turns" in text  # and names the failed expectation
    assert Lake(lake).current_version() == 1
    assert rows(lake, "SELECT doc_id, seg_idx, kind, speaker_id FROM segments ORDER BY ALL") == before


def test_flow_gate_marks_a_copied_page_as_a_duplicate(pages: Path, tmp_path: Path, prefect_harness: None,
                                                      cli) -> None:
    original = "000_a2278f2a4c24a35c"
    shutil.copy(pages / f"{original}.txt", pages / "zz_copy.txt")
    lake = tmp_path / "lake"
    assert cli("run", "--input", pages, "--lake", lake, "--runner", "threads", "--ner-model", "none")[0] == 0
    marked = rows(lake, "SELECT doc_id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL")
    assert marked == [{"doc_id": "zz_copy", "duplicate_of": original}]
