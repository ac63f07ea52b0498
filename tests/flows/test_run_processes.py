"""No process outlives its run: a run killed with SIGKILL (its whole process group, as a terminal or a
scheduler does) leaves neither its Prefect server nor its page workers behind, and Ctrl-C stops a run within
5 s with one line and exit status 130, the previous version current."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

MAKE_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "tools" / "make_corpus.py"
MARK = "TRANSCRIPTS_TEST_RUN_MARK"


def processes_marked(mark: str) -> dict[int, str]:
    """pid -> command line of every live process whose environment carries the mark (a run passes its
    environment to everything it starts)."""
    found: dict[int, str] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if f"{MARK}={mark}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                status = (proc / "status").read_text()
                if "zombie" not in status:
                    found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return found


def start_run(pages: Path, lake: Path, mark: str) -> subprocess.Popen[str]:
    env = {**os.environ, MARK: mark, "PREFECT_API_URL": ""}
    return subprocess.Popen([sys.executable, "-m", "transcripts.cli", "run", "--input", str(pages), "--lake",
                             str(lake), "--ner-model", "none", "--batch-size", "5"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def wait_for_page_workers(run: subprocess.Popen[str], mark: str, timeout: float = 240) -> dict[int, str]:
    """The run's processes once its server and a page worker are up (the run is processing pages)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        procs = processes_marked(mark)
        if any("transcripts.worker" in c for c in procs.values()) and any("uvicorn" in c for c in procs.values()):
            return procs
        time.sleep(0.2)
    raise AssertionError(f"the run never reached its pages (exit {run.poll()}): {run.stderr and run.stderr.read()}")


def wait_until_gone(mark: str, timeout: float = 15) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while (left := processes_marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"no {MAKE_CORPUS}")
    folder = tmp_path_factory.mktemp("procs") / "pages"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder), "--n", "400", "--seed", "11"], check=True,
                   capture_output=True)
    return folder


def test_run_processes_sigkill_leaves_no_process_and_the_next_run_succeeds(corpus: Path, tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    run = start_run(corpus, tmp_path / "lake", mark)
    started = wait_for_page_workers(run, mark)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert wait_until_gone(mark) == {}, f"left behind: {started}"
    again = start_run(corpus, tmp_path / "lake", mark)
    _, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr
    assert Lake(tmp_path / "lake").current_version() == 1 and wait_until_gone(mark) == {}


def test_run_processes_ctrl_c_stops_within_5_s_with_one_line(corpus: Path, tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    run = start_run(corpus, tmp_path / "lake", mark)
    wait_for_page_workers(run, mark)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal sends to the foreground process group
    interrupted = time.monotonic()
    _, stderr = run.communicate(timeout=30)
    assert time.monotonic() - interrupted < 5
    assert run.returncode == 130
    lines = [line for line in stderr.splitlines() if line.strip() and line != "starting Prefect..."]
    assert len(lines) == 1 and lines[0].startswith("interrupted"), stderr  # one line besides the start
    assert wait_until_gone(mark) == {}
    assert Lake(tmp_path / "lake").current_version() is None  # nothing was published
