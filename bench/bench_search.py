"""Benchmark: `transcripts search` over a published lake (issue 13 acceptance: a warm search under 1 s).

    .venv/bin/python bench/bench_search.py --lake /work/data/analyst-10k [--repeat 5] [--out bench/results/x.json]

Times, in this process: building the version's index (cold, once; skipped when it exists unless --rebuild),
then each query of QUERIES `--repeat` times against the built index (warm: the index file is in the OS cache,
each search opens its own connection as the command does). Also times the whole command (`transcripts search`,
a new process: Python start-up and imports included). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transcripts.explore.search import Filters, build_index, index_path, search
from transcripts.store.lake import Lake

QUERIES: list[tuple[str, Filters]] = [
    ("economy", Filters()),
    ("climate change policy", Filters()),
    ("election", Filters(role="guest")),
    ("prices", Filters(year=2021)),
    ("economy", Filters(speaker="Costa")),
    ("school board budget", Filters(program="Morning Edition")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    lake = Lake(args.lake)
    version = lake.current_version()
    assert version is not None, f"nothing published in {args.lake}"
    path = index_path(lake.root, version)
    result: dict[str, object] = {"lake": str(lake.root), "version": version}
    con = lake.reader(version)
    try:
        result["passages"] = con.execute("SELECT count(*) FROM segments WHERE kind IN ('turn', 'paragraph')"
                                         ).fetchone()[0]  # type: ignore[index]
        result["documents"] = con.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
        if args.rebuild or not path.is_file():
            path.unlink(missing_ok=True)
            started = time.perf_counter()
            build_index(con, path)
            result["build_s"] = round(time.perf_counter() - started, 2)
    finally:
        con.close()
    result["index_mb"] = round(path.stat().st_size / 1e6, 1)
    search(path, "warm up")  # first connection of the process verifies the extension's signature
    timings: dict[str, dict[str, float]] = {}
    for words, filters in QUERIES:
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            hits = search(path, words, filters, limit=20)
            seconds.append(time.perf_counter() - started)
        given = ", ".join(f"{k}={v}" for k, v in vars(filters).items() if v is not None)
        timings[f"{words!r} {given}".strip()] = {"median_s": round(statistics.median(seconds), 3),
                                         "max_s": round(max(seconds), 3), "hits": len(hits)}
    result["warm_search"] = timings
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "transcripts"), "search", "economy", "--lake", str(lake.root),
                    "--format", "tsv"], check=True, capture_output=True)
    result["command_s"] = round(time.perf_counter() - started, 2)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
