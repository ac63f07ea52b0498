"""The suspect-turn check: pages whose turns look wrong although nothing is invalid."""

from __future__ import annotations

import pyarrow as pa

from transcripts.steps.suspect import (
    SHORT_SPEAKER,
    SINGLE_LABEL,
    UNLABELED_OPENING,
    TurnSketch,
    suspect_line,
    table_suspects,
    turn_suspects,
)

SOUND = [TurnSketch(None, "host", 40), TurnSketch("GUEST NAME", "guest", 30), TurnSketch("HOST", "host", 20),
         TurnSketch("NAME", "guest", 25), TurnSketch("HOST", "host", 10), TurnSketch("NAME", "guest", 12)]


def test_a_sound_page_is_not_suspect() -> None:
    assert turn_suspects(SOUND) == []
    assert turn_suspects([]) == []


def test_long_unlabeled_opening_is_suspect() -> None:
    assert turn_suspects([TurnSketch(None, "host", 400), *SOUND[1:]]) == [UNLABELED_OPENING]


def test_speaker_heard_once_for_a_few_words_is_suspect() -> None:
    assert turn_suspects([*SOUND, TurnSketch("UNIDENTIFIED MAN", "man", 2)]) == [SHORT_SPEAKER]


def test_typo_surname_label_heard_once_is_suspect_but_not_a_resolved_one() -> None:
    typo = [*SOUND, TurnSketch("NMAE", "nmae", 30)]
    assert turn_suspects(typo) == [SINGLE_LABEL]
    resolved = [*SOUND, TurnSketch("NMAE", "guest", 30)]  # the typo joined the speaker it misspells
    assert turn_suspects(resolved) == []


def test_table_suspects_groups_by_document_and_the_line_counts_reasons() -> None:
    rows = [("a", i, "turn", t.label, t.speaker_id, t.n_words) for i, t in enumerate(SOUND)]
    rows += [("b", 0, "turn", None, "h", 400), ("b", 1, "marker", None, None, 3), ("b", 2, "turn", "X", "x", 9)]
    names = ["doc_id", "seg_idx", "kind", "speaker_label", "speaker_id", "n_words"]
    table = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
    found = table_suspects(table)
    assert found == {"b": [UNLABELED_OPENING]}
    line = suspect_line(found, "lake/reports/r.md")
    assert line == f"suspect: 1 page ({UNLABELED_OPENING}: 1) - see lake/reports/r.md"
    assert suspect_line({}, None) is None


def test_table_suspects_reads_each_page_in_seg_idx_order_whatever_the_row_order() -> None:
    """The opening is the turn with the lowest seg_idx, even when the table lists a page's rows in another order
    or interleaves pages."""
    names = ["doc_id", "seg_idx", "kind", "speaker_label", "speaker_id", "n_words"]
    rows = [("b", 2, "turn", "X", "x", 9), ("a", 1, "turn", "HOST", "h", 500), ("b", 0, "turn", None, "h", 400),
            ("a", 0, "turn", "HOST", "h", 5), ("b", 1, "marker", None, None, 3)]
    table = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
    assert table_suspects(table) == {"b": [UNLABELED_OPENING]}
