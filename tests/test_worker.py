"""The per-page time budget: a page over it is stopped (its worker process killed and replaced) and becomes a
`too_slow` reject, and the pages after it are processed as usual."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transcripts import pipeline, worker
from transcripts.model import Labeled, Reject


@pytest.fixture
def slow_pages(tmp_path: Path, hanging_pages: None) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a.txt", "slow.txt", "z.txt"):
        (pages / name).write_text("HOST: Good morning.\n\nGUEST: Good morning to you.\n", encoding="utf-8")
    return pages


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


def test_worker_page_over_budget_becomes_too_slow_and_the_rest_goes_on(slow_pages: Path) -> None:
    files = pipeline.scan_input(slow_pages)
    try:
        first = worker.thread_worker()
        results = pipeline.process_batch(files, page_timeout=2.0)
        assert first.proc is not None  # replaced after the slow page, and used for z.txt
    finally:
        worker.stop_all()
    a, slow, z = results
    assert isinstance(a, Labeled) and isinstance(z, Labeled)
    assert isinstance(slow, Reject) and slow.reason == "too_slow" and "--page-timeout" in slow.detail
    assert slow.source_sha256 == files[1].sha256  # the next run retries it only when the file changes


def test_worker_stopped_on_a_slow_page_leaves_no_process(slow_pages: Path) -> None:
    (slow,) = [f for f in pipeline.scan_input(slow_pages) if f.source_path == "slow.txt"]
    page_worker = worker.PageWorker(worker.PAGE_FUNCTION)
    try:
        page_worker._start()
        assert page_worker.proc is not None
        pid = page_worker.proc.pid
        out = page_worker.run(slow, pipeline.DEFAULT_MAX_BYTES, 1.0)
    finally:
        page_worker.stop()
    assert isinstance(out, Reject) and out.reason == "too_slow"
    assert not alive(pid)


def test_worker_without_budget_runs_pages_in_process(slow_pages: Path) -> None:
    files = [f for f in pipeline.scan_input(slow_pages) if f.source_path != "slow.txt"]
    results = pipeline.process_batch(files, page_timeout=0)
    assert all(isinstance(r, Labeled) for r in results) and worker._all_workers == []


def test_worker_batch_tables_keep_the_pages_before_a_slow_one(slow_pages: Path) -> None:
    files = pipeline.scan_input(slow_pages)
    try:
        tables = pipeline.process_batch_tables(files, "v", page_timeout=2.0)
    finally:
        worker.stop_all()
    # a.txt's rows died with the worker stopped on slow.txt: they were built again by the next one
    assert tables["documents"]["doc_id"].to_pylist() == ["a", "z"]
    assert tables["rejects"].select(["source_path", "reason"]).to_pylist() == [
        {"source_path": "slow.txt", "reason": "too_slow"}]
    assert tables["segments"].num_rows == 4


def test_worker_prestarted_is_taken_by_the_first_thread_that_runs_pages(slow_pages: Path) -> None:
    import threading

    files = [f for f in pipeline.scan_input(slow_pages) if f.source_path != "slow.txt"]
    out: dict[str, object] = {}

    def run_pages() -> None:
        out["tables"] = pipeline.process_batch_tables(files, "v", page_timeout=30.0)
        out["worker"] = worker.thread_worker()

    try:
        worker.prestart(1)
        ((_, warm),) = worker._warm
        thread = threading.Thread(target=run_pages)
        thread.start()
        thread.join()
        assert out["worker"] is warm and worker._warm == []  # no second process was started for the thread
        assert warm.proc is not None
        pid = warm.proc.pid
    finally:
        worker.stop_all()
    assert out["tables"]["documents"]["doc_id"].to_pylist() == ["a", "z"]  # type: ignore[index]
    assert not alive(pid)


def test_worker_prestarted_and_never_used_stops_with_the_run() -> None:
    try:
        worker.prestart(2)
        pids = [w.proc.pid for _, w in worker._warm if w.proc is not None]
        assert len(pids) == 2
    finally:
        worker.stop_all()
    assert worker._warm == [] and not any(alive(pid) for pid in pids)


PROBES_PANDAS = '''
import sys
import pyarrow as pa
from transcripts.model import Reject

def process(f, max_bytes):
    pa.array(["a list, as the page workers' tables are built"])
    return Reject(f.source_path, f.doc_id, "stage_error", str("pandas" in sys.modules), f.sha256, f.n_bytes)
'''


def test_worker_builds_arrow_arrays_without_loading_pandas(slow_pages: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    helper = tmp_path / "probe_helper"
    helper.mkdir()
    (helper / "probes.py").write_text(PROBES_PANDAS, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(helper), os.environ.get("PYTHONPATH", "")]))
    (page,) = [f for f in pipeline.scan_input(slow_pages) if f.source_path == "a.txt"]
    page_worker = worker.PageWorker("probes:process")
    try:
        out = page_worker.run(page, pipeline.DEFAULT_MAX_BYTES, 30.0)
    finally:
        page_worker.stop()
    assert isinstance(out, Reject) and out.detail == "False"  # pyarrow asked for pandas, and went on without it


def test_worker_runs_below_the_run_so_its_validation_thread_goes_first() -> None:
    page_worker = worker.PageWorker(worker.PAGE_FUNCTION)
    try:
        page_worker._start()
        assert page_worker.proc is not None
        niceness = os.getpriority(os.PRIO_PROCESS, page_worker.proc.pid)
    finally:
        page_worker.stop()
    assert niceness == min(19, os.getpriority(os.PRIO_PROCESS, 0) + worker.NICENESS)
