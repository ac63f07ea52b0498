"""Benchmark: what the query sandbox costs per query (statement guard, sandboxed reader, the query).

    .venv/bin/python bench/bench_query.py --lake output [--repeat 20]

Over a published lake (e.g. `transcripts run` over seeds or a make_corpus.py corpus), prints the median
milliseconds of: the guard alone (parse tree walk) per cookbook query; opening a sandboxed reader; and
`Lake.query` end to end (guard + reader + query + fetch), in-process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transcripts.store.lake import Lake, check_read_only

COOKBOOK = {
    "who speaks most": "SELECT sp.name, a.role, sum(a.n_words) AS words FROM appearances a "
                       "JOIN speakers sp USING (speaker_id) GROUP BY ALL ORDER BY words DESC LIMIT 10",
    "turns mentioning a word": "SELECT s.doc_id, s.seg_idx, a.name, left(s.text, 80) FROM segments s "
                               "JOIN appearances a USING (doc_id, speaker_id) WHERE s.kind = 'turn' "
                               "AND regexp_matches(s.text, '\\bHuawei\\b', 'i')",
    "versions": "SELECT * FROM versions ORDER BY version",
}


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, default=Path("output"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    lake = Lake(args.lake)
    lake.query("SELECT 1")  # warm: extension load and signature check happen once per process
    print(f"sandboxed reader opened: {median_ms(lambda: lake.reader().close(), args.repeat):.1f} ms")
    for name, sql in COOKBOOK.items():
        guard = median_ms(partial(check_read_only, sql), args.repeat)
        total = median_ms(partial(lake.query, sql), args.repeat)
        print(f"{name}: guard {guard:.2f} ms; query end to end {total:.1f} ms")


if __name__ == "__main__":
    main()
