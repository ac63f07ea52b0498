"""Speaker labels ("LUCIAN KIM, BYLINE:", "Mr. JOHN DOE (Economist, X):", "Unidentified Man #1:") and production
markers ("(SOUNDBITE OF MUSIC)"): recognising them at line start, and taking a label apart.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from schemas.appearances import Role
from schemas.speakers import SpeakerKind
from transcripts.rules.names import (
    ABBREVIATED_TITLES,
    COURTESY_TITLES,
    PARTICLES,
    TITLE_PHRASE,
    TITLES,
    title_case_name,
)
from transcripts.rules.programs import PROGRAM_CAPS
from transcripts.rules.words import APOS_CHARS, wordset

# Any letter (É, Ş, Ł ...); whether a name is in capitals is checked in Python, which knows Unicode case.
_L = r"[^\W\d_]"
# "MA?GORZATA": a "?" stands for a letter lost to a legacy encoding
_NAME_TOKEN = rf"(?:{_L}|\?(?={_L}))(?:{_L}|[{APOS_CHARS}.\-]|\?(?={_L}))*"
_CAPS_NAME = rf"{_NAME_TOKEN}(?: +{_NAME_TOKEN})*"
_ROLE = rf"[A-Za-z][A-Za-z.&{APOS_CHARS}\- ]{{0,40}}"  # ", BYLINE" ", HOST" ", CNN CORRESPONDENT" ", host"
# "(Economist, X)" "(voice-over)" "(Caller)" "(Author, "Book: Subtitle (2nd ed.)")": one level of nesting
_PAREN = r"\((?:[^()\n]|\([^()\n]{0,60}\)){1,200}\)"
_UNIDENTIFIED = r"(?:UNIDENTIFIED|Unidentified|unidentified)(?:[ \-][A-Za-z]+){1,3}(?:\s*#\s*\d+)?"
# after the name: a role, a parenthetical, or both in either order ("SEN. JOHN MCCAIN (R), ARIZONA")


def _after_name(prefix: str) -> str:
    return rf"(?:, *(?P<{prefix}role>{_ROLE}))?(?: *{_PAREN})?(?:, *(?P<{prefix}role2>{_ROLE}))?"


def _label_re(titled: str) -> re.Pattern[str]:
    return re.compile(rf"^(?P<label>(?P<unid>{_UNIDENTIFIED}(?: *{_PAREN})?)|{titled}"
                      rf"|(?:(?P<name>{_CAPS_NAME}){_after_name('')})):(?=\s|$)")


# Unidentified Man #1 | Mr. JOHN DOE (Economist, X) | LUCIAN KIM, BYLINE | KIM
LABEL_RE = _label_re(rf"(?:(?P<hon>{TITLE_PHRASE}) +(?P<hname>{_CAPS_NAME}){_after_name('h')})")
# The same without the honorific branch (it never matches: same groups, always None), for a line whose first two
# letters open no honorific. Trying the dozens of honorifics, in any case, took half the time of a label's match.
_UNTITLED_LABEL_RE = _label_re("(?!)(?P<hon>)(?P<hname>)(?P<hrole>)(?P<hrole2>)")
# First two letters, lower case, of each word names.HONORIFIC matches ("Vice President", "Sen", "Mr")
_HONORIFIC_HEADS = frozenset(w[:2].lower() for w in (*TITLES.split("|"), *COURTESY_TITLES, *ABBREVIATED_TITLES))


# Role words printed after a label's name, in English and in the Spanish of NPR's Spanish-language transcripts.
ROLE_WORDS: dict[str, str] = {
    "host": Role.HOST, "co-host": Role.HOST, "anchor": Role.HOST, "presentador": Role.HOST,
    "presentadora": Role.HOST, "byline": Role.CORRESPONDENT, "reporting": Role.CORRESPONDENT,
    "correspondent": Role.CORRESPONDENT, "reporter": Role.CORRESPONDENT, "corresponsal": Role.CORRESPONDENT}
# Labels of a voice nobody named: "UNIDENTIFIED MAN #1", "PERSONA NO IDENTIFICADA", "HOMBRE NO IDENTIFICADO".
UNIDENTIFIED_WORDS = ("UNIDENTIFIED", "NO IDENTIFICAD")
_LOWER_ROLES = frozenset(ROLE_WORDS) | {"guest host", "special correspondent"}

# Words in capitals that end in a colon but name no speaker: programs, page furniture, notes.
NOT_SPEAKERS = PROGRAM_CAPS | wordset(
    """HERE AND NOW|NPR NEWS|NPR|
    NOTE|NOTES|UPDATE|UPDATED|CORRECTION|CLARIFICATION|EDITOR'S NOTE|EDITOR’S NOTE|WARNING|PHOTOS|PHOTO|VIDEO|
    LISTEN|WATCH|READ|READ MORE|MORE|ADVERTISEMENT|RELATED|SOURCE|SOURCES|CREDIT|Q|A|AND|BUT|SO|THE|TRANSCRIPT|
    NEXT UP|LIVE|BREAKING|BREAKING NEWS|ANALYSIS|OPINION|COMMENTARY|EXCLUSIVE|TIMELINE|FACT CHECK|U.S|OK|PS|P.S|
    TV|AM|FM|PM|USA|UPDATE|EDT|EST|ET|PT""", "|")
_ROLE_WORDS = re.compile(rf",|\(|\breporting\b|^{TITLE_PHRASE} |#|^unidentified", re.IGNORECASE)


def _in_capitals(name: str) -> bool:
    """JOHN DOE, LLOYD-JONES, O'BRIEN, McCAMMON, ANA DE la CRUZ: every name word in capitals."""
    if name == name.upper():  # most labels: no particle or "Mc" (all lower case) to look at word by word
        return sum(map(str.isalpha, name)) >= 2
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
MAX_PAREN_LABEL_CHARS = 220  # "Mr. X (Author, "A Long Book Title: And Its Subtitle")"
_PAREN_OR_BREAK = re.compile(r"[()\n]")


