"""suspect: turns that look wrong although nothing is invalid, so a layout nobody foresaw shows up in the run
summary without reading pages.

    turn_suspects(turns) -> reasons        (pure: one page's turns in reading order)
    page_suspects(Labeled) -> reasons
    table_suspects(segments table) -> {doc_id: reasons}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas.segments import SegmentKind as K
from transcripts.rules.labels import parse_label

if TYPE_CHECKING:
    import pyarrow as pa

    from transcripts.model import Labeled

# An unlabeled opening longer than this is rarely one host's intro: chrome, show notes or a lost label.
MAX_UNLABELED_OPENING_WORDS = 150
# A speaker whose only turn is this short is often a stray capitalised word taken for a label.
MAX_SHORT_TURN_WORDS = 3
# Below this many turns a label printed once is normal (a soundbite, a short exchange).
MIN_TURNS_FOR_SINGLE_LABEL = 6

UNLABELED_OPENING = f"unlabeled first turn > {MAX_UNLABELED_OPENING_WORDS} words"
SHORT_SPEAKER = f"speaker with one turn of <= {MAX_SHORT_TURN_WORDS} words"
SINGLE_LABEL = "one-word label of a speaker heard once"
REASONS = (UNLABELED_OPENING, SHORT_SPEAKER, SINGLE_LABEL)


@dataclass(frozen=True, slots=True)
class TurnSketch:
    """What the check needs of a turn."""

    label: str | None
    speaker_id: str | None
    n_words: int


def turn_suspects(turns: list[TurnSketch]) -> list[str]:
    """Why a page's turns look suspect (empty when they do not): a long unlabeled opening, a speaker heard
    once for a few words, a one-word person label (a surname) printed once for a speaker heard nowhere else on a
    long page (a typo, or a resolution that failed)."""
    if not turns:
        return []
    reasons = []
    if turns[0].label is None and turns[0].n_words > MAX_UNLABELED_OPENING_WORDS:
        reasons.append(UNLABELED_OPENING)
    per_speaker: Counter[str | None] = Counter(t.speaker_id for t in turns if t.speaker_id)
    if any(per_speaker[t.speaker_id] == 1 and t.label and t.n_words <= MAX_SHORT_TURN_WORDS for t in turns):
        reasons.append(SHORT_SPEAKER)
    labels: Counter[str | None] = Counter(t.label for t in turns if t.label)
    if len(turns) >= MIN_TURNS_FOR_SINGLE_LABEL and any(
            labels[t.label] == 1 and per_speaker[t.speaker_id] == 1 and _is_surname_label(t.label)
            for t in turns if t.label):
        reasons.append(SINGLE_LABEL)
    return reasons


def _is_surname_label(label: str) -> bool:
    parsed = parse_label(label)
    return parsed.kind == "person" and len(parsed.name.split()) == 1 and parsed.description is None


def page_suspects(page: Labeled) -> list[str]:
    segs = page.segmented.segments
    return turn_suspects([TurnSketch(s.speaker_label, s.speaker_id, len(s.text.split()))
                          for s in segs if s.kind == K.TURN])


def table_suspects(segments: pa.Table) -> dict[str, list[str]]:
    """Suspect pages of a segments table (rows in reading order per document), by doc_id."""
    import pyarrow.compute as pc

    turns: dict[str, list[TurnSketch]] = defaultdict(list)
    # filtered and ordered in Arrow: sorting the rows as Python tuples was a third of the time
    ordered = segments.filter(pc.equal(segments["kind"], K.TURN.value)).sort_by(
        [("doc_id", "ascending"), ("seg_idx", "ascending")])
    cols = ordered.select(["doc_id", "speaker_label", "speaker_id", "n_words"]).to_pydict()
    for doc_id, label, sid, n_words in zip(*cols.values(), strict=True):
        turns[doc_id].append(TurnSketch(label, sid, n_words))
    out = {doc_id: turn_suspects(page) for doc_id, page in turns.items()}
    return {doc_id: reasons for doc_id, reasons in out.items() if reasons}


def suspect_line(suspects: dict[str, list[str]], report: str | None) -> str | None:
    """'suspect: 3 pages (unlabeled first turn > 150 words: 2; ...) - see REPORT', None when no page is."""
    if not suspects:
        return None
    counts = Counter(r for reasons in suspects.values() for r in reasons)
    parts = "; ".join(f"{r}: {counts[r]}" for r in REASONS if counts[r])
    see = f" - see {report}" if report else ""
    return f"suspect: {len(suspects)} page{'s' if len(suspects) != 1 else ''} ({parts}){see}"
