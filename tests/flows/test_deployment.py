"""`prefect.yaml` as the README uses it: `prefect deploy --all` with a process work pool, then a worker,
publishes a version. Guards the deployment file and the README's worker commands against drift."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transcripts.runtime import owned_prefect_server
from transcripts.store.lake import Lake

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _prefect(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> str:
    done = subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", *args], env=env, cwd=cwd, text=True,
                          capture_output=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_prefect_deploy_all_with_a_process_pool_publishes_a_version(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    home, lake_dir = tmp_path / "prefect-home", tmp_path / "lake"
    home.mkdir()
    monkeypatch.setenv("PREFECT_HOME", str(home))  # the owned server's database lives here, not in ~/.prefect
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with owned_prefect_server() as api_url:
        env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        _prefect(["work-pool", "create", "transcripts", "--type", "process"], env, ROOT)
        deployed = _prefect(["deploy", "--all"], env, ROOT)
        assert "transcripts-run/transcripts-scheduled" in deployed
        _prefect(["deployment", "run", "transcripts-run/transcripts-scheduled",
                  "--param", f"input_dir={ROOT / 'seeds'}", "--param", f"lake_dir={lake_dir}",
                  "--param", "ner_model=none"], env, ROOT)
        # the worker runs elsewhere: the deployment's pull step takes it to the project folder
        _prefect(["worker", "start", "--pool", "transcripts", "--run-once"], env, tmp_path, timeout=600)
    lake = Lake(lake_dir)
    assert lake.current_version() == 1
    assert lake.query("SELECT count(*) FROM documents")[1] == [(3,)]
