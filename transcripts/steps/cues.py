"""What a page's text says about its speakers, read sentence by sentence: bio lines, greetings, self-introductions
and the role they imply, descriptions, staff credits, and an announcer's hand-over to the host. The speakers
step weighs this evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from schemas.appearances import Role
from transcripts.rules.names import NOT_NAME, TITLE_WORDS, find_names, fold, name_at
from transcripts.rules.sentences import split_sentences
from transcripts.rules.speech import (
    APPOSITIVE,
    BIO_SENTENCE,
    DESC_BEFORE,
    DESC_END,
    DESC_IS,
    DESC_NOT,
    DESC_START,
    DESC_STOP,
    GREETING,
    GREETING_REACH,
    GREETING_STARTS,
    HANDS_OVER,
    NPRS,
    OUR_STAFF,
    OUR_STAFF_HINTS,
    SELF_HOST,
    SELF_INTRO,
    SELF_INTRO_HINTS,
    SELF_INTRO_IN,
    SELF_INTRO_LITERALS,
    SELF_SIGNOFF,
    SELF_STAFF,
    THANKS_HINT,
    THANKS_NAME,
    WORKING_ON_STORY,
    WORKING_ON_STORY_HINTS,
)
from transcripts.rules.words import APOS, APOSTROPHES, joint_starts, texts_holding, unify_apostrophes

# How far after "here's your host" the host's name may stand: "..., who's searching Amazon ... It's Peter Sagal."
HANDED_NAME_CHARS = 250


def parse_bios(lines: list[str]) -> dict[str, tuple[str, str]]:
    """'Emily Feng is NPR's Beijing correspondent.' -> {'emily feng': ('Emily Feng', "NPR's Beijing ...")}."""
    out: dict[str, tuple[str, str]] = {}
    for line in lines:
        for a, b in split_sentences(line):
            m = BIO_SENTENCE.match(line[a:b].strip())
            if not m:
                continue
            names = find_names(m.group(1))
            if len(names) == 1 and names[0][2] == m.group(1).strip() and len(names[0][2].split()) >= 2:
                name = names[0][2].translate(APOSTROPHES)
                out.setdefault(fold(name), (name, m.group(2).strip()))
    return out


def vocative(sentence: str) -> str | None:
    m = GREETING.match(sentence) or THANKS_NAME.match(sentence)
    if not m:
        return None
    word = m.group(1).translate(APOSTROPHES)
    if not word[0].isupper():
        return None
    return None if word.casefold() in NOT_NAME or word.casefold() in TITLE_WORDS else word


def may_greet(text: str) -> bool:
    """Whether the first or the last sentence of `text` can be a greeting (`vocative`), told without splitting it:
    the first sentence opens the text, the last closes it."""
    if THANKS_HINT in text:
        return True
    text = text.strip()
    if text.startswith(GREETING_STARTS):
        return True
    comma = text.rfind(", ")
    if comma > 0:
        window = text[max(0, comma - GREETING_REACH):comma]
        for g in GREETING_STARTS:  # a loop, not any(): most turns are asked, and a generator costs more than the test
            if g in window:
                return True
    return False


# a turn is asked while reading the labels, again while listening, and for each unlabeled turn after it
@lru_cache(maxsize=1 << 12)
def self_names(text: str) -> tuple[str, ...]:
    # every SELF_INTRO form holds one of these strings: substring tests are far cheaper than the regex scan (and
    # a loop than any() over a generator, for every turn)
    for hint in SELF_INTRO_HINTS:
        if hint in text:
            break
    else:
        return ()
    starts = _intro_starts(text)
    intros = _matches(SELF_INTRO, text, starts)
    # the names right after the introductions, read where they stand rather than in the whole turn
    names: dict[int, str] = {}
    for m in intros:
        name = name_at(text, m.end(), 2)
        if name is None:  # "Soy Daniel Alarcón": a capitalised intro word ran into the name
            joined = name_at(text, m.start(), 2) or ""
            if joined.startswith(m.group()) and len(joined[m.end() - m.start():].split()) >= 2:
                name = joined[m.end() - m.start():]
        if name is not None:
            names[m.end()] = name
    if len(names) < len(intros):
        # "I'm B.A. Parker.": initials the name finder does not join (SELF_INTRO_IN's forms are SELF_INTRO's)
        for m in _matches(SELF_INTRO_IN, text, starts):
            if "." in m.group("name").split()[0]:
                names.setdefault(m.start("name"), m.group("name"))
    return tuple(names[m.end()].translate(APOSTROPHES) for m in intros if m.end() in names)


