#!/usr/bin/env python3
"""Where a published dataset disagrees with gold files, page by page: the reading aid behind score.py's figures.

    python bench/gold_diff.py --gold ../shared/devset/gold --lake /tmp/dev-lake [--only 05_codeswitch]

For each page prints the metadata that differs (title, program, year, language, doc_type), gold turns that no
predicted turn starts at, predicted turns that no gold turn matches, matched turns whose speaker, role or end
differs, boilerplate that leaked into segment text and must-keep sentences that were lost. It uses the scorer's
own matching (../shared/tools/score.py), so a line here is exactly a point lost there.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score.py"


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"gold_diff: cannot load the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _short(text: str | None, n: int = 70) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def metadata_lines(score: ModuleType, gold: dict[str, Any], pred: dict[str, Any]) -> list[str]:
    out = []
    for key in ("doc_type", "title", "program", "year", "language"):
        g, p = gold.get(key), pred.get(key)
        same = score.norm(str(g or "")) == score.norm(str(p or "")) if key != "year" else g == p
        if not same:
            out.append(f"  {key}: gold {g!r} / got {p!r}")
    return out


def turn_lines(score: ModuleType, gold: dict[str, Any], pred: dict[str, Any]) -> list[str]:
    turns = [s for s in pred["segments"] if s["kind"] == "turn"]
    matches = score.match_turns(gold["turns"], turns, pred["source"] or "")
    out = []
    for g, m in zip(gold["turns"], matches, strict=True):
        if m is None:
            out.append(f"  MISSED turn {g['speaker']} ({g['role']}): {_short(g['starts'])}")
            continue
        wrong = []
        if score.norm(m["speaker"]) != score.norm(g["speaker"]):
            wrong.append(f"speaker {m['speaker']!r} != {g['speaker']!r}")
        if m["role"] != g["role"]:
            wrong.append(f"role {m['role']!r} != {g['role']!r}")
        if not score.norm(m["text"]).endswith(score.norm(g["ends"])):
            wrong.append(f"ends …{_short(m['text'][-60:], 60)!r}, gold …{_short(g['ends'], 50)!r}")
        if wrong:
            out.append(f"  turn {_short(g['starts'], 40)!r}: " + "; ".join(wrong))
    matched = {id(m) for m in matches if m is not None}
    for t in turns:
        if id(t) not in matched:
            out.append(f"  EXTRA turn [{t['speaker']} / {t['role']}]: {_short(t['text'])}")
    return out


def text_lines(score: ModuleType, gold: dict[str, Any], pred: dict[str, Any]) -> list[str]:
    segs = pred["segments"]
    text_all = score.norm("\n".join(s["text"] or "" for s in segs))
    seg_lines = {score.norm(line) for s in segs for line in (s["text"] or "").splitlines()}
    out = []
    for b in gold["boilerplate"]:
        nb = score.norm(b)
        leaked = nb in seg_lines if len(score.words(b)) < 4 else nb in text_all
        if leaked:
            out.append(f"  LEAK {_short(b)}")
    out += [f"  LOST {_short(k)}" for k in gold["must_keep"] if score.norm(k) not in text_all]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True, type=Path, help="folder of gold JSON files")
    ap.add_argument("--lake", required=True, help="a published dataset (transcripts run --lake ...)")
    ap.add_argument("--cli", default="transcripts", help="the project's command (default: transcripts)")
    ap.add_argument("--only", default="", help="only pages whose file name starts with this")
    args = ap.parse_args()
    score = load_scorer()
    preds = score.load_prediction(score.Dataset(shlex.split(args.cli), args.lake))
    for path in sorted(args.gold.glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        if not gold["file"].startswith(args.only):
            continue
        pred = preds.get(Path(gold["file"]).stem) or preds.get(gold["file"])
        if pred is None:
            print(f"{gold['file']}: NOT PUBLISHED")
            continue
        lines = metadata_lines(score, gold, pred) + turn_lines(score, gold, pred) + text_lines(score, gold, pred)
        print(f"{gold['file']}: {'ok' if not lines else f'{len(lines)} differences'}")
        print("\n".join(lines)) if lines else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
