"""Hard-wrapped text: archive transcripts break every paragraph into lines of about the same width (~70
characters), so a single newline there is not a paragraph break. A page is taken as hard-wrapped only when its
lines that run on into another line are nearly all about as long as the longest of them; a line then
continues onto the next when the next line's first word would not have fitted after it.
"""

from __future__ import annotations

from itertools import pairwise

from transcripts.model import Line
from transcripts.rules.labels import is_marker_line, match_label

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


def join_wrapped(kept: list[Line], adjacent: set[int]) -> list[Line]:
    """The kept lines with the lines of each hard-wrapped paragraph joined into one (a space where the page
    breaks the line; offsets still span the source); unchanged when the page is not hard-wrapped. `adjacent`
    holds the starts of lines that directly follow the previous kept line. A label or marker line always
    starts anew, and a label alone on its line owns what follows."""
    if len(kept) < 2:
        return kept
    runs_on = [nxt.char_start in adjacent for nxt in kept[1:]] + [False]
    width = wrap_width([ln.text for ln in kept], runs_on)
    if width is None:
        return kept
    out = [kept[0]]
    for before, ln in pairwise(kept):
        prev = out[-1]
        if (ln.char_start in adjacent and continues(before.text, ln.text, width)
                and match_label(ln.text) is None and not is_marker_line(ln.text)
                and not _label_alone(before.text)):
            out[-1] = Line(prev.char_start, ln.char_end, f"{prev.text} {ln.text}", prev.blank_before)
        else:
            out.append(ln)
    return out


def _label_alone(text: str) -> bool:
    lab = match_label(text)
    return lab is not None and not text[lab[1]:].strip()