def _intro_starts(text: str) -> list[int]:
    """Where a SELF_INTRO match can start, in order: just before one of its literals."""
    starts: set[int] = set()
    for literal, back in SELF_INTRO_LITERALS:
        i = text.find(literal)
        while i >= 0:
            if i >= back:
                starts.add(i - back)
            i = text.find(literal, i + 1)
    return sorted(starts)


def _matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """list(pattern.finditer(text)) when every match starts at one of `starts`, tried there only: the leftmost
    match after the previous one, as a scan finds it."""
    out: list[re.Match[str]] = []
    for start in starts:
        if (not out or start >= out[-1].end()) and (m := pattern.match(text, start)):
            out.append(m)
    return out


@lru_cache(maxsize=1 << 10)  # a turn that repeats its introduction asks again about the same name
def self_role(text: str, name: str) -> str | None:
    """Role a self-introduction implies: station ID -> host, 'I cover' / 'NPR News' sign-off -> correspondent."""
    # the sentences that hold the name, from where it stands in the text: not every sentence of a long turn tested
    for a, b in _holding(split_sentences(text), _starts(name, unify_apostrophes(text)), len(name)):
        s = text[a:b]
        nxt = text[b:b + 40]
        if SELF_STAFF.search(s + " " + nxt) or SELF_SIGNOFF.search(s):
            return Role.CORRESPONDENT
        if SELF_HOST.search(text[max(0, a - 80):b]):
            return Role.HOST
    return None


@dataclass(frozen=True)
class Texts:
    """A page's texts and the same joined by newlines, for the searches that cover them all (texts_holding)."""

    items: list[str]
    joined: str
    starts: list[int]

    @classmethod
    def of(cls, texts: list[str]) -> Texts:
        return cls(texts, "\n".join(texts), joint_starts(texts))

    def holding(self, literals: tuple[str, ...]) -> list[int]:
        """The texts (by index) that hold one of `literals` (no newline in any), in order."""
        return texts_holding(self.joined, self.starts, literals)


def describe(name: str, texts: Texts) -> str | None:
    """A description the page's prose gives a person: 'X is a senior fellow at Y', 'Putin's spokesman, X,',
    'Here's X, the mayor of Y.'"""
    # the name as written, either apostrophe for a straight one: a plain search of the sentence with its right
    # single quotes straightened (one pattern compiled per name cost more than the search)
    curly = re.compile(re.escape(name).replace("'", APOS)) if "\u2019" in name else None
    plain = "'" not in name  # written only as it is: a text that does not hold it is not split
    surname = name.split()[-1]
    # the texts that hold the name as written (which holds the surname), else the surname: one search of the page
    needle = name if plain else surname
    for k in texts.holding((needle,)) if "\n" not in needle else range(len(texts.items)):
        text = texts.items[k]
        if surname not in text or (plain and name not in text):
            continue
        # the sentences that hold the name (either apostrophe for a straight one), from where it stands in the text
        sents: Sequence[tuple[int, int]] = split_sentences(text)
        if curly is None:
            sents = _holding(sents, _starts(name, text.replace("\u2019", "'")), len(name))
        for a, b in sents:
            s = text[a:b]
            for start, end in _spans(name, s) if curly is None else (m.span() for m in curly.finditer(s)):
                tail = s[end:]
                # DESC_BEFORE ends on ", " at the end of what precedes: test that before scanning all of it
                if tail.startswith(",") and s[:start].endswith((", ", ", \n")) \
                        and (pre := DESC_BEFORE.search(s[:start])):
                    return pre.group(1)
                found = None
                t = DESC_IS.match(tail)
                if t and DESC_START.match(t.group(1)) and not DESC_NOT.match(t.group(1)):
                    found = t.group(1)
                elif tail.startswith(", ") and APPOSITIVE.match(tail[2:]):
                    found = tail[2:]
                if found:
                    found = DESC_STOP.sub("", found).strip()
                    found = DESC_END.sub(r"\1", found).strip()  # keep a title's closing quote
                    if 1 < len(found.split()) <= 30 or (found and found[0].islower()):
                        return found
    return None


