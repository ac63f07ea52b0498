from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from transcripts.explore.card import dataset_card


@pytest.fixture(scope="module")
def exported(seeds_lake: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("export")
    manifest = seeds_lake["lake"].export(folder, version=2)
    return dataset_card(manifest, folder), folder


def test_card_tells_how_to_load_where_it_comes_from_and_its_limits(exported: tuple[str, Path]) -> None:
    card, _ = exported
    for heading in ("## How to load it", "## Provenance", "## Known limitations", "## segments"):
        assert heading in card
    assert "load_dataset(\"parquet\"" in card and "pd.read_parquet" in card and "pq.read_table" in card
    manifest_hash = re.search(r"input manifest hash .*`([0-9a-f]{64})`", card)
    assert manifest_hash, card
    assert re.search(r"validation: \d+ expectations evaluated, 0 failed; \d+ cross-table SQL checks, 0 failed", card)


def test_card_has_sample_rows_per_table(exported: tuple[str, Path]) -> None:
    card, _ = exported
    documents = card.split("## documents", 1)[1].split("\n## ", 1)[0]
    assert "Sample rows:" in documents and "| 000_a2278f2a4c24a35c |" in documents
    mentions = card.split("## mentions", 1)[1].split("\n## ", 1)[0]
    assert "No rows in this version." in mentions  # the test lake was published without NER


def test_card_python_recipe_runs_in_the_export_folder(exported: tuple[str, Path]) -> None:
    card, folder = exported
    code = re.search(r"```python\n(.*?)\n```", card, re.S)
    assert code
    run = subprocess.run([sys.executable, "-c", code.group(1) + "\nprint(len(df), table.num_rows)"], cwd=folder,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == run.stdout.split()[1] != "0"
