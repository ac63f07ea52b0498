"""Quoted speech in prose, with who said it: '"...," says Sharyl Cross', '"..." Greene argues', 'Xi ...: "..."'."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from schemas.segments import SegmentKind as K
from transcripts.model import Quote, Segment
from transcripts.rules.names import PARTICLES, NameBook, find_names, fold, has_surname
from transcripts.rules.offsets import SegmentOffsets
from transcripts.rules.sentences import split_sentences
from transcripts.rules.words import APOSTROPHES, count_words

CUES = (r"says|said|say|writes|wrote|argues|argued|adds|added|tells|told|explains|explained|notes|noted|recalls|"
        r"recalled|continues|continued|asks|asked|insists|insisted|warns|warned|tweeted|posted|reported|replied|"
        r"replies|concluded|concludes|acknowledged|acknowledges|according to")
_CUE_FIRST = re.compile(rf"^(?:{CUES})\b")
_CUE_AFTER_NAME = re.compile(rf"^(?:,.{{1,200}}?,)?\s+(?:also |later |then |previously |once )?({CUES})\b")
_PRONOUN = re.compile(rf"^(he|she|they)\s+(?:also\s+|later\s+)?({CUES})\b", re.I)
_REPORTED = re.compile(r"^[^\"“”.]{0,80}?\b(reported|quoted|cited)\s+")
_CUE_BEFORE = re.compile(rf"\b({CUES}|called|calls|described|describes)\b")
# who a pronoun's "she says" points back to: the last person named as a speaker earlier in the paragraph
_NAMED_SPEAKER = re.compile(rf"\b(?:[Aa]ccording to (?P<after>[A-Z][^,.;:\"“”]{{1,60}})"
                            rf"|(?P<before>[A-Z][\w'’.-]+)(?:,[^,\"“”]{{1,120}},|,)? +(?:{CUES})\b)")
_PUNCT_END = re.compile(r"[.,!?;:]$")
_LEADING_SEP = re.compile(r"^[\s,]+")
_LEADING_PRONOUN = re.compile(r"\s*(he|she|they)\b", re.I)
_AS_SAYING = re.compile(r"\s+as\s+(?:saying|telling)\b")
_SENTENCE_END = re.compile(r"[.!?]")
_SPACE = re.compile(r"\s+")
MIN_WORDS = 4  # shorter quotations are scare quotes or phrases ("new geopolitical realities"), not quoted speech
MIN_SPOKEN_WORDS = 3  # ... unless they end on their own punctuation, as speech does: "It's a giveaway,"
_SPOKEN_END = re.compile(r"[,.!?]$")


@dataclass(slots=True)
class _Found:
    a: int  # inner start in segment text
    b: int  # inner end
    oa: int  # outer start (opening mark)
    ob: int  # outer end (after closing mark, or paragraph end)


def _long_enough(inner: str) -> bool:
    n = count_words(inner)
    return n >= MIN_WORDS or (n >= MIN_SPOKEN_WORDS and _SPOKEN_END.search(inner) is not None)


def _is_title(inner: str) -> bool:
    """'The Weight of Water': a book or film title, not speech."""
    words = [w for w in inner.split() if w.lower() not in _SMALL]
    return not _PUNCT_END.search(inner) and all(w[:1].isupper() or w[:1].isdigit() for w in words)


_SMALL = frozenset({"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by", "from", "with", "or"})


_OPEN_MARK = re.compile(r'[“"]')
_CLOSE_MARK = re.compile(r'[”"]')
_PARA_BREAK = re.compile(r"\n\n")


def quotations(text: str) -> list[_Found]:
    """Double-quoted stretches; a quotation left open at a paragraph's end runs to that end."""
    out: list[_Found] = []
    if _OPEN_MARK.search(text) is None:  # most paragraphs quote nobody: their breaks are not listed
        return out
    para_end = [m.start() for m in _PARA_BREAK.finditer(text)] + [len(text)]
    pos = 0
    while (m := _OPEN_MARK.search(text, pos)) is not None:  # jump from mark to mark, not character by character
        i = m.start()
        if text[i] == '"' and i > 0 and text[i - 1].isalnum():  # 12" or a closing mark: opens nothing
            pos = i + 1
            continue
        end_par = para_end[bisect_left(para_end, i)]
        close = _CLOSE_MARK.search(text, i + 1, end_par)  # either opening mark is closed by ” or "
        if close is None:
            out.append(_Found(i + 1, end_par, i, end_par))
            pos = end_par
        else:
            out.append(_Found(i + 1, close.start(), i, close.start() + 1))
            pos = close.start() + 1
    return out


