from enum import StrEnum

from schemas import Column, Table, doc_id_column


class SegmentKind(StrEnum):
    """What a segment is."""

    TURN = "turn"
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    CAPTION = "caption"
    MARKER = "marker"


SEGMENT_KINDS = tuple(k.value for k in SegmentKind)

SEGMENTS = Table(
    name="segments",
    description="The document in reading order: speech turns, prose paragraphs, headings, captions, markers.",
    key=("doc_id", "seg_idx"),
    order_by=("doc_id", "seg_idx"),
    columns=(
        doc_id_column(),
        Column("seg_idx", "INTEGER", "position in reading order, 0..n-1 without gaps", nullable=False, minimum=0),
        Column("kind", "VARCHAR", "turn (one speaker's uninterrupted speech, all its paragraphs), paragraph, "
               "heading, caption (articles, teasers), marker (non-speech line such as (SOUNDBITE OF MUSIC))",
               nullable=False, values=SEGMENT_KINDS),
        Column("speaker_id", "VARCHAR", "for turns: the speaker (see speakers); NULL otherwise"),
        Column("speaker_label", "VARCHAR", "the label as printed, without the colon, e.g. 'LUCIAN KIM, BYLINE'; "
               "NULL for an unlabeled turn and for other kinds"),
        Column("text", "VARCHAR", "the cleaned text, without the label; paragraphs joined by a blank line",
               nullable=False),
        Column("char_start", "INTEGER", "start of the stretch of sources.text (0-based; a turn's stretch "
               "includes its printed label)", nullable=False, minimum=0),
        Column("char_end", "INTEGER", "end of the stretch of sources.text (exclusive)", nullable=False, minimum=0),
        Column("n_words", "INTEGER", "number of words in text", nullable=False, minimum=0),
    ),
)
