"""Sentences: the one sentence splitter of the pipeline (segment, speakers, quotes), with its abbreviations."""

from __future__ import annotations

import re
from functools import lru_cache

from transcripts.rules.names import ABBREVIATED_TITLES, COURTESY_TITLES
from transcripts.rules.words import wordset


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span with surrounding whitespace removed (start == end when it is blank)."""
    piece = text[start:end]
    core = piece.strip()
    if not core:
        return start, start
    a = start + len(piece) - len(piece.lstrip())
    return a, a + len(core)


_ABBREV = COURTESY_TITLES | ABBREVIATED_TITLES.keys() | wordset(
    """st jr sr no nos vol vs etc inc corp co ltd dept
    jan feb mar apr aug sep sept oct nov dec mt ft rev fig approx est assn ave blvd univ u.s u.k u.n e.g i.e
    ariz okla fla ga mich ill colo wash ore calif mo la tenn pa wis nev md miss neb vt n.m w.va mass conn
    """)
# a candidate end: terminal punctuation, closing quotes/brackets, then space and a plausible sentence start
# possessive and anchored to the first mark of a run: a run of 16,000 dots is one match, not a quadratic scan
_SENT_END = re.compile(r"(?<![.?!])[.?!]++[\"'”’)\]]*+(?=\s++[\"'“‘(\[]?[A-Z0-9À-ÖØ-ÞĀ-ſ])")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Does the '.' at text[dot] end an abbreviation rather than a sentence?"""
    start = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot), text.rfind("\t", 0, dot)) + 1
    word = text[start:dot].lstrip("\"“‘'(").lower()
    if not word:
        return False
    if len(word) == 1:  # an initial: "John F. Kennedy"
        return word.isalpha()
    if word in _ABBREV:
        return True
    if word in ("a.m", "p.m"):  # "at 10 a.m. The vote ..." ends a sentence
        return False
    return "." in word and all(len(p) <= 2 for p in word.split("."))  # U.S, D.C, N.Y


# Segment, speakers and quotes split the same turn or paragraph several times (greetings, self-introductions,
# descriptions, quotes): split each text once.
@lru_cache(maxsize=1 << 12)
def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of `text`, whitespace trimmed, in order."""
    end = len(text)
    out: list[tuple[int, int]] = []
    s = 0
    for m in _SENT_END.finditer(text):
        e = m.end()
        dot = m.start()
        if text[dot] == "." and m.end() - dot == 1 and _is_abbreviation(text, dot):
            # "No. 1", "Mr. Smith", "U.S. Senate": not a boundary
            continue
        a, b = strip_span(text, s, e)
        if a < b:
            out.append((a, b))
        s = e
    a, b = strip_span(text, s, end)
    if a < b:
        out.append((a, b))
    return tuple(out)
