"""A lake published from the seeds (steps, validation and SQL checks, without Prefect) in two versions:
version 1 has the three seed pages and an empty file (a reject); version 2 has the third page removed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from transcripts import pipeline
from transcripts.store.lake import Changes, Lake
from transcripts.tables import batch_tables

REMOVED_IN_V2 = "002_a7df522fb442f5e4"
SHOWN = "001_00c285dc558d520c"


def _publish(lake: Lake, input_dir: Path, replace: set[str]) -> int:
    from transcripts.validate.checks import sql_checks, validate_tables

    version = pipeline.pipeline_version("none")
    files = pipeline.scan_input(input_dir)
    tables = batch_tables(pipeline.process_batch(files), version)
    result = validate_tables({name: t.to_pandas() for name, t in tables.items()})
    outcome = lake.publish(Changes(replace_doc_ids=replace, rows=dict(tables), version_row={
        "pipeline_version": version, "docs_added": len(files), "docs_changed": 0, "docs_removed": len(replace),
        "validation": result.summary(), "input_sha256": pipeline.manifest_hash(files),
        "message": f"test publish of {len(files)} files"}), check=sql_checks)
    assert outcome.version is not None, outcome.report
    return outcome.version


@pytest.fixture(scope="session")
def seeds_lake(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("analyst")
    pages = root / "pages"
    shutil.copytree(seeds_dir, pages)
    (pages / "empty.txt").write_text("  \n", encoding="utf-8")
    lake = Lake(root / "output")
    _publish(lake, pages, set())
    (pages / f"{REMOVED_IN_V2}.txt").unlink()
    _publish(lake, pages, {REMOVED_IN_V2})
    return {"root": root, "lake": lake, "dir": root / "output"}
