"""What a user sees from `transcripts run`: a line at once while Prefect starts, then a summary whose stages come
in pipeline order and whose lines fit the terminal."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from transcripts.pipeline import STAGES

pytestmark = pytest.mark.slow


def test_run_output_says_prefect_is_starting_and_summarises_in_pipeline_order(tmp_path: Path, seeds_dir: Path,
                                                                               prefect_harness: None, cli) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    code, stdout, stderr = cli("run", "--input", pages, "--lake", tmp_path / "lake", "--ner-model", "none")
    assert code == 0, stderr
    assert stderr.splitlines()[0] == "starting Prefect..."
    seconds = re.search(r"^seconds: (.*?)(?=^\w+:|\Z)", stdout, re.M | re.S)
    assert seconds, stdout
    named = [name.replace(" ", "_") for name in re.findall(r"([a-z][a-z ]*?) \d+\.\d\d", seconds[1])]
    assert {"plan", "process", "publish", "validate", "write"} <= set(named)
    assert named == sorted(named, key=STAGES.index)  # plan, load model, process (validate, write), publish
    # summary lines wrap at word boundaries within the console's width (80 here); only paths stay whole
    long = [line for line in stdout.splitlines() if len(line) > 80 and "/" not in line]
    assert not long, long


def test_run_output_json_keeps_stdout_to_the_summary(tmp_path: Path, seeds_dir: Path, prefect_harness: None,
                                                     cli) -> None:
    import json

    code, stdout, stderr = cli("run", "--input", seeds_dir, "--lake", tmp_path / "lake", "--ner-model", "none",
                               "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["status"] == "published"
    assert "starting Prefect" in stderr
