"""A run's publish checks cost in proportion to what the version changed, yet a faulty write still blocks the
publish and `validate --version` still audits every document."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from test_validate import Rows, make_doc, to_frames

from transcripts.store.lake import Lake
from transcripts.store.publish import Publication, PublishResult
from transcripts.validate.checks import CHECK_NAMES, publish_checks, validate_version

VERSION_ROW = {"pipeline_version": "1", "docs_added": 0, "docs_changed": 0, "docs_removed": 0,
               "input_sha256": "abc", "message": "test"}


def chunk(*docs: Rows) -> dict[str, Any]:
    return dict(to_frames(*docs))


def publish(lake: Lake, *chunks: dict[str, Any], replace: tuple[str, ...] = (), fault: Any = None) -> PublishResult:
    """Publish as a run does: replace, insert chunk by chunk, commit with publish_checks. `fault(pub)` runs
    before the commit (a write gone wrong)."""
    with lake.publication() as pub:
        pub.replace(replace, [])
        for rows in chunks:
            pub.insert(rows)
        if fault is not None:
            fault(pub)
        return pub.commit(VERSION_ROW, check=functools.partial(publish_checks, written=pub.written))


def scopes(result: PublishResult) -> dict[str, str]:
    return {c["name"]: c["scope"] for c in result.checks}


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    lk = Lake(tmp_path / "lake")
    lk.init()
    assert publish(lk, chunk(make_doc("a"), make_doc("b")), chunk(make_doc("c"))).version == 1
    return lk


def test_publish_records_what_each_check_ran_over(lake: Lake) -> None:
    result = publish(lake, chunk(make_doc("b")), replace=("b", "c"))  # b changed, c removed
    assert result.version == 2, result.report
    assert list(scopes(result)) == ["write_reconciles", *CHECK_NAMES]
    assert scopes(result)["write_reconciles"] == "version"
    assert scopes(result)["exact_coverage"] == "chunks"  # each chunk's rows were checked before the write
    assert scopes(result)["child_doc_exists"] == "version"
    assert scopes(result)["speaker_exists"] == "version"
    con = lake.reader()
    row = con.execute("SELECT validation FROM versions WHERE version = 2").fetchone()
    con.close()
    assert row is not None
    stored = json.loads(row[0])
    assert [c["scope"] for c in stored["sql_checks"]] == list(scopes(result).values())


def test_incremental_publish_does_not_read_unchanged_documents_again(lake: Lake) -> None:
    """An unchanged document whose coverage is broken (published without checks) is not read again by a later
    run's publish; `validate --version` still finds it."""
    broken = make_doc("old")
    del broken["removed"][1]  # the copyright line is no longer covered
    with lake.publication() as pub:
        pub.insert(chunk(broken))
        assert pub.commit(VERSION_ROW).version == 2
    result = publish(lake, chunk(make_doc("b")), replace=("b",))
    assert result.version == 3, result.report
    assert scopes(result)["exact_coverage"] == "chunks"
    con = lake.reader(sandboxed=False)
    audit = validate_version(con, lake.catalog_name)  # as `transcripts validate --version 3` does
    con.close()
    assert [c.name for c in audit.checks] == list(CHECK_NAMES)
    assert {c.scope for c in audit.checks} == {"version"}
    assert [(c.name, c.doc_ids) for c in audit.checks if not c.passed] == [("exact_coverage", ["old"])]


def _insert_again(pub: Publication) -> None:
    pub.insert(chunk(make_doc("d")))


def _unchanged_rows_deleted(pub: Publication) -> None:
    pub.con.execute("DELETE FROM lake.sentences WHERE doc_id = 'a' AND seg_idx = 2")


def _old_rows_back(pub: Publication) -> None:
    # as if the replace had missed one of b's old segments (they equal its new ones)
    pub.con.execute("INSERT INTO lake.segments SELECT * FROM lake.segments WHERE doc_id = 'b' AND seg_idx = 2")


def _quarantined_rows(pub: Publication) -> None:
    pub.con.execute("INSERT INTO lake.sentences SELECT * REPLACE ('q' AS doc_id) FROM lake.sentences "
                    "WHERE doc_id = 'a'")


@pytest.mark.parametrize(("fault", "says"), [
    (_insert_again, "d: inserted in more than one chunk"),
    (_unchanged_rows_deleted, "sentences: 5 rows of the other documents, 6 before"),
    (_old_rows_back, "segments: 7 rows of the touched documents, 6 inserted"),
    (_quarantined_rows, "sentences: 9 rows of the other documents, 6 before"),
], ids=["chunk inserted twice", "unchanged rows deleted", "old rows left behind", "quarantined rows written"])
def test_a_faulty_write_blocks_the_publish(lake: Lake, fault: Any, says: str) -> None:
    blocked = publish(lake, chunk(make_doc("b"), make_doc("d")), replace=("b",), fault=fault)
    assert blocked.blocked and blocked.version is None
    reconciles = next(c for c in blocked.checks if c["name"] == "write_reconciles")
    assert says in reconciles["sample"], reconciles["sample"]
    assert lake.current_version() == 1


def test_old_rows_of_a_document_inserted_without_its_replace_block(lake: Lake) -> None:
    blocked = publish(lake, chunk(make_doc("b")))  # b's rows are still there: the run forgot to replace it
    assert blocked.blocked
    assert "documents: 2 rows of the touched documents, 1 inserted" in blocked.failures[0]
