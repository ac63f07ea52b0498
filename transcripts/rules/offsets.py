"""Offsets: positions in a segment's text mapped back to positions in the page's source text."""

from __future__ import annotations

from difflib import SequenceMatcher

# difflib's matcher is quadratic or worse on long repetitive text (a 40 KB paragraph of capitals took minutes);
# above this many character pairs a repaired paragraph is aligned in one linear pass instead.
DIFFLIB_BUDGET = 2_000_000
RESYNC_PROBE = 8  # characters of the segment text looked for in the source after a mismatch
RESYNC_WINDOW = 256  # how far ahead in the source that probe may be found


def _linear_blocks(piece: str, source: str) -> list[tuple[int, int, int]]:
    """Matching blocks (i, j, n) of `piece` in `source`, in one pass: the repairs that make segment text differ
    from its source are small (a space inserted into run-together words, whitespace changed or collapsed), so
    equal characters advance both sides, whitespace pairs with whitespace, and after any other mismatch the
    next few characters are looked for a short way ahead in the source; characters not found stay unmapped."""
    blocks: list[tuple[int, int, int]] = []
    i = j = 0
    start_i = start_j = -1

    def close() -> None:
        nonlocal start_i, start_j
        if start_i >= 0:
            blocks.append((start_i, start_j, i - start_i))
        start_i = start_j = -1

    while i < len(piece) and j < len(source):
        a, b = piece[i], source[j]
        if a == b or (a.isspace() and b.isspace()):
            if start_i < 0 or i - start_i != j - start_j:
                close()
                start_i, start_j = i, j
            i, j = i + 1, j + 1
            continue
        close()
        if b.isspace():  # whitespace the segment text collapsed
            j += 1
        elif a.isspace():  # a space the repair inserted
            i += 1
        else:
            found = source.find(piece[i:i + RESYNC_PROBE], j, j + RESYNC_WINDOW)
            if found > j:
                j = found
            else:
                i += 1
    close()
    blocks.append((len(piece), len(source), 0))
    return blocks


class SegmentOffsets:
    """Maps positions in a segment's text to positions in the page's source text.

    Segment text is the page's paragraphs (label removed) joined by a blank line, with possible in-line repairs
    (a run-together "forexpanding" split into "for expanding"). Paragraphs that match their source stretch map
    linearly; repaired ones are aligned character by character, and positions inside a repair map to None.
    """

    def __init__(self, text: str, paragraphs: list[tuple[int, int]], source: str, seg_start: int = 0) -> None:
        self.parts: list[tuple[int, int, int, dict[int, int] | None]] = []  # (text start, text end, src start, map)
        pieces = text.split("\n\n")
        if len(pieces) != len(paragraphs):  # fall back to finding each piece in order
            spans, cursor = [], seg_start
            for piece in pieces:
                at = source.find(piece, cursor)
                spans.append((at, at + len(piece)) if at >= 0 else (-1, -1))
                cursor = at + len(piece) if at >= 0 else cursor
            paragraphs = spans
        pos = 0
        for piece, (a, b) in zip(pieces, paragraphs, strict=False):
            if a < 0:
                pos += len(piece) + 2
                continue
            if source[a:b] == piece:
                self.parts.append((pos, pos + len(piece), a, None))
            else:
                table: dict[int, int] = {}
                stretch = source[a:b]
                blocks = (SequenceMatcher(None, piece, stretch, autojunk=False).get_matching_blocks()
                          if len(piece) * len(stretch) <= DIFFLIB_BUDGET else _linear_blocks(piece, stretch))
                for i, j, n in blocks:
                    for k in range(n):
                        table[pos + i + k] = a + j + k
                self.parts.append((pos, pos + len(piece), a, table))
            pos += len(piece) + 2

    def pos(self, i: int) -> int | None:
        for start, end, src, table in self.parts:
            if start <= i < end:
                return src + (i - start) if table is None else table.get(i)
        return None

    def span(self, a: int, b: int) -> tuple[int, int] | None:
        """Source offsets of text[a:b], or None when either end falls outside the source or in a repair."""
        if b <= a:
            return None
        s, e = self.pos(a), self.pos(b - 1)
        if s is None or e is None or e < s:
            return None
        return s, e + 1
