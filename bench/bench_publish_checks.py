"""Benchmark: the publish commit of a run, with a run's checks (publish_checks) against every check over the whole
candidate version (sql_checks), on the tables of a lake a run built.

    .venv/bin/python bench/bench_publish_checks.py LAKE [--changed 0.01] [--repeat 3]

Two publishes per check, each into a copy: a first run (a new lake gets every table of LAKE, in chunks of 1,000
documents) and an incremental one (LAKE gets `changed` of its documents replaced by their own rows). Prints the
CPU seconds of Publication.commit (checks, counts, speakers, COMMIT), best of `repeat`.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import TABLES
from transcripts.store.lake import Lake
from transcripts.validate.checks import publish_checks, sql_checks

VERSION_ROW = {"pipeline_version": "bench", "docs_added": 0, "docs_changed": 0, "docs_removed": 0,
               "validation": {}, "input_sha256": "bench", "message": "bench"}


def commit_seconds(lake: Path, chunks: list[dict[str, pa.Table]], replace: list[str], check: str) -> float:
    """CPU seconds of the commit of one publication: replace, insert `chunks`, commit with `check`."""
    with Lake(lake).publication() as pub:
        pub.replace(replace, [])
        for rows in chunks:
            pub.insert(rows)
        fn: Any = functools.partial(publish_checks, written=pub.written) if check == "publish" else sql_checks
        started = time.process_time()
        result = pub.commit(VERSION_ROW, check=fn)
        seconds = time.process_time() - started
    if not result.published:
        raise SystemExit(f"{check}: not published: {result.report}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lake", type=Path)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    con = Lake(args.lake).reader(sandboxed=False)
    tables = {name: con.execute(f"SELECT * FROM {name}").to_arrow_table() for name in TABLES if name != "versions"}
    con.close()
    docs = sorted(tables["documents"]["doc_id"].to_pylist())

    def rows_of(ids: list[str]) -> dict[str, pa.Table]:
        keep = pa.array(ids, pa.string())
        return {name: t.filter(pc.is_in(t["doc_id"], keep)) if TABLES[name].per_document and t.num_rows
                else t.slice(0, 0) for name, t in tables.items()}

    first = [rows_of(docs[i:i + 1000]) for i in range(0, len(docs), 1000)]
    first[0]["speakers"], first[0]["rejects"] = tables["speakers"], tables["rejects"]
    changed = docs[::max(1, round(1 / args.changed))] if args.changed > 0 else []
    for label, chunks, replace in (("first run", first, []), (f"{len(changed)} changed", [rows_of(changed)],
                                                                  changed)):
        for check in ("sql", "publish"):
            best = float("inf")
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory() as tmp:
                    copy = Path(tmp) / "lake"
                    if replace:
                        shutil.copytree(args.lake, copy)
                    best = min(best, commit_seconds(copy, chunks, replace, check))
            print(f"{label} of {len(docs)} documents, {check}_checks: commit {best:.3f} s CPU", flush=True)


if __name__ == "__main__":
    main()
