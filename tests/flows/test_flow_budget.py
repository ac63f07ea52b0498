"""A page over its time budget does not stall a run: it becomes a `too_slow` reject and the rest is published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from transcripts import worker
from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

def test_flow_budget_slow_page_is_rejected_and_the_rest_published(tmp_path: Path, seeds_dir: Path,
                                                                   hanging_pages: None, prefect_harness: None,
                                                                   cli) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    shutil.copy(next(seeds_dir.glob("*.txt")), pages / "slow.txt")
    # threads: the page workers are this process's, started with the hanging page function
    code, stdout, stderr = cli("run", "--input", pages, "--lake", tmp_path / "lake", "--runner", "threads",
                               "--ner-model", "none", "--page-timeout", "3", "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["status"] == "published" and summary["added"] == 3 and summary["rejected"] == 1
    con = Lake(tmp_path / "lake").reader()
    assert con.execute("SELECT source_path, reason FROM rejects").fetchall() == [("slow.txt", "too_slow")]
    assert worker._all_workers == []  # the run stopped its page workers
