"""The golden tests never skip silently: a missing ../shared is named in the summary, and fails in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, load_golden


def test_golden_missing_skips_with_the_reason_outside_ci(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="golden tests not run: no golden files at"):
        load_golden(tmp_path / "nowhere", ci=False)


def test_golden_missing_fails_in_ci(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true requires them"):
        load_golden(tmp_path / "nowhere", ci=True)


def test_golden_present_loads_answers_by_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"file": "a.txt", "turns": []}', encoding="utf-8")
    assert load_golden(tmp_path, ci=True) == {"a.txt": {"file": "a.txt", "turns": []}}


def test_golden_missing_is_named_in_the_terminal_summary(tmp_path: Path) -> None:
    env = {**os.environ, "TRANSCRIPTS_GOLDEN": str(tmp_path / "nowhere")}
    env.pop("CI", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/test_golden_guard.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "golden tests not run: no golden files at" in done.stdout
