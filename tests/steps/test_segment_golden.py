"""decode -> clean -> segment on the seed pages, judged against the golden files the way tools/score.py does."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from transcripts.model import Segment, Segmented, Source
from transcripts.steps.clean import clean_page
from transcripts.steps.decode import decode_page
from transcripts.steps.segment import invariant_violations, segment_page

SEED_NAMES = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def norm(text: str | None) -> str:
    """score.py's normalisation: casefolded, NFC, whitespace collapsed, typographic quotes/dashes flattened."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2014", "-").replace("\u2013", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def match_turns(gold_turns: list[dict], pred: list[Segment]) -> list[Segment | None]:
    """For each gold turn, the predicted turn whose text starts with the gold start, in order (as score.py)."""
    out: list[Segment | None] = []
    pos = 0
    for g in gold_turns:
        start = norm(g["starts"])
        found = None
        for j in range(pos, len(pred)):
            body = norm(re.sub(r"^\s*\((?:laughter|laughing)\)\s*", "", pred[j].text, flags=re.I))
            if body.startswith(start) or norm(pred[j].text).startswith(start):
                found = j
                break
        if found is None:
            out.append(None)
        else:
            out.append(pred[found])
            pos = found + 1
    return out


@pytest.fixture(scope="module")
def results(seeds_dir: Path) -> dict[str, Segmented]:
    out = {}
    for name in SEED_NAMES:
        src = decode_page((seeds_dir / name).read_bytes(), name)
        assert isinstance(src, Source), src
        out[name] = segment_page(clean_page(src))
    return out


@pytest.mark.parametrize("name", SEED_NAMES)
def test_segment_golden_doc_type_and_title(name: str, results: dict[str, Segmented], golden: dict) -> None:
    seg, gold = results[name], golden[name]
    assert seg.doc_type == gold["doc_type"]
    assert norm(seg.cleaned.title) == norm(gold["title"])
    assert seg.cleaned.duplicated_body == gold["duplicated_body"]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_segment_golden_turns(name: str, results: dict[str, Segmented], golden: dict) -> None:
    seg, gold = results[name], golden[name]
    turns = [s for s in seg.segments if s.kind == "turn"]
    matches = match_turns(gold["turns"], turns)
    assert len(turns) == len(gold["turns"]), "turn precision: extra or missing turns"
    src = seg.source.text
    for g, m in zip(gold["turns"], matches, strict=True):
        assert m is not None, f"no turn starts with {g['starts']!r}"
        assert norm(m.text).endswith(norm(g["ends"])), f"turn ends wrong: {m.text[-80:]!r}"
        assert m.speaker_label == g["label"]
        assert norm(g["starts"]) in norm(src[m.char_start:m.char_end]), "offsets do not hold the turn"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_segment_golden_keeps_content_and_drops_boilerplate(name: str, results: dict[str, Segmented],
                                                            golden: dict) -> None:
    seg, gold = results[name], golden[name]
    text_all = norm("\n".join(s.text for s in seg.segments))
    for keep in gold["must_keep"]:
        assert norm(keep) in text_all, keep
    seg_lines = [norm(line) for s in seg.segments for line in s.text.splitlines()]
    for b in gold["boilerplate"]:
        if len(re.findall(r"\w+", norm(b))) < 4:
            assert norm(b) not in seg_lines, f"boilerplate leaked as a line: {b!r}"
        else:
            assert norm(b) not in text_all, f"boilerplate leaked: {b!r}"
    markers = [norm(s.text) for s in seg.segments if s.kind == "marker"]
    for m in gold["markers"]:
        assert norm(m) in markers or norm(m) in text_all


@pytest.mark.parametrize("name", SEED_NAMES)
def test_segment_golden_coverage_is_complete(name: str, results: dict[str, Segmented]) -> None:
    seg = results[name]
    src = seg.source.text
    mask = bytearray(len(src))
    spans = [(s.char_start, s.char_end) for s in seg.segments] + [
        (r.char_start, r.char_end) for r in seg.cleaned.removed]
    for a, b in spans:
        mask[a:b] = b"\x01" * (b - a)
    missed = [i for i, ch in enumerate(src) if not ch.isspace() and not mask[i]]
    assert not missed, src[missed[0]:missed[0] + 60]
    assert invariant_violations(seg) == []


def test_segment_golden_repairs_run_together_words(results: dict[str, Segmented]) -> None:
    seg = results["002_a7df522fb442f5e4.txt"]
    text_all = "\n".join(s.text for s in seg.segments)
    for fixed in ("for expanding", "paper aimed", "and collectively"):
        assert fixed in text_all
    assert {"split:forexpanding", "split:paperaimed", "split:andcollectively"} <= set(seg.cleaned.repairs)
    assert "forexpanding" in seg.source.text  # sources.text is never rewritten


def test_segment_golden_article_parts(results: dict[str, Segmented]) -> None:
    seg = results["002_a7df522fb442f5e4.txt"]
    kinds = [s.kind for s in seg.segments]
    assert kinds.count("caption") == 1
    assert "For Putin, the visit was a diplomatic boon in time of need" in [
        s.text for s in seg.segments if s.kind == "heading"]
    assert seg.segments[kinds.index("paragraph")].text.startswith("TAIPEI and MOSCOW — China's top leader")
    assert seg.cleaned.notes["photo_credit"] == ["Mikhail Tereshchenko", "Sputnik, Kremlin Pool Photo via AP"]
    assert seg.cleaned.notes["copyright"] == ["Copyright 2023 NPR. To see more, visit"]
