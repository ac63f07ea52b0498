"""Programs: the one list of NPR program names, how a page names its program (station IDs, "Heard on" lines),
and the program names a speaker label can never be."""

from __future__ import annotations

import re

from transcripts.rules.words import APOS, APOS_CHARS

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
# The forms a page prints, longest first: "NPR Politics Podcast" names "The NPR Politics Podcast"; "Takeaway"
# alone names nothing.
PROGRAM_FORMS: tuple[tuple[str, str], ...] = tuple(sorted(
    {form: p for p in PROGRAMS for form in (p, p.removeprefix("The ")) if " " in form or form == p}.items(),
    key=lambda kv: -len(kv[0])))
PROGRAM_RE = re.compile(r"(?<![\w&])(" + "|".join(re.escape(f) for f, _ in PROGRAM_FORMS) + r")(?![\w&])", re.I)
EXACT_FORMS = frozenset(f for f, _ in PROGRAM_FORMS)
# A program name in capitals before a colon ("ALL THINGS CONSIDERED:") is not a speaker label.
PROGRAM_CAPS = frozenset(f.upper() for f in EXACT_FORMS)
LEADING_THE = re.compile(r"^the ", re.I)

# Words just before a program name that make it the page's own program: "This is", "It's", "Welcome to".
STATION_ID = re.compile(rf"(?:\b(?:[Tt]his is|[Ii]t{APOS}s|[Ww]elcome to|listening to|[Ff]rom NPR News,? this is)"
                        rf"(?: the)?|^Heard on|\bhost of (?:NPR{APOS}s )?(?:the )?)\s*$")
# "Heard on Morning Edition", a line of its own under a story's title.
HEARD_ON = re.compile(rf"(?m)^Heard on [A-Z][\w&{APOS_CHARS}.]*"
                      rf"(?: (?:[A-Z&][\w&{APOS_CHARS}.]*|of|the|and|to|on|at|in|for|with)){{0,8}}$")
