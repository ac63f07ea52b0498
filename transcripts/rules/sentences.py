"""Sentences: the one sentence splitter of the pipeline (segment, speakers, quotes), with its abbreviations."""

from __future__ import annotations

import re
from functools import lru_cache

from transcripts.rules.names import ABBREVIATED_TITLES, COURTESY_TITLES
from transcripts.rules.words import wordset

_ABBREV = COURTESY_TITLES | frozenset(ABBREVIATED_TITLES) | wordset(
    """st jr sr no nos vol vs etc inc corp co ltd dept
    jan feb mar apr aug sep sept oct nov dec mt ft rev fig approx est assn ave blvd univ u.s u.k u.n e.g i.e
    ariz okla fla ga mich ill colo wash ore calif mo la tenn pa wis nev md miss neb vt n.m w.va mass conn
    """)
# a candidate end: terminal punctuation, closing quotes/brackets, then space and a plausible sentence start
# possessive and anchored to the first mark of a run: a run of 16,000 dots is one match, not a quadratic scan.
# It opens on the mark itself (the lookbehind follows it), so the regex engine skips to the next mark instead of
# trying the pattern at every character.
_SENT_END_FORM = r"{m}(?<!{m}{{2}}){m}*+[\"'”’)\]]*+(?=\s++[\"'“‘(\[]?[A-Z0-9À-ÖØ-ÞĀ-ſ])"
_SENT_END = re.compile(_SENT_END_FORM.format(m="[.?!]"))
# The splitter's form of it takes the blank after the end too: the end is where that blank starts and the next
# sentence starts where it ends, so no sentence is stripped of whitespace. It matches at the same marks (a blank
# holds none).
_SENT_BREAK_FORM = _SENT_END_FORM.replace(r"(?=\s++", r"(\s++)(?=")
_SENT_BREAK = re.compile(_SENT_BREAK_FORM.format(m="[.?!]"))
# The same where the text has no "?" or "!" (nine paragraphs in ten): a pattern opening on one literal character
# is searched for by the engine several times faster than one opening on a class.
_SENT_BREAK_DOT = re.compile(_SENT_BREAK_FORM.format(m=r"\."))


_LONGEST = max(len(w) for w in _ABBREV)
_OPENERS = "\"“‘'("  # stripped off a word before it is looked up

_LOOKBACK = 32  # chars before a dot searched for the word's start before the whole text is


def _word_start(text: str, dot: int) -> int:
    """Where the word before text[dot] starts: after the last space, newline or tab."""
    # look in a short window first (three rfinds over the whole text made each sentence cost the length of the
    # text before it)
    lo = max(0, dot - _LOOKBACK)
    window = text[lo:dot]
    cut = max(window.rfind(" "), window.rfind("\n"), window.rfind("\t"))
    if cut < 0 and lo:
        return max(text.rfind(" ", 0, lo), text.rfind("\n", 0, lo), text.rfind("\t", 0, lo)) + 1
    return lo + cut + 1


# A page's dots end the same few words again and again ("said", "Mr", "U.S"): decide each once.
@lru_cache(maxsize=1 << 14)
def _abbreviation(piece: str) -> bool:
    """Does the word `piece` (from its break to a '.') end an abbreviation rather than a sentence?"""
    word = piece.lstrip(_OPENERS).lower()
    if not word:
        return False
    if len(word) == 1:  # an initial: "John F. Kennedy"
        return word.isalpha()
    if word in _ABBREV:
        return True
    if word in ("a.m", "p.m"):  # "at 10 a.m. The vote ..." ends a sentence
        return False
    return "." in word and all(len(p) <= 2 for p in word.split("."))  # U.S, D.C, N.Y


def _is_abbreviation(text: str, dot: int) -> bool:
    """Does the '.' at text[dot] end an abbreviation rather than a sentence?"""
    return _abbreviation(text[_word_start(text, dot):dot])


def _ends_sentence(text: str, end: int) -> bool:
    """Is `end` (followed by a blank line) a sentence boundary of `text`? The one _SENT_END match that can end
    there starts on the run of marks before the closing quotes and brackets."""
    i = end
    while i > 0 and text[i - 1] in _CLOSERS:
        i -= 1
    j = i
    while j > 0 and text[j - 1] in ".?!":
        j -= 1
    if j == i:
        return False
    m = _SENT_END.match(text, j)
    return m is not None and m.end() == end and not (end - j == 1 and text[j] == "." and _is_abbreviation(text, j))


_CLOSERS = "\"'”’)]"


def _split_by_paragraph(text: str) -> tuple[tuple[int, int], ...] | None:
    """split_sentences of a turn's text (trimmed paragraphs joined by blank lines) from the sentences of its
    paragraphs, which the segment step has split already: a match of _SENT_END lies inside one paragraph, except
    one that ends a paragraph, and a paragraph that ends no sentence runs on into the next. None when the text
    is not of that shape."""
    parts = text.split("\n\n")
    if any(not p or p != p.strip() for p in parts):
        return None
    out: list[tuple[int, int]] = []
    pending = -1  # start of a sentence that runs on into the next paragraph
    offset = 0
    for k, part in enumerate(parts):
        sents = [(a + offset, b + offset) for a, b in split_sentences(part)]
        if pending >= 0:
            sents[0] = (pending, sents[0][1])
            pending = -1
        end = offset + len(part)
        if k < len(parts) - 1 and not _ends_sentence(text, end):
            pending = sents.pop()[0]
        out += sents
        offset = end + 2
    return tuple(out)


# Segment, speakers and quotes split the same turn or paragraph several times (greetings, self-introductions,
# descriptions, quotes): split each text once.
@lru_cache(maxsize=1 << 12)
def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of `text`, whitespace trimmed, in order."""
    if "\n" in text:  # a paragraph is one line (nearly all): one look for a line break answers both questions
        if "\n\n" in text:  # a turn of several paragraphs: put together from theirs
            joined = _split_by_paragraph(text)
            if joined is not None:
                return joined
        plain = False
    else:
        plain = "\t" not in text  # a word then starts after the last space: one rfind finds it
    out: list[tuple[int, int]] = []
    s = len(text) - len(text.lstrip()) if text[:1].isspace() else 0  # where the sentence being read starts
    marks = _SENT_BREAK if "?" in text or "!" in text else _SENT_BREAK_DOT
    for m in marks.finditer(text):
        dot = m.start()
        e, nxt = m.span(1)
        if e - dot == 1 and text[dot] == ".":
            # "No. 1", "Mr. Smith", "U.S. Senate": not a boundary
            if plain:
                w = text.rfind(" ", 0, dot) + 1
                # a word longer than every abbreviation, without a dot or an opening quote, ends a sentence:
                # answered without cutting it out and looking it up (half the sentences)
                if (dot - w <= _LONGEST or text[w] in _OPENERS or text.find(".", w, dot) >= 0) and _abbreviation(
                        text[w:dot]):
                    continue
            elif _abbreviation(text[_word_start(text, dot):dot]):
                continue
        out.append((s, e))  # from a non-blank character to a mark or closer: nothing to strip
        s = nxt
    end = len(text.rstrip())
    if s < end:
        out.append((s, end))
    return tuple(out)
