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
