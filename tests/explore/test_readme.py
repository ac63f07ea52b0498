"""The README's analyst recipes, run verbatim from a folder laid out like the repository after the quickstart
(`.venv` and a published `output/`)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent


def readme_block(tag: str) -> str:
    """The code block that follows `<!-- tested: TAG -->` in the README."""
    text = (ROOT / "README.md").read_text("utf-8")
    match = re.search(rf"<!-- tested: {re.escape(tag)} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert match, f"README has no block tagged {tag}"
    return match.group(1)


@pytest.fixture(scope="module")
def clone(seeds_lake: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clone")
    (folder / ".venv").symlink_to(VENV)
    (folder / "output").symlink_to(seeds_lake["dir"])
    return folder


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", PATH=f"{VENV / 'bin'}:{os.environ['PATH']}")
    env.pop("TRANSCRIPTS_EXTENSION_DIR", None)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_readme_plain_duckdb_python_recipe(clone: Path) -> None:
    run = _run([sys.executable, "-c", readme_block("duckdb-python")], clone)
    assert run.returncode == 0, run.stderr
    assert re.search(r"turn\s+│\s+\d+", run.stdout), run.stdout


def test_readme_duckdb_cli_recipe(clone: Path) -> None:
    run = _run(["bash", "-c", readme_block("duckdb-cli")], clone)
    assert run.returncode == 0, run.stderr
    assert "001_00c285dc558d520c" in run.stdout and "Xi-Putin meeting" in run.stdout


@pytest.mark.slow  # five CLI processes
def test_readme_analyst_commands(clone: Path) -> None:
    for line in readme_block("analyst-commands").splitlines():
        command = line.split("  #")[0].strip()
        run = _run(shlex.split(command), clone)
        assert run.returncode == 0, f"{command}: {run.stderr}"
        assert run.stdout.strip(), command
    assert (clone / "report.html").stat().st_size > 100_000
