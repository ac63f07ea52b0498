"""Offsets: positions in a segment's text mapped back to positions in the page's source text."""

from __future__ import annotations

from difflib import SequenceMatcher


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
                for i, j, n in SequenceMatcher(None, piece, source[a:b], autojunk=False).get_matching_blocks():
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
