"""A page over its time budget does not stall a run: it becomes a `too_slow` reject and the rest is published."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from transcripts import worker
from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

HANGS_ON_SLOW_PAGES = '''
import time
from transcripts.pipeline import process_file

def process(f, max_bytes):
    if "slow" in f.source_path:
        time.sleep(600)  # a step that never ends on this page
    return process_file(f, max_bytes)
'''


def test_flow_budget_slow_page_is_rejected_and_the_rest_published(tmp_path: Path, seeds_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   prefect_harness: None, cli) -> None:
    helper = tmp_path / "helper"
    helper.mkdir()
    (helper / "hangs.py").write_text(HANGS_ON_SLOW_PAGES, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(helper), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(worker, "PAGE_FUNCTION", "hangs:process")
    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    shutil.copy(next(seeds_dir.glob("*.txt")), pages / "slow.txt")
    code, stdout, stderr = cli("run", "--input", pages, "--lake", tmp_path / "lake", "--ner-model", "none",
                               "--page-timeout", "3", "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["status"] == "published" and summary["added"] == 3 and summary["rejected"] == 1
    con = Lake(tmp_path / "lake").reader()
    assert con.execute("SELECT source_path, reason FROM rejects").fetchall() == [("slow.txt", "too_slow")]
    assert worker._all_workers == []  # the run stopped its page workers
