"""The report is one self-contained HTML page; a real headless Chromium loads it without console messages and
every chart draws."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr",
                  "--v=0", "--virtual-time-budget=15000"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no chromium to open the report in (scripts/test.sh installs Debian's chromium when run as "
                    "root)")
    return found


@pytest.fixture(scope="module")
def report_file(cli, seeds_lake: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    code, stdout, _ = cli("report", "--lake", seeds_lake["dir"], "--out", out)
    assert code == 0 and "report of version 2" in stdout
    return out


def test_report_is_self_contained(report_file: Path) -> None:
    page = report_file.read_text("utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page), "the page must load nothing"
    for title in ("Documents per year", "Documents per program", "speakers with the most words",
                  "Turns and words per document", "Rejects by reason", "Validation per table",
                  "Cross-table SQL checks", "Changes since version 1"):
        assert title in page


@pytest.mark.slow
def test_report_renders_every_chart_in_headless_chromium(report_file: Path, tmp_path: Path) -> None:
    browser = _chromium()
    run = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          report_file.as_uri()], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    sections = run.stdout.split('<section class="chart">')[1:]
    assert len(sections) == 8
    drawn = ['class="main-svg"' in section for section in sections]
    assert all(drawn), f"charts not drawn: {[i for i, ok in enumerate(drawn) if not ok]}"


def test_report_of_an_unknown_version_is_one_line(cli, seeds_lake: dict[str, Any], tmp_path: Path) -> None:
    code, _, err = cli("report", "--lake", seeds_lake["dir"], "--version", "9", "--out", tmp_path / "r.html")
    assert code == 2 and "unknown version 9" in err and not (tmp_path / "r.html").exists()
