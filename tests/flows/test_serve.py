"""A schedule that fires from a fresh machine: `transcripts serve` with no Prefect server configured starts
one of its own, the schedule publishes a version without further steps, and Ctrl-C stops serve, its
server and any run in progress with one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from test_run_processes import MARK, processes_marked, wait_until_gone

from transcripts.store.lake import Lake, LakeError

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _published(lake: Lake) -> int | None:
    """The current version, or None while the first run has not yet created or published the lake (its
    catalog file appears before the catalog inside it)."""
    try:
        return lake.current_version() if lake.exists() else None
    except LakeError:
        return None


def test_serve_starts_its_own_server_publishes_on_schedule_and_stops_cleanly(tmp_path: Path) -> None:
    pages, lake_dir, home = tmp_path / "pages", tmp_path / "lake", tmp_path / "prefect-home"
    shutil.copytree(SEEDS, pages)
    home.mkdir()
    mark = uuid.uuid4().hex
    env = {**os.environ, MARK: mark, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    serve = subprocess.Popen([sys.executable, "-m", "transcripts.cli", "serve", "--interval", "5", "--input",
                              str(pages), "--lake", str(lake_dir), "--ner-model", "none"],
                             env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    lake = Lake(lake_dir)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and serve.poll() is None and _published(lake) is None:
            time.sleep(1)
        assert serve.poll() is None, serve.communicate()
        assert _published(lake) == 1, "the schedule published nothing within 300 s"
        assert any("prefect" in c and "server" in c for c in processes_marked(mark).values())
    finally:
        serve.send_signal(signal.SIGINT)
        _, stderr = serve.communicate(timeout=30)
    assert serve.returncode == 130
    assert "started a Prefect server at http://127.0.0.1:" in stderr  # it says which server it uses
    assert stderr.strip().splitlines()[-1].startswith("serve stopped")
    assert "Traceback" not in stderr
    assert wait_until_gone(mark) == {}, "serve left processes behind"
    assert Lake(lake_dir).current_version() == 1