def _label_colon(line: str) -> int:
    """Where the colon that ends a label would be: the first colon, or, when a parenthetical opens before it,
    the colon right after that parenthetical's balanced close (a colon inside quotes or the book title is
    not the label's)."""
    colon = line.find(":", 0, MAX_LABEL_CHARS + 1)
    opening = line.find("(", 0, colon if colon >= 0 else MAX_LABEL_CHARS)
    if opening < 0:
        return colon
    depth = 0
    for m in _PAREN_OR_BREAK.finditer(line, opening, MAX_PAREN_LABEL_CHARS):  # visits only these characters
        ch = m.group()
        if ch == "\n":
            break
        depth += 1 if ch == "(" else -1
        if depth == 0:
            i = m.start()
            after = line.find(":", i, i + 45)  # "(R), ARIZONA:" has a role after the parenthetical
            return after if after >= 0 else colon
    return colon


def match_label(line: str) -> tuple[str, int] | None:
    """(label as printed without the colon, end of the colon) when the line opens with a speaker label.

    Labels sit at line start, are short and in capitals (or honorific + capitals, or "Unidentified ...").
    A program name in capitals ("ALL THINGS CONSIDERED:") or page furniture ("NOTE:") is not a speaker."""
    if not line or not (line[0].isalpha() or (line[0] == "?" and line[1:2].isalpha())) or ":" not in line:
        return None  # most lines of prose: no colon at all, answered without looking for one
    colon = _label_colon(line)
    # most lines of prose: no colon near the start, no label. The label pattern reads no further than the
    # character after the colon: the answer is the candidate's, which a page prints turn after turn.
    return None if colon < 0 else _match_label(line[:colon + 2])


@lru_cache(maxsize=1 << 12)
def _match_label(candidate: str) -> tuple[str, int] | None:
    """match_label of a line's start up to the character after its label's colon."""
    head = candidate[:2]  # an ASCII head settles it: only letters outside ASCII fold onto others ("ſ" onto "s")
    titled = not head.isascii() or head.lower() in _HONORIFIC_HEADS
    m = (LABEL_RE if titled else _UNTITLED_LABEL_RE).match(candidate)
    if m is None:
        return None
    end = m.end()
    if end > MAX_LABEL_CHARS + 1 and (end > MAX_PAREN_LABEL_CHARS + 1 or "(" not in m.group()):
        return None
    label, unid, hname, name, *roles = m.group("label", "unid", "hname", "name", "role", "role2", "hrole", "hrole2")
    if unid is None:
        name = hname or name or ""
        if name.endswith(" reporting"):
            name = name[: -len(" reporting")]
        for role in roles:
            if role is None:
                continue
            role = role.strip()
            if role.endswith(" reporting"):
                role = role[: -len(" reporting")]
            if role and role != role.upper() and role.lower() not in _LOWER_ROLES:
                return None
        if not _in_capitals(name) or name.upper() in NOT_SPEAKERS:
            return None
    return label.rstrip(), end


def label_is_strong(label: str) -> bool:
    """A label that cannot be a stray capitalised word: it carries a role, honorific, parenthetical or #."""
    return bool(_ROLE_WORDS.search(label)) or " " in label.strip()


