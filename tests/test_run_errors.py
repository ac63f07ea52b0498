"""Every documented error path of `run` and `serve`, as a user meets it: one line on stderr, the documented exit
status, never a traceback, and nothing started (no Prefect server) before the mistake is reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from transcripts.store.lake import Lake

CLI = [sys.executable, "-m", "transcripts.cli"]


def transcripts(*args: object, env: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, str, float]:
    """Exit status, stderr and seconds of one `transcripts` command in its own process."""
    started = time.monotonic()
    done = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PREFECT_API_URL": "", **(env or {})})
    return done.returncode, done.stderr, time.monotonic() - started


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("errors") / "pages"
    shutil.copytree(seeds_dir, folder)
    return folder


def error_cases(pages: Path, tmp: Path) -> list[tuple[str, list[object], dict[str, str], int, str]]:
    """(what, arguments, environment, exit status, text the one line must hold)."""
    lake = tmp / "lake"
    return [
        ("missing input", ["run", "--input", tmp / "nope", "--lake", lake], {}, 2, "does not exist"),
        ("input is a file", ["run", "--input", pages / "001_00c285dc558d520c.txt", "--lake", lake], {}, 2,
         "not a folder"),
        ("unknown runner", ["run", "--input", pages, "--lake", lake, "--runner", "gpu"], {}, 2, "unknown runner"),
        ("lake inside input", ["run", "--input", pages, "--lake", pages / "lake"], {}, 2,
         "inside the input folder"),
        ("input inside lake", ["run", "--input", lake / "pages", "--lake", lake], {}, 2, "inside the lake"),
        ("missing NER model", ["run", "--input", pages, "--lake", lake, "--ner-model", "no_such_model"], {}, 3,
         "--ner-model none"),
        ("missing NER model from env", ["run", "--input", pages, "--lake", lake],
         {"TRANSCRIPTS_SPACY_MODEL": "no_such_model"}, 3, "$TRANSCRIPTS_SPACY_MODEL"),
        ("serve, missing input", ["serve", "--input", tmp / "nope", "--lake", lake], {}, 2, "does not exist"),
        ("serve, bad cron", ["serve", "--input", pages, "--lake", lake, "--cron", "every day"], {}, 2,
         "not a cron schedule"),
        ("serve, cron and interval", ["serve", "--input", pages, "--lake", lake, "--cron", "* * * * *",
                                      "--interval", "5"], {}, 2, "not both"),
    ]


def test_run_errors_each_documented_error_is_one_line_without_traceback(pages: Path, tmp_path: Path) -> None:
    (tmp_path / "lake" / "pages").mkdir(parents=True)
    for what, args, env, code, text in error_cases(pages, tmp_path):
        got, stderr, _ = transcripts(*args, env=env)
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert got == code, f"{what}: exit {got}, stderr {stderr!r}"
        assert "Traceback" not in stderr and len(lines) == 1, f"{what}: {stderr!r}"
        assert text in lines[0], f"{what}: {lines[0]!r}"


def test_run_errors_bad_option_values_are_usage_errors(pages: Path, tmp_path: Path) -> None:
    for option, value in (("--batch-size", "0"), ("--max-bytes", "0"), ("--page-timeout", "-1"),
                          ("--chunk-docs", "x")):
        got, stderr, _ = transcripts("run", "--input", pages, "--lake", tmp_path / "lake", option, value)
        assert got == 2 and "Traceback" not in stderr and option in stderr, (option, stderr)


def test_run_errors_second_run_exits_3_at_once_naming_the_holder(pages: Path, tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    lake.init()
    with lake.writer_lock():  # this test process is "the run that is publishing"
        got, stderr, seconds = transcripts("run", "--input", pages, "--lake", lake.root, "--ner-model", "none")
    assert got == 3 and f"pid {os.getpid()}" in stderr and "Traceback" not in stderr
    assert seconds < 10  # answered before Prefect's server would start (10-20 s)
