#!/usr/bin/env python3
"""Adversarial pages: shapes that make a careless pattern backtrack, and the worst seconds per 100 KB per step.

    python bench/adversarial.py write DIR [--kb 120]       # one page per shape into DIR (invented text only)
    python bench/adversarial.py bench [--kb 120] [--growth] [--shape NAME ...] [--json FILE]

`bench` times decode, clean, segment and label on every shape (one core, no I/O) and prints the seconds per
100 KB of each; `--growth` also times each shape at 10, 20 and 40 KB, so that super-linear growth shows
(4x the input should cost about 4x the time, not 16x). The shapes are also used by
tests/steps/test_adversarial.py.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def _repeat(unit: str, n_bytes: int, tail: str = "") -> str:
    """`unit` repeated to about n_bytes, then `tail`."""
    return unit * max(1, (n_bytes - len(tail)) // max(1, len(unit))) + tail


# Each shape: name -> (n_bytes -> page text). One-line shapes have no newline at all.
SHAPES: dict[str, Callable[[int], str]] = {
    "capitals": lambda n: _repeat("HOST ", n),
    "capitals_lines": lambda n: _repeat("HOST HOST HOST HOST HOST HOST HOST HOST\n", n),
    "a_space_colon": lambda n: _repeat("A ", n, ": hi"),
    "labels": lambda n: _repeat("MARY LOUISE KELLY, HOST: ", n),
    "label_lines": lambda n: _repeat("MARY LOUISE KELLY, HOST:\n", n),
    "dots": lambda n: _repeat(".", n),
    "dots_spaced": lambda n: _repeat(". ", n),
    "ellipsis_words": lambda n: _repeat("word... ", n),
    "colons": lambda n: _repeat(":", n),
    "colon_words": lambda n: _repeat("Word: ", n),
    "parentheses": lambda n: _repeat("(", n // 2) + _repeat(")", n // 2),
    "paren_words": lambda n: _repeat("(LAUGHTER) (", n),
    "brackets": lambda n: _repeat("[", n // 2, "x") + _repeat("]", n // 2),
    "quotes": lambda n: _repeat('"', n),
    "curly_quotes": lambda n: _repeat("“a ", n),
    "quote_said": lambda n: _repeat('"I said," he ', n),
    "dashes": lambda n: _repeat("-", n),
    "dateline": lambda n: _repeat("WASHINGTON, D.C. ", n, "x"),
    "dateline_and": lambda n: _repeat("A and ", n, "x"),
    "dateline_initials": lambda n: _repeat("A. ", n, "- x"),
    "dateline_hyphens": lambda n: _repeat("A.-", n, "x"),
    "caps_dashes": lambda n: _repeat("A -", n),
    "one_line_prose": lambda n: _repeat("The senator said that the bill would pass. ", n),
    "one_word": lambda n: "a" * n,
    "spaces": lambda n: "x" + " " * n + "y",
    "tabs_newlines": lambda n: _repeat("\t \n", n),
    "blank_lines": lambda n: _repeat("\n", n),
    "commas": lambda n: _repeat(",", n),
    "name_particles": lambda n: _repeat("de la van der ", n),
    "capital_words": lambda n: _repeat("Mary ", n),
    "apostrophes": lambda n: _repeat("O'", n),
    "html_tags": lambda n: _repeat("<p><b>", n),
    "digits": lambda n: _repeat("1", n),
    "copyright": lambda n: _repeat("Copyright © ", n),
    "urls": lambda n: _repeat("http://", n),
    "emails": lambda n: _repeat("a@", n),
    "mixed_label_turn": lambda n: _repeat("SMITH: Hello. JONES: Yes. ", n),
}

GROWTH_KB = (10, 20, 40)
STEP_NAMES = ("decode", "clean", "segment", "label")


def page(shape: str, kb: float) -> bytes:
    return SHAPES[shape](int(kb * 1000)).encode("utf-8")


def run_steps(data: bytes, clock: Callable[[], float] = time.process_time) -> dict[str, float]:
    """Seconds each step took on one page (a step after a reject is not run)."""
    from transcripts.model import Reject
    from transcripts.steps.clean import clean_page
    from transcripts.steps.decode import decode_page
    from transcripts.steps.label import label_page
    from transcripts.steps.segment import segment_page

    steps: tuple[Callable[[Any], Any], ...] = (lambda d: decode_page(d, "adversarial.txt", max_bytes=10**9),
                                               clean_page, segment_page, label_page)
    seconds: dict[str, float] = {}
    value: Any = data
    for name, step in zip(STEP_NAMES, steps, strict=True):
        t0 = clock()
        value = step(value)
        seconds[name] = clock() - t0
        if isinstance(value, Reject):
            break
    return seconds


@dataclass
class Figures:
    shape: str
    n_bytes: int
    per_100kb: dict[str, float]  # step -> seconds per 100 KB
    growth: dict[str, float] = field(default_factory=dict)  # "10KB" -> seconds (all steps)

    @property
    def total(self) -> float:
        return sum(self.per_100kb.values())

    @property
    def ratio_4x(self) -> float | None:
        """Time of the 40 KB page over the 10 KB one: about 4 when the steps are linear."""
        times = list(self.growth.values())
        return times[-1] / max(times[0], 1e-3) if times else None


def bench(shapes: list[str], kb: float, growth: bool) -> list[Figures]:
    from transcripts.rules.words import english_words

    english_words()  # loads once per process; keep it out of the figures
    results: list[Figures] = []
    for shape in shapes:
        data = page(shape, kb)
        seconds = run_steps(data)
        row = Figures(shape, len(data), {k: v * 100_000 / len(data) for k, v in seconds.items()})
        if growth:
            row.growth = {f"{g}KB": sum(run_steps(page(shape, g)).values()) for g in GROWTH_KB}
        results.append(row)
        ratio = f"  4x input -> {row.ratio_4x:.1f}x time" if row.ratio_4x is not None else ""
        print(f"{shape:>18}  {len(data) / 1000:6.0f} KB  " + "  ".join(f"{k} {v:7.3f}" for k, v in
              row.per_100kb.items()) + f"  | total {row.total:7.3f} s/100KB{ratio}", flush=True)
    worst = max(results, key=lambda r: r.total)
    print(f"worst page: {worst.shape} at {worst.total:.3f} s per 100 KB")
    for step in STEP_NAMES:
        top = max(results, key=lambda r: r.per_100kb.get(step, 0.0))
        print(f"  worst {step:>8}: {top.shape} {top.per_100kb.get(step, 0.0):.3f} s per 100 KB")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", help="write one page per shape into a folder")
    write.add_argument("folder", type=Path)
    write.add_argument("--kb", type=float, default=120.0)
    timing = sub.add_parser("bench", help="worst seconds per 100 KB per step")
    timing.add_argument("--kb", type=float, default=120.0)
    timing.add_argument("--growth", action="store_true", help="also time 10, 20 and 40 KB pages")
    timing.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only these shapes")
    timing.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    if args.command == "write":
        args.folder.mkdir(parents=True, exist_ok=True)
        for shape in SHAPES:
            (args.folder / f"{shape}.txt").write_bytes(page(shape, args.kb))
        print(f"wrote {len(SHAPES)} pages of about {args.kb:.0f} KB to {args.folder}")
        return
    results = bench(args.shape or list(SHAPES), args.kb, args.growth)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
