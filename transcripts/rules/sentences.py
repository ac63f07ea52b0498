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


_WORD_BREAKS = re.compile(r"[ \n\t]")
_LOOKBACK = 32  # chars before a dot searched for the word's start before the whole text is


def _is_abbreviation(text: str, dot: int) -> bool:
    """Does the '.' at text[dot] end an abbreviation rather than a sentence?"""
    # the word starts after the last space, newline or tab before the dot: look in a short window first (three
    # rfinds over the whole text made each sentence cost the length of the text before it)
    lo = max(0, dot - _LOOKBACK)
    window = text[lo:dot]
    cut = max(window.rfind(" "), window.rfind("\n"), window.rfind("\t"))
    if cut < 0 and lo:
        start = max(text.rfind(" ", 0, lo), text.rfind("\n", 0, lo), text.rfind("\t", 0, lo)) + 1
    else:
        start = lo + cut + 1
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
    out: list[tuple[int, int]] = []
    s = 0
    for m in _SENT_END.finditer(text):
        dot, e = m.span()
        if e - dot == 1 and text[dot] == "." and _is_abbreviation(text, dot):
            # "No. 1", "Mr. Smith", "U.S. Senate": not a boundary
            continue
        piece = text[s:e]  # strip_span, inlined: one call per sentence adds up
        core = piece.strip()
        if core:
            a = s + len(piece) - len(piece.lstrip())
            out.append((a, a + len(core)))
        s = e
    a, b = strip_span(text, s, len(text))
    if a < b:
        out.append((a, b))
    return tuple(out)
