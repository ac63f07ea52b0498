#!/usr/bin/env python3
"""Per-step timing of decode -> clean -> segment -> label, and an equivalence check of their outputs.

    python bench/bench_steps.py DIR [DIR ...]                    # ms/page per step, pages/s
    python bench/bench_steps.py DIR --snapshot before.json       # also write every output, canonical JSON
    python bench/bench_steps.py DIR --compare before.json        # also check outputs are identical to a snapshot

Pages are read into memory first (no disk I/O in the figures); the English vocabulary is loaded before timing.
Times are CPU time of this one process (one core), best of --repeat runs.
The snapshot covers everything the pure steps produce except NER mentions: rejects, source text and repairs,
title, notes, removed stretches, segments, sentences, doc_type, appearances, quotes and document metadata.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from transcripts.model import Labeled, Reject, Source
from transcripts.pipeline import settle_after_loading
from transcripts.rules.words import english_words
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.label import label_page
from transcripts.steps.segment import segment_page

STEPS = ("decode", "clean", "segment", "label")
# CPU time of this process: on a shared machine wall-clock figures measure the neighbours too
clock = time.process_time


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in sorted(obj.items())}
    return obj


def canonical(result: Source | Reject | Labeled) -> dict[str, Any]:
    """Every output of the pure steps for one page, as plain JSON-able data."""
    if isinstance(result, Reject):
        return {"reject": _plain(result)}
    if isinstance(result, Source):  # decoded but not labeled (should not happen)
        return {"source": _plain(result)}
    seg = result.segmented
    cleaned = seg.cleaned
    src = cleaned.source
    return {
        "source": {"doc_id": src.doc_id, "sha256": src.sha256, "encoding": src.encoding, "repairs": src.repairs,
                   "text_sha256": hashlib.sha256(src.text.encode("utf-8", "surrogatepass")).hexdigest()},
        "title": cleaned.title,
        "notes": _plain(cleaned.notes),
        "clean_repairs": cleaned.repairs,
        "duplicated_body": cleaned.duplicated_body,
        "removed": _plain(cleaned.removed),
        "doc_type": seg.doc_type,
        "segments": _plain(seg.segments),
        "sentences": _plain(seg.sentences),
        "metadata": {"language": result.language, "program": result.program, "year": result.year,
                     "year_source": result.year_source, "dateline": result.dateline, "bylines": result.bylines},
        "appearances": _plain(result.appearances),
        "quotes": _plain(result.quotes),
    }


def cold_caches() -> None:
    """Empty the steps' memo caches (not the vocabulary) so that every timing run starts like a fresh process."""
    for name, mod in list(sys.modules.items()):
        if name.startswith("transcripts."):
            for obj in vars(mod).values():
                if hasattr(obj, "cache_clear") and obj is not english_words:
                    obj.cache_clear()


def run(pages: list[tuple[str, bytes]], keep: bool) -> tuple[dict[str, float], dict[str, Any]]:
    times = dict.fromkeys(STEPS, 0.0)
    outputs: dict[str, Any] = {}
    for key, data in pages:
        t0 = clock()
        src = decode_page(data, key)
        t1 = clock()
        times["decode"] += t1 - t0
        if not isinstance(src, Source):
            if keep:
                outputs[key] = canonical(src)
            continue
        cleaned = clean_page(src)
        t2 = clock()
        segmented = segment_page(cleaned)
        t3 = clock()
        labeled = label_page(segmented)
        t4 = clock()
        times["clean"] += t2 - t1
        times["segment"] += t3 - t2
        times["label"] += t4 - t3
        if keep:
            outputs[key] = canonical(labeled)
    return times, outputs


def _diff(a: Any, b: Any, path: str = "") -> str | None:
    """The first place two canonical outputs differ."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: present on one side only"
            d = _diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = _diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", type=Path, nargs="+")
    ap.add_argument("--snapshot", type=Path, help="write canonical outputs here")
    ap.add_argument("--compare", type=Path, help="check outputs against this snapshot")
    ap.add_argument("--repeat", type=int, default=1, help="timing runs; the best is reported")
    args = ap.parse_args()

    pages = [(f"{folder.name}/{p.name}", p.read_bytes()) for folder in args.folders
             for p in sorted(folder.iterdir()) if p.is_file()]
    english_words()
    settle_after_loading()  # as a page worker runs the steps
    best: dict[str, float] | None = None
    outputs: dict[str, Any] = {}
    for r in range(max(1, args.repeat)):
        cold_caches()
        times, out = run(pages, keep=r == 0 and bool(args.snapshot or args.compare))
        outputs = out or outputs
        if best is None or sum(times.values()) < sum(best.values()):
            best = times
    assert best is not None
    n = len(pages)
    total = sum(best.values())
    print(f"pages: {n}")
    for step in STEPS:
        print(f"  {step:8} {1000 * best[step] / n:7.3f} ms/page")
    print(f"  {'total':8} {1000 * total / n:7.3f} ms/page  {n / total:,.0f} pages/s")

    if args.snapshot:
        args.snapshot.write_text(json.dumps(outputs, sort_keys=True, ensure_ascii=False), "utf-8")
        print(f"snapshot: {len(outputs)} pages -> {args.snapshot}")
    if args.compare:
        expected = json.loads(args.compare.read_text("utf-8"))
        got = json.loads(json.dumps(outputs, sort_keys=True, ensure_ascii=False))  # same JSON round trip
        bad = [k for k in sorted(set(expected) | set(got)) if expected.get(k) != got.get(k)]
        for k in bad[:10]:
            print(f"DIFF {k}: {_diff(expected.get(k), got.get(k))}")
        print(f"compare: {len(got) - len(bad)}/{len(set(expected) | set(got))} pages identical"
              + ("" if bad else " -- OK"))
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
