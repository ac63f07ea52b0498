"""Hard-wrapped text: archive transcripts break every paragraph into lines of about the same width (~70
characters), so a single newline there is not a paragraph break. A page is taken as hard-wrapped only when its
lines that run on into another line are nearly all about as long as the longest of them; a line then
continues onto the next when the next line's first word would not have fitted after it.
"""

from __future__ import annotations

# A wrapped page has at least this many lines that run on into the next one ...
MIN_WRAPPED_LINES = 6
# ... no such line longer than this (web pages print a paragraph per line, far longer) ...
MAX_WRAP_WIDTH = 100
# ... and this share of them filled to within FILL_MARGIN characters of the wrap width.
MIN_FILLED_SHARE = 0.7
FILL_MARGIN = 16


def wrap_width(lines: list[str], runs_on: list[bool]) -> int | None:
    """The width a page's text was wrapped at, or None when it was not hard-wrapped. `runs_on[i]` says that
    line i is followed directly (no blank line) by another line."""
    inner = [len(line) for line, on in zip(lines, runs_on, strict=True) if on]
    if len(inner) < MIN_WRAPPED_LINES:
        return None
    width = max(inner)
    filled = sum(1 for n in inner if n >= width - FILL_MARGIN)
    if width > MAX_WRAP_WIDTH or filled < MIN_FILLED_SHARE * len(inner):
        return None
    return width


def continues(line: str, next_line: str, width: int) -> bool:
    """Whether `next_line` is the rest of `line`'s paragraph on a page wrapped at `width`: its first word did
    not fit on `line`, or `line` leaves a parenthesis open (a wrapped "(Soundbite of ...)" marker)."""
    first_word = next_line.split(maxsplit=1)[0] if next_line.strip() else ""
    if line.count("(") > line.count(")"):
        return True
    return len(line) + 1 + len(first_word) > width