class _People:
    """Person names in document order, to complete a surname or first mention ("Greene" -> "Sam Greene")."""

    def __init__(self, texts: list[str], extra: list[str], book: NameBook) -> None:
        self._texts = texts
        self._extra = extra
        self._book = book  # its first texts are `texts`: the page's folded once, for speakers and quotes
        self._resolved: dict[str, str | None] = {}

    def _full_names_with(self, words: list[str]) -> Iterator[str]:
        """The full names (2+ words) whose folded words include `words`, in page order (repeats included), read
        text by text as they are asked for. Only the texts whose folded form holds every word are read: folding
        goes character by character, so a name's folded form is a piece of its text's, and few of a page's texts
        name the person a lone name may be."""
        if not words:
            return
        want = set(words)
        for k in self._book.holding(list(dict.fromkeys(words))):
            if k < len(self._texts):
                for found, n_words in self._book.names_near(k, words[0]):
                    name = found.translate(APOSTROPHES)
                    if n_words >= 2 and want <= set(fold(name).split()):
                        yield name

    def resolve(self, name: str) -> str | None:
        name = name.translate(APOSTROPHES)
        words = name.split()
        if len(words) >= 2 and not words[0].islower():
            return name
        if name not in self._resolved:
            w = fold(name).split()  # a surname ("Greene", "del Río") or a first mention ("Xi")
            # the first full name (the page's in page order, then the extra ones) with that surname, else the first
            # with that first name: the page's texts are read only up to the first with the surname
            by_first = None
            for full in chain(self._full_names_with(w), self._extra):
                if has_surname(full, name):
                    self._resolved[name] = full
                    break
                if by_first is None and len(w) == 1 and fold(full).split()[:1] == w:
                    by_first = full
            else:
                self._resolved[name] = by_first
        return self._resolved[name]


_LEADING_PARTICLES = re.compile(r"^(?:(?:" + "|".join(sorted(PARTICLES)) + r") )+(?=[^\W\d_])")


def _name_at_start(text: str) -> tuple[str, int] | None:
    """A person name opening `text` (titles such as 'Chinese President' may precede it); a surname may open
    on a particle ("del Río said")."""
    particles = _LEADING_PARTICLES.match(text)
    if particles:
        rest = find_names(text[particles.end():particles.end() + 200])
        if rest and rest[0][0] == 0:
            return text[:particles.end()] + rest[0][2], particles.end() + rest[0][1]
    for a, b, n in find_names(text[:200]):
        lead = text[:a]
        if lead.strip() and not all(w[:1].isupper() for w in lead.split()):
            return None
        return n, b
    return None


def _attribution_after(after: str) -> tuple[str | None, str | None, bool]:
    """(name, cue, pronoun?) from the words after a quotation."""
    after = _LEADING_SEP.sub("", after)
    m = _CUE_FIRST.match(after)
    if m:
        hit = _name_at_start(after[m.end():].lstrip())
        if hit:
            return hit[0], m.group(), False
        p = _LEADING_PRONOUN.match(after[m.end():])
        if p:
            return None, m.group(), True
    hit = _name_at_start(after)
    if hit and not after.startswith(("The ", "A ")):
        c = _CUE_AFTER_NAME.match(after[hit[1]:])
        if c:
            return hit[0], c.group(1), False
    p = _PRONOUN.match(after)
    if p:
        return None, p.group(2), True
    r = _REPORTED.match(after)
    if r:
        rest = after[r.end():]
        hit = _name_at_start(rest)
        if hit and _AS_SAYING.match(rest[hit[1]:]):
            return hit[0], r.group(1), False
    return None, None, False


def _attribution_before(before: str, people: _People) -> tuple[str | None, str | None]:
    """From the sentence that leads into a quotation: 'Xi brushed off criticism: "', 'Putin said he had "'."""
    if not before.strip():
        return None, None
    stripped = before.rstrip()
    cues = list(_CUE_BEFORE.finditer(before))
    if stripped.endswith(":") or (cues and not _SENTENCE_END.search(before[cues[-1].end():])):
        limit = cues[-1].start() if cues and not stripped.endswith(":") else len(before)
        names = [n for _, b, n in find_names(before[:limit]) if people.resolve(n)]
        if names:
            name = names[0] if stripped.endswith(":") else names[-1]
            return name, cues[-1].group() if cues else None
    return None, None