# Labels not in capitals, trusted per page: "[Daniel Alarcón]: ...", "Daniel: ...", "Meghna Chakrabarti: ...".
_CASED_WORD = rf"[^\W\d_][\w.{APOS_CHARS}-]*"
_TIME_CODE = r"\[\d{1,2}:\d{2}(?::\d{2})?\]"
TIME_CODE_LABEL = re.compile(rf"^{_TIME_CODE} *\((?P<name>[^()]+)\)$")
# the clip's closing time code: "... en radioambulante.org [00:44]"; the narrator speaks again after it
CLIP_END = re.compile(rf"{_TIME_CODE}$")
CASED_LABEL_RE = re.compile(rf"^(?:(?P<label>\[(?P<bname>{_CASED_WORD}(?: {_CASED_WORD}){{0,3}})\]"
                            rf"|(?P<name>{_CASED_WORD}(?: {_CASED_WORD}){{0,3}})):"
                            # "[00:33] (Daniel) Mudanzas...": a clip's time code and its speaker in parentheses
                            rf"|(?P<tlabel>{_TIME_CODE} *\((?P<tname>{_CASED_WORD}(?: {_CASED_WORD}){{0,3}})\)))"
                            r"[ \t]+(?=\S)")
MIN_CASED_LABEL_LINES = 3  # paragraphs the page's set of such labels must open
MIN_CASED_LABELS = 2  # distinct names: one repeated prefix is a heading style, two voices are a dialogue


def _cased_label(line: str) -> tuple[str, int] | None:
    m = CASED_LABEL_RE.match(line)
    if m is None:
        return None
    name = m.group("bname") or m.group("name") or m.group("tname")
    words = name.split()
    if not all(w[0].isupper() for w in words) or name.upper() in NOT_SPEAKERS \
            or name.casefold() in {w.casefold() for w in NOT_SPEAKERS}:
        return None
    if m.group("tlabel"):
        return m.group("tlabel"), m.end("tlabel")
    return m.group("label"), m.end("label") + 1


def cased_labels(lines: list[str], removed: tuple[str, ...] = ()) -> list[tuple[str, int] | None]:
    """Per line, a label in title case or brackets, when the page uses them as its labels: the same small set
    of names opens at least MIN_CASED_LABEL_LINES paragraphs, with at least MIN_CASED_LABELS names; or, on a
    short excerpt, MIN_CASED_LABELS full names the page also writes in its own prose ("In an interview with
    Thelisha Eaddy, Meghna Chakrabarti ..." above "Thelisha Eaddy: ..." and "Meghna Chakrabarti: ..."); prose
    the clean step removed (title, teaser) counts in `removed`."""
    found = [_cased_label(line) for line in lines]
    names = Counter(parse_label(f[0]).name.split()[0].casefold() for f in found if f)
    if len(names) < MIN_CASED_LABELS:
        return [None] * len(lines)
    if sum(names.values()) < MIN_CASED_LABEL_LINES and not _named_in_prose(lines, found, removed):
        return [None] * len(lines)
    return found


def _named_in_prose(lines: list[str], found: list[tuple[str, int] | None], removed: tuple[str, ...]) -> bool:
    """Every label is a full name (two words or more) that a line without a label also writes."""
    prose = [line for line, f in zip(lines, found, strict=True) if f is None] + list(removed)
    full = {parse_label(f[0]).name for f in found if f}
    return all(len(name.split()) >= 2 and any(name in line for line in prose) for name in full)


# ------------------------------------------------------------------------------------------- markers

# A production/delivery marker alone on its line: (SOUNDBITE OF MUSIC), (Soundbite of music), (BEGIN VIDEOTAPE)
# (one level of nesting: "(SOUNDBITE OF SONG, "RAIN (REMIX)")")
MARKER_LINE_RE = re.compile(r"^\s*\((?=[^\n]*[A-Za-z])(?:[^()\n]|\([^()\n]{0,80}\)){1,160}\)\s*$")


# A bracketed production cue alone on its line: [PRE-ROLL], [AUDIO de olas y viento], [MUSIC]
BRACKET_MARKER_RE = re.compile(r"^\s*\[(?=[^\n]*[A-Za-z])[^\[\]\n]{1,160}\]\s*$")


def is_marker_line(line: str) -> bool:
    # asked of every line by several steps: a line that opens on anything else is answered without a regex
    opener = line[:1]
    if opener == "(":
        return MARKER_LINE_RE.match(line) is not None
    if opener == "[":
        return BRACKET_MARKER_RE.match(line) is not None
    return opener.isspace() and (MARKER_LINE_RE.match(line) is not None or BRACKET_MARKER_RE.match(line) is not None)



@dataclass(frozen=True, slots=True)
class ParsedLabel:
    """A printed speaker label taken apart."""

    printed: str
    name: str  # the name part as printed, honorific and role removed ("LUCIAN KIM")
    kind: str  # person | unidentified | group
    role_hint: str | None  # host | correspondent | None
    description: str | None  # from a parenthetical "(Economist, X)"
    honorific: str | None


_ROLE_WORD = "(?:" + "|".join(
    f"{w.upper()}|[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in sorted(ROLE_WORDS, key=len, reverse=True)) + ")"
