"""Prefect's temporary server as a run starts it: in its own process while the run imports what it needs,
on another port when its port is taken, not at all when an API is configured, and one line with exit
status 3 when it cannot start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from transcripts import runtime

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parents[1] / "seeds"  # the project's own copy of the three seeds


def run_cli(*args: str, cwd: Path, env: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    """`transcripts ARGS` in `cwd`; a None in `env` removes that variable."""
    merged = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **env}
    return subprocess.run([sys.executable, "-m", "transcripts.cli", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600,
                          env={name: value for name, value in merged.items() if value is not None})


def test_runtime_server_that_cannot_start_is_one_line_and_exit_3(tmp_path: Path) -> None:
    broken = f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/prefect.db"
    done = run_cli("run", "--input", str(SEEDS), "--lake", str(tmp_path / "lake"), "--ner-model", "none",
                   cwd=tmp_path, env={"PREFECT_API_URL": "", "PREFECT_API_DATABASE_CONNECTION_URL": broken})
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("cannot start: Prefect's temporary server did not start:")
    assert "unable to open database file" in last
    assert not (tmp_path / "lake").exists() or not any((tmp_path / "lake").rglob("*.parquet"))


def test_runtime_server_takes_another_port_when_its_port_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        ports = iter([busy])
        free_port = runtime._free_port
        monkeypatch.setattr(runtime, "_free_port", lambda: next(ports, None) or free_port())
        server = runtime.TemporaryServer()
        try:
            assert server.port == busy
            server.wait()
            assert server.port != busy and runtime._healthy(server.api_url)
            process = server.process
        finally:
            server.stop()
    assert process is not None and process.poll() is not None  # stopped, not left behind


def test_runtime_api_configured_in_prefect_toml_is_used(tmp_path: Path, prefect_harness: None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    (tmp_path / "prefect.toml").write_text(f'[api]\nurl = "{PREFECT_API_URL.value()}"\n')
    with get_client(sync_client=True) as client:
        before = len(client.read_flow_runs())
        done = run_cli("run", "--input", str(SEEDS), "--lake", str(tmp_path / "lake"), "--ner-model", "none",
                       cwd=tmp_path, env={"PREFECT_API_URL": None})
        assert done.returncode == 0, done.stderr
        assert len(client.read_flow_runs()) == before + 1  # the run was recorded by the configured server
