"""Benchmark: validate a synthetic 1,000,000-row `segments` table (issue #5 acceptance: under 10 s), or a run's
chunks of real pages.

    .venv/bin/python bench/bench_validate.py [--rows N] [--broken] [--sql]
    .venv/bin/python bench/bench_validate.py --pages DIR [--docs 1000] [--chunks 2] [--repeat 3] [--cache DIR]

Prints the time of validate_tables({"segments": frame}) (GE suite + the per-document SQL checks that apply),
excluding the one-off GE import and context set-up, which are timed separately.

With --pages: the first docs x chunks pages of DIR go through the steps into chunks of every table as a run
builds them (kept as Parquet in --cache), then each chunk is validated in turn, `repeat` times over: the CPU
seconds of the GE suites (validate_tables without cross checks) and of the SQL checks (frame_checks), per chunk,
and their medians after the first pass. A run validates its chunks in one process, so the first chunk pays what
later ones reuse.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from schemas import TABLES
from transcripts.validate.checks import frame_checks, prepare_validation, sql_checks, validate_tables


def synthetic_segments(n_rows: int, segs_per_doc: int = 100, seed: int = 0) -> pd.DataFrame:
    """Documents of `segs_per_doc` segments: ~60% turns by named speakers, the rest other kinds."""
    rng = np.random.default_rng(seed)
    n_docs = -(-n_rows // segs_per_doc)
    doc_ids = pd.Series([f"npr/2024/{i:07d}" for i in range(n_docs)], dtype="str")
    doc = np.repeat(np.arange(n_docs), segs_per_doc)[:n_rows]
    seg_idx = np.tile(np.arange(segs_per_doc), n_docs)[:n_rows].astype("int32")
    kinds = np.array(["turn", "paragraph", "heading", "caption", "marker"])
    kind = kinds[rng.choice(5, n_rows, p=[0.6, 0.25, 0.05, 0.05, 0.05])]
    is_turn = kind == "turn"
    speakers = np.array(["rachel-martin", "steve-inskeep", "lucian-kim", "ari-shapiro"])
    speaker = pd.Series(speakers[rng.integers(0, 4, n_rows)], dtype="str").where(is_turn)
    label = pd.Series(["RACHEL MARTIN, HOST"] * n_rows, dtype="str").where(is_turn)
    start = seg_idx.astype("int64") * 120
    n_words = rng.integers(1, 40, n_rows).astype("int32")
    return pd.DataFrame({
        "doc_id": doc_ids.iloc[doc].reset_index(drop=True),
        "seg_idx": seg_idx,
        "kind": pd.Series(kind, dtype="str"),
        "speaker_id": speaker,
        "speaker_label": label,
        "text": pd.Series(["Good morning. This is the news at the top of the hour."] * n_rows, dtype="str"),
        "char_start": start.astype("int32"),
        "char_end": (start + 100).astype("int32"),
        "n_words": n_words,
    })


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--broken", action="store_true", help="break 1%% of the documents (row failures)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--sql", action="store_true", help="also time sql_checks over a store of that size")
    parser.add_argument("--pages", type=Path, help="validate chunks of these pages instead (see above)")
    parser.add_argument("--docs", type=int, default=1000, help="with --pages: pages per chunk")
    parser.add_argument("--chunks", type=int, default=2, help="with --pages: chunks")
    parser.add_argument("--cache", type=Path, help="with --pages: keep the chunks' tables here")
    args = parser.parse_args()
    if args.pages:
        bench_chunks(args)
        return 0

    t0 = time.perf_counter()
    frame = synthetic_segments(args.rows)
    if args.broken:
        bad = frame.index[frame["seg_idx"].eq(3) & (frame.index // 100 % 100 == 0)]
        frame.loc[bad, "char_end"] = 0  # offsets out of order
        frame.loc[bad, "kind"] = "sidebar"  # outside the value set
    print(f"generated {len(frame):,} rows in {time.perf_counter() - t0:.2f} s")

    t0 = time.perf_counter()
    prepare_validation()
    print(f"GE import, suites and context: {time.perf_counter() - t0:.2f} s (once per process)")

    for i in range(args.repeat):
        t0 = time.perf_counter()
        result = validate_tables({"segments": frame})
        elapsed = time.perf_counter() - t0
        print(f"run {i + 1}: validate_tables 1 table x {len(frame):,} rows: {elapsed:.2f} s; "
              f"{result.evaluated} expectations, {result.failed} failed, "
              f"{len(result.quarantined)} quarantined, {len(result.blocking)} blocking, "
              f"{len(result.checks)} SQL checks")
    if args.sql:
        bench_sql(frame)
    return 0


def bench_sql(segments: pd.DataFrame) -> None:
    """sql_checks over an in-memory store holding `segments`, with matching documents and sources (pages of
    100-character lines separated by blank runs, so that the coverage check has real text to scan)."""
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS lake")
    for name, table in TABLES.items():
        con.execute(table.ddl(f"lake.{name}"))
    con.register("seg", segments)
    con.execute("INSERT INTO lake.segments SELECT * FROM seg")
    con.execute("""
        INSERT INTO lake.sources
        SELECT doc_id, repeat(repeat('x', 100) || repeat(chr(10), 20), count(*)::INTEGER), 'utf-8', []
        FROM lake.segments GROUP BY doc_id""")
    con.execute("""
        INSERT INTO lake.documents
        SELECT doc_id, doc_id || '.txt', repeat('a', 64), 'transcript', 'en', NULL, NULL, NULL, NULL, NULL, [],
               NULL, count(*) FILTER (WHERE kind = 'turn'), sum(n_words), '0.1.0', repeat('b', 64)
        FROM lake.segments GROUP BY doc_id""")
    con.execute("""
        INSERT INTO lake.speakers SELECT DISTINCT speaker_id, speaker_id, 'person' FROM lake.segments
        WHERE speaker_id IS NOT NULL""")
    con.execute("""
        INSERT INTO lake.appearances SELECT doc_id, speaker_id, speaker_id, [], 'host', NULL, count(*), 0
        FROM lake.segments WHERE kind = 'turn' GROUP BY ALL""")
    t0 = time.perf_counter()
    results = sql_checks(con, "lake")
    elapsed = time.perf_counter() - t0
    failed = [c.name for c in results if not c.passed]
    print(f"sql_checks over {len(segments):,} segments: {elapsed:.2f} s; {len(results)} checks, failed: {failed}")


def page_chunks(pages: Path, docs: int, n_chunks: int, cache: Path | None) -> list[dict[str, pa.Table]]:
    """The tables of `n_chunks` chunks of `docs` pages, as a run assembles them (read from `cache` if there)."""
    from transcripts import pipeline
    from transcripts.tables import concat_batches, mark_duplicates

    folders = [cache / f"chunk{i}" for i in range(n_chunks)] if cache else []
    if folders and all(f.is_dir() for f in folders):
        return [{p.stem: pq.read_table(p) for p in sorted(f.glob("*.parquet"))} for f in folders]
    files = pipeline.scan_input(pages)[:docs * n_chunks]
    first_by_body: dict[str, str] = {}
    chunks = []
    for i in range(n_chunks):
        part = files[i * docs:(i + 1) * docs]
        tables = concat_batches([pipeline.process_batch_tables(b, "bench") for b in pipeline.batches(part, 50)])
        tables["documents"] = mark_duplicates(tables["documents"], first_by_body)
        chunks.append(tables)
        if folders:
            folders[i].mkdir(parents=True, exist_ok=True)
            for name, table in tables.items():
                pq.write_table(table, folders[i] / f"{name}.parquet")
    return chunks


def bench_chunks(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    chunks = page_chunks(args.pages, args.docs, args.chunks, args.cache)
    print(f"{len(chunks)} chunks of {args.docs} pages in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{n} {t.num_rows:,}" for n, t in chunks[0].items()))
    c0 = time.process_time()
    prepare_validation()
    print(f"GE import, suites and context: {time.process_time() - c0:.2f} s of CPU (once per process)")
    spent: list[tuple[float, float]] = []
    for rep in range(args.repeat):
        for i, tables in enumerate(chunks):
            c0 = time.process_time()
            result = validate_tables(tables, cross_checks=False)
            ge = time.process_time() - c0
            c0 = time.process_time()
            checks = frame_checks(tables)
            sql = time.process_time() - c0
            spent.append((ge, sql))
            print(f"pass {rep + 1} chunk {i + 1}: GE suites {ge:.3f} s, SQL checks {sql:.3f} s of CPU; "
                  f"{result.evaluated} expectations, {result.failed} failed, "
                  f"{sum(not c.passed for c in checks)} of {len(checks)} SQL checks failed")
    later = spent[len(chunks):] or spent  # after the first pass: what every chunk of a long run costs
    print(f"per chunk after the first pass, median: GE suites {statistics.median(g for g, _ in later):.3f} s, "
          f"SQL checks {statistics.median(q for _, q in later):.3f} s of CPU")


if __name__ == "__main__":
    raise SystemExit(main())
