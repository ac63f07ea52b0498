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
GOLDEN = Path(os.environ.get("TRANSCRIPTS_GOLDEN") or ROOT.parent / "shared" / "golden")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def golden_missing_message(folder: Path = GOLDEN) -> str:
    return f"golden tests not run: no golden files at {folder} (../shared is missing beside the project)"


def load_golden(folder: Path, ci: bool) -> dict[str, dict]:
    """Golden answers keyed by the seed's file name; skips (fails in CI) when the folder is missing."""
    if not folder.is_dir():
        if ci:  # CI has ../shared: its absence there is a broken checkout, not a user's clone
            pytest.fail(golden_missing_message(folder) + "; CI=true requires them", pytrace=False)
        pytest.skip(golden_missing_message(folder))
    return {g["file"]: g for g in (json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json")))}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say so at the end of every run when the golden tests could not run, instead of a silent skip."""
    if not GOLDEN.is_dir():
        terminalreporter.write_sep("=", golden_missing_message(), yellow=True, bold=True)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def golden() -> dict[str, dict]:
    """Golden answers keyed by the seed's file name."""
    return load_golden(GOLDEN, in_ci())


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
