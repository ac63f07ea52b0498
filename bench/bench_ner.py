"""NER stage throughput against spaCy's own nlp.pipe on the same texts.

    python bench/bench_ner.py [DIR] [--limit N] [--repeat R] [--batch-size B]

DIR is a folder of pages (default: seeds/, repeated to ~200 pages); e.g. a corpus made with
`python3 ../shared/tools/make_corpus.py /tmp/corpus --n 300 --seed 5`. Pages go through
decode -> clean -> segment -> label first (not timed). Then, best of R rounds each:
  baseline  for doc in nlp.pipe(paragraph texts): doc.ents     (spaCy alone, same model, same texts)
  stage     transcripts.steps.entities.add_mentions(pages, nlp)            (the pipeline's NER step)
and prints words/second for both and the ratio stage/baseline (acceptance: >= 0.80).

With --processes N (default: the cores), the anchor of issue 16 instead: spaCy's nlp.pipe(texts, n_process=N)
against the stage over N worker processes, batches cut as a run cuts them to the processes runner
(each worker loads the model once, as a run's workers do; pool start-up counted on both sides). Acceptance >= 0.9.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from transcripts.model import Labeled, Source, count_words
from transcripts.pipeline import DEFAULT_BATCH_SIZE, progress_batch_size
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.entities import _pieces, add_mentions, load_nlp
from transcripts.steps.label import label_page
from transcripts.steps.segment import segment_page


def build_pages(folder: Path, limit: int) -> list[Labeled]:
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"bench_ner: no .txt pages in {folder}")
    pages: list[Labeled] = []
    while len(pages) < limit:
        for path in files:
            src = decode_page(path.read_bytes(), path.name)
            if isinstance(src, Source):
                pages.append(label_page(segment_page(clean_page(src))))
            if len(pages) >= limit:
                break
        if len(files) >= limit:
            break
    return pages


_nlp: Any = None


def _load(model: str | None) -> None:
    global _nlp
    _nlp = load_nlp(model)


def _mentions(pages: list[Labeled]) -> int:
    return sum(len(p.mentions) for p in add_mentions(pages, _nlp))


def all_cores(pages: list[Labeled], texts: list[str], words: int, model: str | None, n: int) -> int:
    """nlp.pipe with n_process=n against the stage in n worker processes; prints both and returns the exit code."""
    t0 = time.perf_counter()
    nlp = load_nlp(model)
    assert nlp is not None, "NER is off"
    n_ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=512, n_process=n))
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(n, initializer=_load, initargs=(model,)) as pool:
        size = progress_batch_size(len(pages), DEFAULT_BATCH_SIZE)  # as a run cuts them
        kept = sum(pool.map(_mentions, [pages[i:i + size] for i in range(0, len(pages), size)]))
    stage = time.perf_counter() - t0
    print(f"spaCy nlp.pipe, n_process={n}  : {words / base:10.0f} words/s  ({n_ents} entities)")
    print(f"add_mentions, {n} processes    : {words / stage:10.0f} words/s  ({kept} mentions kept)")
    ratio = base / stage
    print(f"ratio {ratio:.3f} ({'ok' if ratio >= 0.9 else 'BELOW'} the 0.90 acceptance bar)")
    return 0 if ratio >= 0.9 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent / "seeds")
    ap.add_argument("--limit", type=int, default=200, help="pages to use (seeds are repeated up to this)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--model", default=None, help="spaCy model (default: $TRANSCRIPTS_SPACY_MODEL or the default)")
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                    help="compare over this many processes (0: one core, stage against nlp.pipe)")
    args = ap.parse_args()

    pages = build_pages(args.folder, args.limit)
    nlp = load_nlp(args.model)
    if nlp is None:
        raise SystemExit("bench_ner: NER is switched off")
    texts = [piece for _, _, _, piece in _pieces(pages)]
    words = sum(count_words(t) for t in texts)
    print(f"{len(pages)} pages, {len(texts)} paragraphs, {words} words; pipeline {nlp.pipe_names}")

    if args.processes > 0:
        return all_cores(pages, texts, words, args.model, args.processes)
    nlp(texts[0])  # warm up
    base, stage = float("inf"), float("inf")
    n_ents = 0
    for round_ in range(args.repeat):  # alternate which goes first, so machine load drifts hit both alike
        for which in ("base", "stage") if round_ % 2 == 0 else ("stage", "base"):
            t0 = time.perf_counter()
            if which == "base":
                n_ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=args.batch_size))
                base = min(base, time.perf_counter() - t0)
            else:
                vars(nlp).pop("_transcripts_entities", None)  # each round starts with no paragraph remembered
                pages = add_mentions(pages, nlp, batch_size=args.batch_size)
                stage = min(stage, time.perf_counter() - t0)
    kept = sum(len(p.mentions) for p in pages)
    print(f"spaCy nlp.pipe : {words / base:10.0f} words/s  ({n_ents} entities)")
    print(f"add_mentions   : {words / stage:10.0f} words/s  ({kept} mentions kept)")
    ratio = base / stage
    print(f"ratio {ratio:.3f} ({'ok' if ratio >= 0.8 else 'BELOW'} the 0.80 acceptance bar)")
    return 0 if ratio >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