# "LUCIAN KIM, BYLINE", "JOHN DOE, CNN CORRESPONDENT", "MELISSA BLOCK, host", "JACOB NELSON reporting"
_ROLE_SUFFIX = re.compile(rf"^(?P<name>.+?)(?:,\s*(?P<role>(?:[A-Z][\w.&]*\s+)*?{_ROLE_WORD})"
                          rf"|\s+(?P<role2>{_ROLE_WORD}))$")
# Parentheticals that say how the words were delivered, not who the speaker is.
DELIVERY_NOTES = frozenset({"caller", "ph", "voice-over", "voiceover", "voice over", "through interpreter",
                            "through translator", "via translator", "via interpreter", "on camera", "off camera",
                            "on-camera", "off-camera", "by telephone", "via telephone", "on phone", "singing",
                            "laughing", "as read", "recording", "on tape", "on the phone", "on speakerphone"})
_GENERIC = frozenset({"ANNOUNCER", "NARRATOR", "OPERATOR", "INTERPRETER", "TRANSLATOR", "CROSSTALK"})
_GROUP_WORDS = frozenset({"CROWD", "GROUP", "AUDIENCE", "CHORUS", "PEOPLE", "CHILDREN", "MEN", "WOMEN", "VOICES",
                          "SPEAKERS", "PROTESTERS", "DEMONSTRATORS", "STUDENTS", "SINGERS", "PANELISTS", "PANEL",
                          "BAND", "CAST", "ALL", "BOTH", "KIDS", "FANS", "CALLERS", "GUESTS", "HOSTS", "CHOIR"})


# "(Economist, X)", also before a role: "SEN. X (R), ARIZONA"
_PARENTHETICAL = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)")
_LEADING_HONORIFIC = re.compile(rf"^({TITLE_PHRASE})\s+")
_NUMBERED = re.compile(r"\s*#\d+$")  # "UNIDENTIFIED MAN #1"


def _is_group_name(upper: str) -> bool:
    """PANELISTS, CROWD, ALL, THE POP UPS (a band): a label that names several people at once."""
    words = upper.split()
    return bool(words) and (words[-1] in _GROUP_WORDS or (words[0] == "THE" and len(words) > 1))


@lru_cache(maxsize=1 << 12)  # a page prints the same label turn after turn
def parse_label(label: str) -> ParsedLabel:
    text = label.strip().rstrip(":").strip()
    if text.startswith("[") and text.endswith("]"):  # "[Daniel Alarcón]"
        text = text[1:-1].strip()
    elif (tm := TIME_CODE_LABEL.match(text)) is not None:  # "[00:33] (Daniel)"
        text = tm.group("name").strip()
    desc = None
    m = _PARENTHETICAL.search(text)
    if m:
        inner = m.group(1).strip()
        text = (text[: m.start()] + text[m.end():]).strip()
        if inner and inner.casefold() not in DELIVERY_NOTES:
            desc = inner
    honorific = None
    hm = _LEADING_HONORIFIC.match(text)
    if hm:
        honorific, text = hm.group(1), text[hm.end():]
        core = honorific.rstrip(".").casefold()
        if core not in COURTESY_TITLES:  # "Senator", "PRESIDENT", "Sen." say what the speaker is
            title = ABBREVIATED_TITLES.get(core) or (title_case_name(honorific) if honorific.isupper() else honorific)
            desc = f"{title} ({desc})" if desc else title
    role_hint = None
    rm = _ROLE_SUFFIX.match(text)
    if rm:
        role = (rm.group("role") or rm.group("role2")).split()[-1].casefold()
        role_hint = ROLE_WORDS[role]
        text = rm.group("name").strip().rstrip(",")
    elif "," in text:  # "JANE DOE, SENATOR": a title after the comma is a description
        text, _, rest = text.partition(",")
        rest = rest.strip()
        if rest:
            rest = title_case_name(rest) if rest.isupper() else rest
            desc = f"{desc}, {rest}" if desc else rest
    upper = text.upper()
    kind = SpeakerKind.PERSON
    unidentified = any(w in upper for w in UNIDENTIFIED_WORDS)
    if unidentified or upper in _GENERIC or upper.startswith(("MULTIPLE", "GROUP")):
        last = _NUMBERED.sub("", upper).split()[-1]
        plural = last in _GROUP_WORDS or (last.endswith("S") and not last.endswith("SS") and len(last) > 3
                                          and "#" not in upper)
        kind = SpeakerKind.GROUP if plural or upper.startswith(("MULTIPLE", "GROUP")) else SpeakerKind.UNIDENTIFIED
    elif _is_group_name(upper):
        kind = SpeakerKind.GROUP
    return ParsedLabel(label, text, kind, role_hint, desc, honorific)