def _named_speaker(before: str, people: _People) -> str | None:
    """The last person the paragraph names as speaking before a quotation: "According to Fenwick, ...",
    "Lorraine Abernathy-Voss, says she ..." (a pronoun's antecedent, before any earlier quotation's speaker)."""
    found = None
    for m in _NAMED_SPEAKER.finditer(before):
        if m.group("after"):
            hit = _name_at_start(m.group("after"))
            name = hit[0] if hit else None
        else:
            names = find_names(before[max(0, m.start("before") - 60):m.end("before")])
            name = names[-1][2] if names else None
        if name and people.resolve(name):
            found = name
    return found


def _last_named(text: str, people: _People) -> str | None:
    """The last person a paragraph names: asked only when a quotation's pronoun needs it (resolving a lone name
    reads every name of the page)."""
    return next((n for _, _, n in reversed(find_names(text)) if people.resolve(n)), None)


def extract_quotes(segments: list[Segment], source: str, extra_names: list[str],
                   book: NameBook | None = None) -> list[Quote]:
    """Attributed quotations in the page's prose paragraphs, with their offsets in the source text. `book`: the
    page's NameBook, whose first texts are the segments' (made here when not given)."""
    prose = [(i, s) for i, s in enumerate(segments) if s.kind == K.PARAGRAPH]
    texts = [s.text for s in segments]
    people = _People(texts, extra_names, book if book is not None else NameBook(texts))
    quotes: list[Quote] = []
    last_speaker: str | None = None  # the last attributed speaker, for pronouns and continued quotations
    prev_para_speaker: str | None = None
    prev_para: str | None = None  # the previous paragraph, whose last named person a pronoun may point to
    prev_idx = -2
    for idx, seg in prose:
        if idx != prev_idx + 1:  # a heading or caption in between ends any continued quotation
            prev_para_speaker = prev_para = None
        prev_idx = idx
        text = seg.text
        offsets = None  # mapped only for a paragraph that has a quotation to place
        found = quotations(text)
        sents = split_sentences(text) if found else ()  # split only a paragraph that quotes someone
        para_speaker: str | None = None
        for q in found:
            inner = text[q.a:q.b].strip()
            if not _long_enough(inner) or _is_title(inner):
                continue
            a = q.a + (len(text[q.a:q.b]) - len(text[q.a:q.b].lstrip()))
            b = a + len(inner)
            sent = next(((x, y) for x, y in sents if x <= q.oa < y), (0, len(text)))
            after = text[q.ob:max(sent[1], q.ob + 1)] if q.ob < sent[1] else text[q.ob:q.ob + 200]
            after = after.split("\n\n")[0]
            name, cue, pronoun = _attribution_after(after)
            if name is None and pronoun:
                name = _named_speaker(text[:q.oa], people)
                if name is None and not text[:q.oa].strip():  # "Balakrishnan is one of them." / "“...,” he says."
                    name = _last_named(prev_para, people) if prev_para else None
                name = name or last_speaker
            if name is None and not pronoun:
                name, cue = _attribution_before(text[sent[0]:q.oa], people)
            if name is None:
                # a quotation continued: later in the same paragraph, or a paragraph that opens on a quotation
                if para_speaker:
                    name = para_speaker
                elif not text[:q.oa].strip() and prev_para_speaker:
                    name = prev_para_speaker
                else:  # "X, who manages the farm, said the mall ... The escalators make \"...\""
                    name = _named_speaker(text[:q.oa], people)
            full = people.resolve(name) if name else None  # None for a lone word naming nobody introduced
            if offsets is None:
                offsets = SegmentOffsets(text, seg.paragraphs, source, seg.char_start)
            span = offsets.span(a, b)
            if span is None:
                continue
            if _SPACE.sub("", source[span[0]:span[1]]) != _SPACE.sub("", inner) and \
                    len(source[span[0]:span[1]]) > len(inner) + 5:
                continue
            quotes.append(Quote(idx, span[0], span[1], inner, full, None, cue))
            if full:
                para_speaker = last_speaker = full
        prev_para_speaker = para_speaker
        prev_para = text
    return quotes
