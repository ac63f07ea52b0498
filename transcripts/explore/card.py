"""The dataset card (`README.md`) that `transcripts export` writes beside the Parquet files: what the data is,
how to load it, where it comes from, what it cannot tell, every column, and a few rows of each table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from schemas import TABLES
from transcripts.explore.describe import column_comment
from transcripts.explore.output import cell_text

SAMPLE_ROWS = 3
SAMPLE_CHARS = 60  # long text cells are cut in the card's samples (the data itself is whole)

LIMITATIONS = [
    "Pages are scraped web pages: titles, programs and years are what the page states; `program` and `year` "
    "are NULL when the page does not say (they are never guessed from the file name or the crawl date).",
    "Speaker names are resolved within a document (a surname label to the full name the page gives); the same "
    "person spelled differently across pages can become two speakers.",
    "Roles (host, correspondent, guest) come from cues on the page (labels, introductions, bios), not from an "
    "external staff list; a speaker never introduced is `unidentified`.",
    "Named entities (`mentions`) come from a small spaCy model and are empty when a run used `--ner-model none`.",
    "Validation gates each version (see provenance); documents that failed are listed in `rejects` with reason "
    "`quarantined` rather than published.",
]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _loading(tables: Mapping[str, Any]) -> list[str]:
    some = "segments" if "segments" in tables else next(iter(tables), "documents")
    return [
        "## How to load it", "",
        "DuckDB:", "", "```sql", f"SELECT * FROM '{some}.parquet' LIMIT 5;", "```", "",
        "pandas / pyarrow:", "", "```python", "import pandas as pd", "import pyarrow.parquet as pq", "",
        f'df = pd.read_parquet("{some}.parquet")', f'table = pq.read_table("{some}.parquet")', "```", "",
        "Hugging Face `datasets`:", "", "```python", "from datasets import load_dataset", "",
        "data = load_dataset(\"parquet\", data_files={" + ", ".join(f'"{n}": "{n}.parquet"' for n in
                                                                  ("documents", "segments", "appearances")
                                                                  if n in tables) + "})",
        "```", "",
    ]


def _validation(folder: Path, version: int) -> dict[str, Any]:
    path = folder / "versions.parquet"
    if not path.is_file():
        return {}
    for row in pq.read_table(path, columns=["version", "validation"]).to_pylist():
        if row["version"] == version:
            value = row["validation"]
            return json.loads(value) if isinstance(value, str) and value else {}
    return {}


def _provenance(manifest: Mapping[str, Any], validation: Mapping[str, Any]) -> list[str]:
    checks = validation.get("sql_checks") or []
    failed_checks = [c.get("name") for c in checks if isinstance(c, dict) and not c.get("passed", True)]
    return [
        "## Provenance", "",
        f"- version {manifest['version']} (DuckLake snapshot {manifest['snapshot']}), published "
        f"{manifest['created_at']}, exported {manifest.get('exported_at', '')}",
        f"- pipeline version `{manifest['pipeline_version']}`",
        f"- input manifest hash (paths and SHA-256 of every input file) `{manifest['input_sha256']}`",
        f"- what the run did: {manifest.get('message') or '-'}",
        f"- validation: {validation.get('expectations_evaluated', 0)} expectations evaluated, "
        f"{validation.get('expectations_failed', 0)} failed; {len(checks)} cross-table SQL checks, "
        f"{len(failed_checks)} failed{' (' + ', '.join(map(str, failed_checks)) + ')' if failed_checks else ''}; "
        f"{validation.get('quarantined_docs', 0)} documents quarantined",
        "- files: `manifest.json` lists each file's SHA-256", "",
    ]


def _samples(folder: Path, name: str) -> list[str]:
    path = folder / f"{name}.parquet"
    if not path.is_file():
        return []
    rows = pq.ParquetFile(path).iter_batches(batch_size=SAMPLE_ROWS)
    batch = next(rows, None)
    if batch is None or batch.num_rows == 0:
        return ["", "No rows in this version."]
    columns = batch.schema.names
    lines = ["", "Sample rows:", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in batch.to_pylist():
        cells = [cell_text(row[c]) for c in columns]
        cells = [c if len(c) <= SAMPLE_CHARS else c[:SAMPLE_CHARS] + "…" for c in cells]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return lines


def dataset_card(manifest: Mapping[str, Any], folder: Path | str) -> str:
    """The card of an export: `manifest` as `Lake.export` builds it, `folder` the export's folder (its Parquet
    files give the sample rows and the version's validation summary)."""
    folder = Path(folder)
    tables = manifest["tables"]
    lines = [
        "# transcripts dataset", "",
        f"Radio and news transcript pages turned into tables: version {manifest['version']}. One Parquet file per "
        "table. Offsets (`char_start`, `char_end`) are 0-based, end-exclusive positions in `sources.text` of the "
        "same document.", "",
        "| table | rows | file |", "|---|---:|---|",
        *(f"| [{name}](#{name}) | {info['rows']} | `{info['file']}` |" for name, info in tables.items()), "",
        *_loading(tables),
        *_provenance(manifest, _validation(folder, int(manifest["version"]))),
        "## Known limitations", "", *(f"- {item}" for item in LIMITATIONS),
    ]
    for name, table in TABLES.items():
        if name not in tables:
            continue
        lines += ["", f"## {name}", "", table.description, "",
                  f"Rows: {tables[name]['rows']}. Key: `{', '.join(table.key)}`.", "",
                  "| column | type | nullable | description |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {_md(column_comment(table, c.name))} |"
                  for c in table.columns]
        lines += _samples(folder, name)
    return "\n".join(lines) + "\n"
