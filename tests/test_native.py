"""The compiled steps (transcripts.native): set-up builds them, a run uses them while they are current, never once a
source changed, and they give exactly the outputs of their sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import transcripts.steps.segment
from transcripts.native import MANIFEST, PURE_ENV, ROOT, is_compiled, stale_modules

HAS_COMPILER = shutil.which(os.environ.get("CC", "cc")) is not None
PURE_ASKED = os.environ.get(PURE_ENV, "") not in ("", "0")
needs_build = pytest.mark.skipif(not MANIFEST.is_file(), reason="the steps are not compiled here")
PAGES = ROOT / "tests" / "pages"


@pytest.mark.skipif(not HAS_COMPILER or PURE_ASKED, reason="no C compiler, or pure Python asked for")
def test_set_up_compiles_the_steps_where_there_is_a_compiler() -> None:
    assert MANIFEST.is_file(), "scripts/setup.sh did not compile the steps: see .venv/native-build.log"
    if not stale_modules():  # a developer's edit since the build runs from the sources (tested below)
        assert is_compiled(transcripts.steps.segment)


def _import_in(tree: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Import two steps from a copy of the package at `tree`; prints where each came from."""
    code = ("import transcripts.steps.segment as s, transcripts.rules.names as n; "
            "print(s.__file__); print(n.__file__)")
    return subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(tree), PURE_ENV: "", **(env or {})})


@pytest.fixture
def built_copy(tmp_path: Path) -> Path:
    """A copy of the package with its compiled steps and build record, as set-up leaves it."""
    if stale_modules():
        pytest.skip("the build here is older than the sources")
    for package in ("transcripts", "schemas"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@needs_build
def test_current_build_is_used_quietly(built_copy: Path) -> None:
    done = _import_in(built_copy)
    assert done.returncode == 0, done.stderr
    assert all(line.endswith(".so") for line in done.stdout.split()), done.stdout
    assert "older than" not in done.stderr


@needs_build
def test_a_changed_source_sends_every_step_back_to_the_sources(built_copy: Path) -> None:
    edited = built_copy / "transcripts" / "rules" / "dates.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    done = _import_in(built_copy)
    assert done.returncode == 0, done.stderr
    # not only the edited module: compiled modules call each other directly, so none may stay compiled
    assert all(line.endswith(".py") for line in done.stdout.split()), done.stdout
    assert "older than transcripts.rules.dates" in done.stderr and "setup.sh" in done.stderr


@needs_build
def test_a_damaged_build_record_sends_the_steps_back_to_the_sources(built_copy: Path) -> None:
    (built_copy / MANIFEST.relative_to(ROOT)).write_text("{not json", encoding="utf-8")
    done = _import_in(built_copy)
    assert all(line.endswith(".py") for line in done.stdout.split()), done.stdout


@needs_build
def test_pure_python_on_request(built_copy: Path) -> None:
    done = _import_in(built_copy, {PURE_ENV: "1"})
    assert all(line.endswith(".py") for line in done.stdout.split()), done.stdout
    assert done.stderr == ""


def _snapshot(out: Path, pure: bool) -> dict[str, object]:
    subprocess.run([sys.executable, str(ROOT / "bench" / "bench_steps.py"), str(PAGES), str(PAGES / "layouts" / "docs"),
                    str(ROOT / "seeds"), "--snapshot", str(out)], check=True, capture_output=True, timeout=600,
                   env={**os.environ, PURE_ENV: "1" if pure else ""})
    outputs: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return outputs


@needs_build
def test_compiled_steps_give_the_outputs_of_their_sources(tmp_path: Path) -> None:
    if stale_modules():
        pytest.skip("the build here is older than the sources")
    compiled = _snapshot(tmp_path / "compiled.json", pure=False)
    assert len(compiled) >= 10
    assert compiled == _snapshot(tmp_path / "pure.json", pure=True)
