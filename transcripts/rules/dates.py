"""Dates: the one month pattern, date lines ("Updated May 5, 2020 at 9:00 AM ET"), datelines ("TAIPEI, Taiwan —")
and the ways a page states its year (copyright, a date line, present-tense speech)."""

from __future__ import annotations

import re

from transcripts.rules.words import APOS, APOS_CHARS

YEAR = r"((?:19|20)\d\d)"
MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
         r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
# "March 3, 2011", "Updated May 5, 2020 at 9:00 AM ET", "Aired March 3, 2011 - 10:00 ET" (CNN), "Sunday, May 5, 2019"
# also "Thu June 20, 2013", "date 2023-12-30", "November 12, 20215:00 AM ET" (a scrape glued year and time)
DATE_LINE = re.compile(rf"^(?:(?:Updated|Published|Posted|Aired|Broadcast|Air [Dd]ate|[Dd]ate|DATE):?\s+)?"
                       rf"(?:(?:{_WEEKDAY},?\s+)?{MONTH}\s+\d{{1,2}},\s+\d{{4}}|\d{{4}}-\d\d-\d\d)"
                       r"(?:\s*(?:at\s+|-\s*|,\s*)?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,3})?)?"
                       r"(?:\s*[·|]\s*.{0,40})?$")

# the year of a printed date: "October 5, 2024", "20215:00 AM" (glued to the time), "2023-12-30"
DATE_YEAR = re.compile(rf"{MONTH}\s+\d{{1,2}},\s+{YEAR}|\b{YEAR}-\d\d-\d\d\b")
COPYRIGHT_YEAR = re.compile(r"\bCopyright\s*(?:©|\(c\)|&copy;)?\s*" + YEAR + r"\b", re.I)
# Where a COPYRIGHT_YEAR match can start, found without the case-blind scan (no letter outside ASCII matches
# c, o, p, y or r under re.IGNORECASE): its search starts at the first, whose \b still sees the character before.
_COPYR = re.compile("[Cc][Oo][Pp][Yy][Rr]")


def copyright_year(text: str) -> re.Match[str] | None:
    """COPYRIGHT_YEAR.search(text), from the first place the word can start."""
    low = text.lower()  # no character but an ASCII letter lowers to one, and where none lowers to several ...
    if len(low) == len(text):  # ... every one keeps its place: str.find is cheaper than the class scan
        # tried where the word stands only: a case-blind search from the first would scan the rest of the page
        # ("Copyright NPR" with no year is common)
        i = low.find("copyr")
        while i >= 0:
            if m := COPYRIGHT_YEAR.match(text, i):
                return m
            i = low.find("copyr", i + 1)
        return None
    m = _COPYR.search(text)
    return COPYRIGHT_YEAR.search(text, m.start()) if m else None


A_YEAR = re.compile(r"\b" + YEAR + r"\b")
# present-tense self-dating in speech: "here we are in 2019", "It's Monday, March 3, 2025", "recorded at ... 2020"
SPOKEN_YEAR = re.compile(
    rf"\bhere we are in {YEAR}\b|\b(?:[Ii]t{APOS}s|[Tt]oday is|recorded|[Ii]t is now)\b[^!?\n]{{0,80}}?\b"
    rf"{MONTH}\s+\d{{1,2}},\s+{YEAR}\b|\b(?:[Ii]t{APOS}s|[Ii]t is) now {YEAR}\b")
# every SPOKEN_YEAR form holds one of these strings: substring tests are far cheaper than the regex scan
SPOKEN_YEAR_HINTS = ("here we are in ", *(f"t{a}s" for a in APOS_CHARS), "oday is", "recorded", "t is now")
# ... and starts this far before one ("It's", "today is"): a match is tried there only, not at every character
_SPOKEN_YEAR_BACK = {"here we are in ": 0, "recorded": 0}


def spoken_year(text: str) -> re.Match[str] | None:
    """SPOKEN_YEAR.search(text): the leftmost match, tried where a form's literal puts its start."""
    starts: set[int] = set()
    for hint in SPOKEN_YEAR_HINTS:
        back = _SPOKEN_YEAR_BACK.get(hint, 1)
        i = text.find(hint)
        while i >= 0:
            if i >= back:
                starts.add(i - back)
            i = text.find(hint, i + 1)
    for start in sorted(starts):
        if m := SPOKEN_YEAR.match(text, start):
            return m
    return None

# "TAIPEI and MOSCOW — ...", "DES MOINES, Iowa — ...", "WASHINGTON -- ...": the place a written story opens on
_CAPS_WORD = rf"[^\W\d_a-z][^\W\d_a-z.{APOS_CHARS}-]*"
_STATE = r"(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?"
# possessive runs: the old nested form never finished on "A. " repeated thirty times
DATELINE = re.compile(rf"^([^\W\d_a-z]++(?:[ .{APOS_CHARS}-]++[^\W\d_a-z]++)*\.?"
                      rf"{_STATE}(?:,? and {_CAPS_WORD}(?: {_CAPS_WORD})*{_STATE})*)\s*(?:—|–|--| - )\s*\S")


def find_dateline(first_paragraph: str | None) -> str | None:
    """The place a story's first paragraph opens on, in capitals ("DES MOINES, Iowa"), else None."""
    if not first_paragraph:
        return None
    m = DATELINE.match(first_paragraph)
    if not m:
        return None
    place = m.group(1).strip()
    letters = [c for c in place.split(",")[0].replace(" and ", " ") if c.isalpha()]
    return place if letters and all(c.isupper() for c in letters) and len(letters) >= 3 else None
