"""The floor: the least any pipeline must do. Read every page, split it on speaker labels with one regex,
write one Parquet file. A full run is compared against this (issue: within 3x without NER)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LABEL = re.compile(r"^([A-Z][A-Za-z.'\- ]{1,60}?(?:, [A-Za-z ]+)?):\s", re.M)


def main(corpus: Path, out: Path) -> float:
    t0 = time.perf_counter()
    doc_ids, labels, texts = [], [], []
    for path in sorted(corpus.iterdir()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        parts = LABEL.split(text)
        for label, body in zip(parts[1::2], parts[2::2], strict=False):
            doc_ids.append(path.stem)
            labels.append(label)
            texts.append(body.strip())
    pq.write_table(pa.table({"doc_id": doc_ids, "label": labels, "text": texts}), out)
    return time.perf_counter() - t0


if __name__ == "__main__":
    seconds = main(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"floor: {seconds:.2f} s")
