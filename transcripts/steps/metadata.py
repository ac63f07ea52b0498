"""Document metadata the page states about itself: language, program, year, dateline, bylines."""

from __future__ import annotations

import re
from collections import Counter

from transcripts.rules.names import APOSTROPHES, find_names, fold

# NPR programs by their proper names; the page may print them in capitals ("This is MORNING EDITION").
PROGRAMS = (
    "Morning Edition", "All Things Considered", "Weekend Edition Saturday", "Weekend Edition Sunday",
    "Weekend Edition", "Weekend All Things Considered", "Fresh Air", "Here & Now", "Up First",
    "The NPR Politics Podcast", "Talk of the Nation", "Day to Day", "Tell Me More", "News & Notes",
    "Wait Wait... Don't Tell Me!", "Consider This", "Planet Money", "The Indicator from Planet Money",
    "Hidden Brain", "Code Switch", "Throughline", "It's Been a Minute", "Life Kit", "Short Wave",
    "TED Radio Hour", "Latino USA", "On Point", "1A", "Marketplace", "The Takeaway", "Embedded",
    "Rough Translation", "Invisibilia", "All Songs Considered", "Alt.Latino", "Snap Judgment",
    "The Bryant Park Project", "Radio Times",
)
# "NPR Politics Podcast" names "The NPR Politics Podcast"; "Takeaway" alone names nothing
_PROG_FORMS = sorted({form: p for p in PROGRAMS for form in (p, p.removeprefix("The "))
                      if " " in form or form == p}.items(), key=lambda kv: -len(kv[0]))
_PROG_RE = re.compile(r"(?<![\w&])(" + "|".join(re.escape(f) for f, _ in _PROG_FORMS) + r")(?![\w&])", re.I)
_PROG_OF = {fold(f): p for f, p in _PROG_FORMS}
_PROG_OF_EXACT = {f for f, _ in _PROG_FORMS}
_STATION_ID = re.compile(r"(?:\b(?:[Tt]his is|[Ii]t's|[Ii]t’s|[Ww]elcome to|listening to|[Ff]rom NPR News,? this is)"
                         r"(?: the)?|^Heard on|\bhost of (?:NPR's |NPR’s )?(?:the )?)\s*$")

_YEAR = r"((?:19|20)\d\d)"
_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|April|May|June|July|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|"
          r"Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
_COPYRIGHT = re.compile(r"\bCopyright\s*(?:©|\(c\)|&copy;)?\s*" + _YEAR + r"\b", re.I)
_A_YEAR = re.compile(r"\b" + _YEAR + r"\b")
# present-tense self-dating in speech: "here we are in 2019", "It's Monday, March 3, 2025", "recorded at ... 2020"
_TEXT_YEAR = re.compile(
    r"\bhere we are in " + _YEAR + r"\b|\b(?:[Ii]t's|[Ii]t’s|[Tt]oday is|recorded|[Ii]t is now)\b[^!?\n]{0,80}?\b"
    + _MONTH + r"\s+\d{1,2},\s+" + _YEAR + r"\b|\b(?:[Ii]t's|[Ii]t’s|[Ii]t is) now " + _YEAR + r"\b")
_DATELINE = re.compile(r"^([^\W\d_a-z]++(?:[ .'’-]++[^\W\d_a-z]++)*\.?"
                       r"(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?"
                       r"(?:,? and [^\W\d_a-z][^\W\d_a-z.'’-]*(?: [^\W\d_a-z][^\W\d_a-z.'’-]*)*"
                       r"(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?)*)\s*(?:—|–|--| - )\s*\S")

STOPWORDS = {
    "en": "the and of to in is that it was for on are with as be this have not but they you at by from or",
    "es": "el la de que y en los las un una por con no es para se del al lo como más pero sus le ya",
    "fr": "le la les de des et est un une que qui dans pour pas sur au avec ce il elle ne sont du en",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als",
    "pt": "o a os as de que e do da em um uma para com não é se no na por mais dos das ao",
    "it": "il la di che e è un una per non con del della le si sono da gli nel anche al come",
}
_LETTERS = re.compile(r"[^\W\d_]+")
_STOP = {lang: set(words.split()) for lang, words in STOPWORDS.items()}


def detect_language(text: str) -> str:
    """ISO 639-1 code by stopword share; English when the text is too short to tell."""
    words = _LETTERS.findall(text[:20000].lower())
    if len(words) < 8:
        return "en"
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in stops) for lang, stops in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 1.2 * scores["en"] or best == "en" else "en"


def find_program(spoken: list[str], heard: list[str], bios: list[str]) -> str | None:
    """The program the page names: a station ID in speech, a 'Heard on' line, a host bio; else a mention of
    the program printed as NPR transcripts print it (capitals)."""
    found: dict[str, list[re.Match[str]]] = {}  # the passes below read the same texts: scan each once

    def hits(texts: list[str], need_context: bool) -> str | None:
        for text in texts:
            matches = found.get(text)
            if matches is None:
                matches = found[text] = list(_PROG_RE.finditer(text))
            for m in matches:
                form = m.group(1)
                core = re.sub(r"^the ", "", form, flags=re.I)
                if not (core.isupper() or form in _PROG_OF_EXACT or core in _PROG_OF_EXACT):
                    continue  # "here and now" in prose is not a program
                if (need_context or " " not in form) and not _STATION_ID.search(text[max(0, m.start() - 40):m.start()]):
                    continue
                return _PROG_OF.get(fold(form)) or _PROG_OF[fold(core)]
        return None

    return (hits(spoken, True) or hits(heard, False) or hits(bios, True)
            or hits(spoken, False) or hits(bios, False))


def find_year(copyright_texts: list[str], date_lines: list[str], spoken: list[str]) -> tuple[int | None, str | None]:
    """The year the page dates itself to: a copyright line, a date line (as the clean step found them), or a
    present-tense statement."""
    for text in copyright_texts:
        # substring test first (c, o, p, y, r have no case variants beyond ASCII): the regex scan is slow
        m = _COPYRIGHT.search(text) if "copyr" in text.lower() else None
        if m:
            return int(m.group(1)), "copyright"
    for line in date_lines:
        m = _A_YEAR.search(line)
        if m:
            return int(m.group(1)), "dateline"
    for text in spoken:
        if "19" not in text and "20" not in text:  # every form ends on a year: skip the regex scan
            continue
        t = _TEXT_YEAR.search(text)
        if t:
            return int(next(g for g in t.groups() if g)), "text"
    return None, None


def find_dateline(first_paragraph: str | None) -> str | None:
    if not first_paragraph:
        return None
    m = _DATELINE.match(first_paragraph)
    if not m:
        return None
    place = m.group(1).strip()
    letters = [c for c in place.split(",")[0].replace(" and ", " ") if c.isalpha()]
    return place if letters and all(c.isupper() for c in letters) and len(letters) >= 3 else None


def byline_names(lines: list[str]) -> list[str]:
    """'By Emily Feng and Lucian Kim' -> ['Emily Feng', 'Lucian Kim']."""
    out = []
    for line in lines:
        body = re.sub(r"^\s*By\s+", "", line.strip(), flags=re.I)
        out += [n.translate(APOSTROPHES) for _, _, n in find_names(body, 2)]
    return out
