"""Programs: the one list of NPR program names, how a page names its program (station IDs, "Heard on" lines),
and the program names a speaker label can never be."""

from __future__ import annotations

import re
from bisect import bisect_right

from transcripts.rules.words import APOS, APOS_CHARS, joint_starts, prefix_tree

# NPR programs by their proper names; the page may print them in capitals ("This is MORNING EDITION").
PROGRAMS = (
    "Morning Edition", "All Things Considered", "Weekend Edition Saturday", "Weekend Edition Sunday",
    "Weekend Edition", "Weekend All Things Considered", "Fresh Air", "Here & Now", "Up First",
    "The NPR Politics Podcast", "Talk of the Nation", "Day to Day", "Tell Me More", "News & Notes",
    "Wait Wait... Don't Tell Me!", "Consider This", "Planet Money", "The Indicator from Planet Money",
    "Hidden Brain", "Code Switch", "Throughline", "It's Been a Minute", "Life Kit", "Short Wave",
    "TED Radio Hour", "Latino USA", "On Point", "1A", "Marketplace", "The Takeaway", "Embedded",
    "Rough Translation", "Invisibilia", "All Songs Considered", "Alt.Latino", "Snap Judgment",
    "The Bryant Park Project", "Radio Times", "Science Friday", "Ask Me Another", "Radio Ambulante",
    "Wow in the World",
)
# Other printed names of a program: a segment of another program's hour, the name without its "!"
ALIASES = {"Talk of the Nation: Science Friday": "Science Friday",
           "Wait Wait Don't Tell Me!": "Wait Wait... Don't Tell Me!",
           "Wait Wait… Don't Tell Me!": "Wait Wait... Don't Tell Me!"}
# The forms a page prints, longest first: "NPR Politics Podcast" names "The NPR Politics Podcast"; "Takeaway"
# alone names nothing.
PROGRAM_FORMS: tuple[tuple[str, str], ...] = tuple(sorted(
    ({form: p for p in PROGRAMS for form in (p, p.removeprefix("The "), p.removesuffix("!"))
      if " " in form or form == p} | ALIASES | {a.removesuffix("!"): p for a, p in ALIASES.items()}).items(),
    key=lambda kv: -len(kv[0])))
PROGRAM_RE = re.compile(r"(?<![\w&])(" + "|".join(re.escape(f) for f, _ in PROGRAM_FORMS) + r")(?![\w&])", re.I)
EXACT_FORMS = frozenset(f for f, _ in PROGRAM_FORMS)
# How a page prints a program name it means: exactly as listed or in capitals, after an optional "the"
# (metadata.find_program takes no other case: "fresh air" in prose is no program). Each such name holds one of
# these pieces, case and all; most texts hold none, and one case-blind PROGRAM_RE scan per text that does is
# cheaper than a case-blind search of the page for every form.
_PRINTED: list[str] = []
for _form in sorted({v for f in EXACT_FORMS for v in (f, f.removeprefix("The ").upper())}, key=len):
    if not any(p in _form for p in _PRINTED):
        _PRINTED.append(_form)
_PRINTED_RE = re.compile(prefix_tree(_PRINTED))  # all start in capitals or a digit: the scan skips the rest fast
# The only characters outside ASCII that re.IGNORECASE equates with an ASCII letter (found by trying every code
# point), each with the letter of its own case: "İ" and "ı" with i, "ſ" with s, the Kelvin sign with k.
_ASCII_CASE_TWINS = (("\u0130", "I"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "K"))


def _untwin(text: str) -> str:
    """The text with each twin replaced by its ASCII letter, one character for one (positions are kept)."""
    if not text.isascii():
        for twin, letter in _ASCII_CASE_TWINS:
            if twin in text:  # rare: str.translate would cost more than the scan it saves
                text = text.replace(twin, letter)
    return text


# A printed form in lower case, look-alike capitals read as their letters -> the program it names
_PROGRAM_OF = {form.lower(): program for form, program in PROGRAM_FORMS}


def program_of(printed: str) -> str:
    """The program a PROGRAM_RE match names: it matched one of PROGRAM_FORMS in some case, and the only letters
    outside ASCII the pattern takes for ASCII ones are the twins, read here as those letters ("WAİT WAIT")."""
    return _PROGRAM_OF[_untwin(printed).lower()]


def program_texts(texts: list[str]) -> set[int]:
    """The texts (by index) that may print a program name: only those need PROGRAM_RE's scan."""
    joined = _untwin("\n".join(texts))
    starts = joint_starts(texts)
    return {bisect_right(starts, m.start()) - 1 for m in _PRINTED_RE.finditer(joined)}


# A program name in capitals before a colon ("ALL THINGS CONSIDERED:") is not a speaker label.
PROGRAM_CAPS = frozenset(f.upper() for f in EXACT_FORMS)
LEADING_THE = re.compile(r"^the ", re.I)

# Words just before a program name that make it the page's own program: "This is", "It's", "Welcome to".
_SPOKEN_ID = (rf"\b(?:[Tt]his is|[Ii]t{APOS}s|[Ww]elcome to|listening to|[Ff]rom NPR News,? this is|[Ee]sto es)"
              r"(?: the)?|^Heard on")
STATION_ID = re.compile(rf"(?:{_SPOKEN_ID})\s*$")
# In a host's bio the program follows "host of": "Steve Inskeep is a host of NPR's Morning Edition". About a guest
# in a teaser ("Michele Norris, host of NPR's All Things Considered") it names no program of the page.
BIO_ID = re.compile(rf"(?:{_SPOKEN_ID}|\bhost of (?:NPR{APOS}s )?(?:the )?)\s*$")
# "Heard on Morning Edition", a line of its own under a story's title.
HEARD_ON = re.compile(rf"(?m)^Heard on [A-Z][\w&{APOS_CHARS}.]*"
                      rf"(?: (?:[A-Z&][\w&{APOS_CHARS}.]*|of|the|and|to|on|at|in|for|with)){{0,8}}$")
