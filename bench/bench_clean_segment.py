#!/usr/bin/env python3
"""Throughput of the pure steps decode -> clean -> segment.

    python bench/bench_clean_segment.py                  # generates a 2,000-page corpus with make_corpus.py
    python bench/bench_clean_segment.py --corpus DIR     # or times an existing folder of pages

Files are read into memory first, so the figures are for the steps alone (no disk I/O). Prints pages/s and
MB/s overall and the share of time each step takes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from transcripts.model import Source
from transcripts.rules.words import english_words
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.segment import segment_page

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"


def generate(out: Path, n: int, seed: int, bad_fraction: float) -> None:
    if not MAKE_CORPUS.is_file():
        sys.exit(f"bench: {MAKE_CORPUS} not found; pass --corpus DIR")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(out), "--n", str(n), "--seed", str(seed),
                    "--bad-fraction", str(bad_fraction)], check=True, stdout=subprocess.DEVNULL)


def bench(folder: Path, repeat: int) -> None:
    pages = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.txt"))]
    if not pages:
        sys.exit(f"bench: no .txt pages in {folder}")
    total_bytes = sum(len(d) for _, d in pages)
    english_words()  # the vocabulary loads once per process; keep it out of the per-page figures
    best = None
    for _ in range(repeat):
        t_decode = t_clean = t_segment = 0.0
        docs = rejects = 0
        start, cpu_start = time.perf_counter(), time.process_time()
        for name, data in pages:
            t0 = time.perf_counter()
            src = decode_page(data, name)
            t1 = time.perf_counter()
            t_decode += t1 - t0
            if not isinstance(src, Source):
                rejects += 1
                continue
            cleaned = clean_page(src)
            t2 = time.perf_counter()
            segment_page(cleaned)
            t3 = time.perf_counter()
            t_clean += t2 - t1
            t_segment += t3 - t2
            docs += 1
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        if best is None or elapsed < best[0]:
            best = (elapsed, cpu, t_decode, t_clean, t_segment, docs, rejects)
    assert best is not None
    elapsed, cpu, t_decode, t_clean, t_segment, docs, rejects = best
    print(f"pages: {len(pages)} ({docs} documents, {rejects} rejects), {total_bytes / 1e6:.1f} MB")
    print(f"decode+clean+segment: {elapsed:.2f} s  {len(pages) / elapsed:,.0f} pages/s  "
          f"{total_bytes / 1e6 / elapsed:.1f} MB/s  (best of {repeat}, wall clock)")
    print(f"  CPU time {cpu:.2f} s: {len(pages) / cpu:,.0f} pages/s, {total_bytes / 1e6 / cpu:.1f} MB/s of CPU "
          "(the figure to trust on a busy machine)")
    for label, t in (("decode", t_decode), ("clean", t_clean), ("segment", t_segment)):
        print(f"  {label:8} {t:6.2f} s  {100 * t / elapsed:5.1f}%")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="folder of pages (default: generate one)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bad-fraction", type=float, default=0.02)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    if args.corpus:
        bench(args.corpus, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        generate(Path(tmp), args.n, args.seed, args.bad_fraction)
        bench(Path(tmp), args.repeat)


if __name__ == "__main__":
    main()