def _starts(needle: str, text: str) -> list[int]:
    """Every place `needle` starts in `text`, overlapping ones included."""
    out = []
    i = text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def _holding(sents: Sequence[tuple[int, int]], starts: list[int], n: int) -> list[tuple[int, int]]:
    """The sentences (split_sentences: in order, none overlapping) that hold a needle of length `n` starting at
    one of `starts` (sorted), in order: each start looked up in the sentences, not each sentence tested."""
    out: list[tuple[int, int]] = []
    last = -1
    for start in starts:
        k = bisect_left(sents, (start + 1,)) - 1  # the last sentence starting at or before it: the only one to hold it
        if k > last and start + n <= sents[k][1]:
            out.append(sents[k])
            last = k
    return out


def _spans(name: str, s: str) -> Iterator[tuple[int, int]]:
    """Where `name` (no right single quote in it) is written in `s`, its apostrophes straight or curly."""
    s = s.replace("\u2019", "'")
    i = s.find(name)
    while i >= 0:
        yield i, i + len(name)
        i = s.find(name, i + len(name))


def staff_names(page_texts: Texts) -> tuple[set[str], set[str]]:
    """Staff journalists: folded names the page credits as "NPR's Lucian Kim"; and the show's crew, "our producer
    Marcela Quiroga" or a first name the host hands a story to ("Lisette está trabajando en la crónica ...")."""
    staff: set[str] = set()
    crew: set[str] = set()
    # one pass over the page for each cue's literals (its hints), which no text's joint crosses: the texts that
    # hold none are never scanned by the cue's regex, and a page that holds none is not read again
    texts, page, starts = page_texts.items, page_texts.joined, page_texts.starts
    for m in NPRS.finditer(page):  # a literal opens it: the regex engine skips ahead to "NPR" by itself
        end = starts[bisect_right(starts, m.start())] - 1  # the end of the text it is in
        after = name_at(page[m.end():min(m.end() + 80, end)], 0, 2)  # the first name of the 80 characters after
        if after is not None:
            staff.add(fold(after))
    for k in page_texts.holding(OUR_STAFF_HINTS):
        for m in OUR_STAFF.finditer(texts[k]):
            after = name_at(texts[k][m.end():m.end() + 80], 0, 2)
            if after is not None:
                crew.add(fold(after))
    for k in page_texts.holding(WORKING_ON_STORY_HINTS):
        for a, b in split_sentences(texts[k]):
            if (w := WORKING_ON_STORY.match(texts[k][a:b])) is not None:
                crew.add(fold(w.group("name")))
    return staff, crew


def handed_hosts(texts: list[str]) -> dict[str, str]:
    """Folded name -> name of whoever an announcer hands the show to: "And here's your host, ... Peter Sagal."
    (the name that ends a sentence within reach of the hand-over)."""
    out: dict[str, str] = {}
    for text in texts:
        if "host" not in text:
            continue
        for m in HANDS_OVER.finditer(text):
            window = text[m.end():m.end() + HANDED_NAME_CHARS]
            for _, b, name in find_names(window, 2):
                if window[b:b + 1] in (".", "!", ""):
                    out[fold(name)] = name.translate(APOSTROPHES)
                    break
    return out
