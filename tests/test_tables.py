"""Assembling step results into the tables' rows: typed by the schemas, one bad page costs only itself."""

from __future__ import annotations

from pathlib import Path

import pytest

import transcripts.tables
from schemas import TABLES
from transcripts import pipeline
from transcripts.model import Labeled, Reject
from transcripts.tables import (
    SchemaMismatch,
    arrow_schema,
    batch_tables,
    concat_batches,
    mark_duplicates,
    reject_row,
    to_arrow,
)


@pytest.fixture(scope="module")
def seed_results(seeds_dir: Path) -> list:
    return pipeline.process_batch(pipeline.scan_input(seeds_dir))


def test_tables_batch_tables_follow_the_declared_schemas(seed_results: list) -> None:
    tables = batch_tables(seed_results, "v")
    assert set(tables) == set(TABLES) - {"versions"}
    for name, table in tables.items():
        assert table.schema == arrow_schema(TABLES[name]), name
    assert tables["documents"].num_rows == 3 and tables["segments"].num_rows > 0


def test_tables_a_page_whose_rows_cannot_be_built_becomes_a_stage_error(seed_results: list,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    build = transcripts.tables.document_columns
    broken = seed_results[1].source.doc_id

    def fragile(page: Labeled, version: str) -> dict:
        if page.source.doc_id == broken:
            raise ValueError("bad offsets")
        return build(page, version)

    monkeypatch.setattr(transcripts.tables, "document_columns", fragile)
    tables = batch_tables(seed_results, "v")
    assert broken not in tables["documents"]["doc_id"].to_pylist()
    assert tables["documents"].num_rows == 2
    [reject] = tables["rejects"].to_pylist()
    assert reject["doc_id"] == broken and reject["reason"] == "stage_error" and "bad offsets" in reject["detail"]
    assert reject["source_sha256"] == seed_results[1].source.sha256


def test_tables_concat_batches_keeps_one_row_per_speaker(seed_results: list) -> None:
    part = batch_tables(seed_results, "v")
    tables = concat_batches([part, part])
    assert tables["segments"].num_rows == 2 * part["segments"].num_rows
    ids = tables["speakers"]["speaker_id"].to_pylist()
    assert sorted(ids) == sorted(set(part["speakers"]["speaker_id"].to_pylist()))


def test_tables_mark_duplicates_points_a_copy_at_the_first_document(seed_results: list) -> None:
    documents = batch_tables(seed_results, "v")["documents"]
    first_by_body = {documents["body_sha256"][2].as_py(): "an-earlier-page"}
    marked = mark_duplicates(documents, first_by_body)
    duplicate_of = dict(zip(marked["doc_id"].to_pylist(), marked["duplicate_of"].to_pylist(), strict=True))
    assert list(duplicate_of.values()) == [None, None, "an-earlier-page"]
    assert first_by_body[documents["body_sha256"][0].as_py()] == documents["doc_id"][0].as_py()  # remembered


def test_tables_rows_must_have_exactly_the_declared_columns() -> None:
    row = {c: None for c in TABLES["speakers"].column_names}
    assert to_arrow("speakers", [dict(row, speaker_id="ann", name="Ann", kind="person")]).num_rows == 1
    with pytest.raises(SchemaMismatch, match=r"missing \['kind'\], unexpected \[\]"):
        to_arrow("speakers", [{"speaker_id": "ann", "name": "Ann"}])  # never a column of nulls
    with pytest.raises(SchemaMismatch, match=r"unexpected \['nickname'\]"):
        to_arrow("speakers", [dict(row, nickname="A")])


def test_tables_row_takes_declared_columns_from_the_step_output() -> None:
    reject = Reject("a.txt", "a", "empty", "no text", "0" * 64, 0)
    assert reject_row(reject, "v") == {"source_path": "a.txt", "doc_id": "a", "source_sha256": "0" * 64,
                                       "source_bytes": 0, "reason": "empty", "detail": "no text",
                                       "pipeline_version": "v"}
    with pytest.raises(SchemaMismatch, match=r"no value for speakers\.kind"):
        transcripts.tables.row("speakers", reject, speaker_id="x", name="X")
    with pytest.raises(SchemaMismatch, match=r"no column \['colour'\]"):
        transcripts.tables.row("rejects", reject, pipeline_version="v", colour="red")


def test_tables_columns_give_each_item_its_row_and_refuse_misaligned_values() -> None:
    rejects = [Reject(f"{n}.txt", n, "empty", "no text", None, 0) for n in ("a", "b")]
    built = transcripts.tables.columns("rejects", rejects, pipeline_version="v")
    assert built["doc_id"] == ["a", "b"] and built["pipeline_version"] == ["v", "v"]
    with pytest.raises(SchemaMismatch, match=r"1 values of rejects\.detail for 2 rows"):
        transcripts.tables.columns("rejects", rejects, pipeline_version="v", detail=transcripts.tables.PerRow(["x"]))
