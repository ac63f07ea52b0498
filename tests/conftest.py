"""Fixtures shared by every test module."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The shared golden answers live beside the project (../shared/golden); CI clones next to shared/ too.
GOLDEN = ROOT.parent / "shared" / "golden"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def golden() -> dict[str, dict]:
    """Golden answers keyed by the seed's file name."""
    if not GOLDEN.is_dir():
        pytest.skip(f"no golden files at {GOLDEN}")
    return {g["file"]: g for g in (json.loads(p.read_text("utf-8")) for p in sorted(GOLDEN.glob("*.json")))}


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session: starting one costs 10-20 s."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def cli():
    """Invoke the `transcripts` command in-process; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from transcripts.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


# A page function that hangs on pages whose path contains "slow": stands in for a step that never ends.
HANGS_ON_SLOW_PAGES = '''
import time
from transcripts.pipeline import process_file

def process(f, max_bytes):
    if "slow" in f.source_path:
        time.sleep(600)
    return process_file(f, max_bytes)
'''


@pytest.fixture
def hanging_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page workers run HANGS_ON_SLOW_PAGES instead of the steps (they import it from a module in tmp_path)."""
    from transcripts import worker

    helper = tmp_path / "hanging_helper"
    helper.mkdir()
    (helper / "hangs.py").write_text(HANGS_ON_SLOW_PAGES, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(helper), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(worker, "PAGE_FUNCTION", "hangs:process")
