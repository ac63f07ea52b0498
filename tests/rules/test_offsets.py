"""Segment offsets map back into the page, also for repaired paragraphs too long for difflib's matcher."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from transcripts.rules.offsets import DIFFLIB_BUDGET, SegmentOffsets


def _mapped_pairs(text: str, source: str) -> list[tuple[str, str]]:
    offsets = SegmentOffsets(text, [(0, len(source))], source)
    return [(text[i], source[p]) for i in range(len(text)) if (p := offsets.pos(i)) is not None]


def test_a_long_repetitive_repaired_paragraph_aligns_in_linear_time() -> None:
    source = "HOSTHOST HOST  HOST\n" * 3000  # 60 KB: run-together words, doubled spaces, line breaks
    text = source.replace("HOSTHOST", "HOST HOST").replace("  ", " ").replace("\n", " ").strip()
    assert len(text) * len(source) > DIFFLIB_BUDGET
    started = time.process_time()
    pairs = _mapped_pairs(text, source)
    assert time.process_time() - started < 5  # difflib took minutes on such text
    assert all(a == b or (a.isspace() and b.isspace()) for a, b in pairs)
    assert sum(not a.isspace() for a, _ in pairs) == sum(not c.isspace() for c in text)  # every letter mapped


def test_a_segment_position_inside_an_inserted_space_maps_to_nothing() -> None:
    source = "for" + "x" * 3000 + "forexpanding the " * 200
    text = source.replace("forexpanding", "for expanding")
    offsets = SegmentOffsets(text, [(0, len(source))], source)
    inserted = text.index("for expanding") + 3
    assert text[inserted] == " " and offsets.pos(inserted) is None
    span = offsets.span(inserted + 1, inserted + 10)
    assert span is not None and source[span[0]:span[1]] == "expanding"


@given(st.text(alphabet="ab \n", min_size=1, max_size=300))
def test_mapped_characters_are_equal_and_in_order(source: str) -> None:
    text = " ".join(source.split())  # whitespace collapsed, as the segment text does
    if not text:
        return
    pairs = _mapped_pairs(text, source)
    offsets = SegmentOffsets(text, [(0, len(source))], source)
    positions = [p for p in map(offsets.pos, range(len(text))) if p is not None]
    assert positions == sorted(positions)
    assert all(a == b or (a.isspace() and b.isspace()) for a, b in pairs)
