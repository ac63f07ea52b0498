"""Programs: the one list of NPR program names, how a page names its program (station IDs, "Heard on" lines),
and the program names a speaker label can never be."""

from __future__ import annotations

import re

from transcripts.rules.words import APOS, APOS_CHARS, joint_starts, texts_holding

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
# Lower-case forms that contain no shorter one: PROGRAM_RE can match only where one of them is a substring of
# the text folded by _fold, and C substring tests are ~6x cheaper than the case-blind regex scan.
_PROGRAM_NEEDLES: tuple[str, ...] = ()
for _form in sorted({f.lower() for f in EXACT_FORMS if f.isascii()}, key=len):
    if not any(n in _form for n in _PROGRAM_NEEDLES):
        _PROGRAM_NEEDLES += (_form,)


# The only characters outside ASCII that re.IGNORECASE equates with an ASCII letter (found by trying every code
# point): "İ" and "ı" with i, "ſ" with s, the Kelvin sign with k. str.lower alone does not map them so.
_ASCII_CASE_TWINS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def _fold(text: str) -> str:
    if not text.isascii():
        for twin, letter in _ASCII_CASE_TWINS:
            if twin in text:  # rare: str.translate would cost more than the scan it saves
                text = text.replace(twin, letter)
    return text.lower()


# Needles grouped under a piece they share: where the piece is absent (each test is a scan of the whole page),
# one test rules out the group. A needle no piece covers is a group of its own. A piece of one character is
# searched for by memchr, several times faster than a longer one: "&" rather than " & ".
_SHARED_PIECES = ("edition", "consider", "radio", "latino", "tell me", "&")
_NEEDLE_GROUPS: dict[str, list[str]] = {}
for _needle in _PROGRAM_NEEDLES:
    _NEEDLE_GROUPS.setdefault(next((p for p in _SHARED_PIECES if p in _needle), _needle), []).append(_needle)


def program_needles(texts: list[str]) -> tuple[tuple[str, ...], set[int]]:
    """The needles that occur anywhere in `texts` (a page's texts, tested together: most name no program), and
    the indexes of the texts they occur in (the others name no program)."""
    joined = _fold("\n".join(texts))
    found = {n for piece, group in _NEEDLE_GROUPS.items() if piece in joined
             for n in group if n == piece or n in joined}
    needles = tuple(n for n in _PROGRAM_NEEDLES if n in found)
    # _fold keeps every character in its place (it maps each to one): the texts' starts in `joined` are theirs
    return needles, set(texts_holding(joined, joint_starts(texts), needles)) if needles else set()


def find_programs(text: str, needles: tuple[str, ...] = _PROGRAM_NEEDLES) -> list[re.Match[str]]:
    """PROGRAM_RE.finditer(text), skipping the scan where no form can occur (`needles`: the needles
    program_needles found in texts that include this one)."""
    if not needles:  # the page names no program anywhere: no text needs folding
        return []
    low = _fold(text)
    if not any(n in low for n in needles):
        return []
    return list(PROGRAM_RE.finditer(text))


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
