"""Document metadata the page states about itself: program, year, dateline, bylines (language: rules/language.py)."""

from __future__ import annotations

import re

from schemas.documents import YearSource
from transcripts.rules.dates import A_YEAR, DATE_YEAR, SPOKEN_YEAR_HINTS, copyright_year, spoken_year
from transcripts.rules.names import find_names
from transcripts.rules.programs import (
    BIO_ID,
    EXACT_FORMS,
    LEADING_THE,
    PROGRAM_RE,
    STATION_ID,
    program_of,
    program_texts,
)
from transcripts.rules.words import APOSTROPHES

_BY = re.compile(r"^\s*By\s+", re.I)


QUOTE_MARKS = ('"', "“", "‘", "'")


def find_program(spoken: list[str], heard: list[str], bios: list[str],
                 stated: list[str] | None = None) -> str | None:
    """The program the page names: a station ID in speech, the page's own program line (`PROGRAM Fresh Air`,
    the name above the title or after it on the player's first line; it wins when it is a more specific
    form of the spoken one: `Weekend Edition Saturday`), a 'Heard on' line, a host bio; else a mention of the
    program printed as NPR transcripts print their own program (capitals: "IT'S BEEN A MINUTE here" over an
    earlier "Morning Edition host"), else any mention."""
    texts = [*spoken, *heard, *bios, *(stated or [])]
    printing = program_texts(texts)
    if not printing:
        return None  # no text prints a program name: every pass below would find none
    # the passes below read the same texts: scan each once, and none that prints no program name
    found: dict[str, list[re.Match[str]]] = {text: [] for k, text in enumerate(texts) if k not in printing}

    def hits(texts: list[str], context: re.Pattern[str] | None, caps: bool = False) -> str | None:
        for text in texts:
            matches = found.get(text)
            if matches is None:
                matches = found[text] = list(PROGRAM_RE.finditer(text))
            for m in matches:
                form = m.group(1)
                core = LEADING_THE.sub("", form)
                if not (core.isupper() or (not caps and (form in EXACT_FORMS or core in EXACT_FORMS))):
                    continue  # "here and now" in prose is not a program (program_texts relies on this rule)
                if (context or " " not in form) and not (context or STATION_ID).search(
                        text[max(0, m.start() - 40):m.start()]):
                    continue
                if context is None and text[m.start() - 1:m.start()] in QUOTE_MARKS:
                    continue  # 'bringing "On Point" back': a program talked about, not the page's own
                return program_of(form)
        return None

    said, own = hits(spoken, STATION_ID), hits(stated or [], None)
    if said and own and own != said and own.startswith(said):
        return own
    return (said or own or hits(heard, None) or hits(bios, BIO_ID)
            or hits(spoken, None, caps=True) or hits(spoken, None) or hits(bios, None))


def find_year(copyright_texts: list[str], date_lines: list[str], spoken: list[str]) -> tuple[int | None, str | None]:
    """The year the page dates itself to: a copyright line, a date line (as the clean step found them), or a
    present-tense statement."""
    for text in copyright_texts:
        m = copyright_year(text)
        if m:
            return int(m.group(1)), YearSource.COPYRIGHT
    for line in date_lines:
        m = DATE_YEAR.search(line) or A_YEAR.search(line)
        if m:
            return int(next(g for g in m.groups() if g)), YearSource.DATELINE
    for text in spoken:
        # every form ends on a year and holds a hint: skip the regex scan
        if ("19" not in text and "20" not in text) or not any(h in text for h in SPOKEN_YEAR_HINTS):
            continue
        t = spoken_year(text)
        if t:
            return int(next(g for g in t.groups() if g)), YearSource.TEXT
    return None, None


def byline_names(lines: list[str]) -> list[str]:
    """'By Emily Feng and Lucian Kim' -> ['Emily Feng', 'Lucian Kim']."""
    out = []
    for line in lines:
        body = _BY.sub("", line.strip())
        out += [n.translate(APOSTROPHES) for _, _, n in find_names(body, 2)]
    return out
