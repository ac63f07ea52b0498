"""Document metadata the page states about itself: program, year, dateline, bylines (language: rules/language.py)."""

from __future__ import annotations

import re

from schemas.documents import YearSource
from transcripts.rules.dates import A_YEAR, COPYRIGHT_YEAR, SPOKEN_YEAR
from transcripts.rules.names import find_names, fold
from transcripts.rules.programs import EXACT_FORMS, LEADING_THE, PROGRAM_FORMS, PROGRAM_RE, STATION_ID
from transcripts.rules.words import APOSTROPHES

_PROGRAM_OF = {fold(form): program for form, program in PROGRAM_FORMS}
_BY = re.compile(r"^\s*By\s+", re.I)


def find_program(spoken: list[str], heard: list[str], bios: list[str]) -> str | None:
    """The program the page names: a station ID in speech, a 'Heard on' line, a host bio; else a mention of
    the program printed as NPR transcripts print it (capitals)."""
    found: dict[str, list[re.Match[str]]] = {}  # the passes below read the same texts: scan each once

    def hits(texts: list[str], need_context: bool) -> str | None:
        for text in texts:
            matches = found.get(text)
            if matches is None:
                matches = found[text] = list(PROGRAM_RE.finditer(text))
            for m in matches:
                form = m.group(1)
                core = LEADING_THE.sub("", form)
                if not (core.isupper() or form in EXACT_FORMS or core in EXACT_FORMS):
                    continue  # "here and now" in prose is not a program
                if (need_context or " " not in form) and not STATION_ID.search(text[max(0, m.start() - 40):m.start()]):
                    continue
                return _PROGRAM_OF.get(fold(form)) or _PROGRAM_OF[fold(core)]
        return None

    return (hits(spoken, True) or hits(heard, False) or hits(bios, True)
            or hits(spoken, False) or hits(bios, False))


def find_year(copyright_texts: list[str], date_lines: list[str], spoken: list[str]) -> tuple[int | None, str | None]:
    """The year the page dates itself to: a copyright line, a date line (as the clean step found them), or a
    present-tense statement."""
    for text in copyright_texts:
        # substring test first (c, o, p, y, r have no case variants beyond ASCII): the regex scan is slow
        m = COPYRIGHT_YEAR.search(text) if "copyr" in text.lower() else None
        if m:
            return int(m.group(1)), YearSource.COPYRIGHT
    for line in date_lines:
        m = A_YEAR.search(line)
        if m:
            return int(m.group(1)), YearSource.DATELINE
    for text in spoken:
        if "19" not in text and "20" not in text:  # every form ends on a year: skip the regex scan
            continue
        t = SPOKEN_YEAR.search(text)
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
