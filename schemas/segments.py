from enum import StrEnum

from schemas import Column, Rule, Table, Where, doc_id_column
from schemas.formats import DOC_SCOPED_SPEAKER_REGEX


class SegmentKind(StrEnum):
    """What a segment is."""

    TURN = "turn"
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    CAPTION = "caption"
    MARKER = "marker"


SEGMENT_KINDS = tuple(k.value for k in SegmentKind)

# A run blocks when fewer turns than this share are by identified speakers, once it has enough turns to judge.
MIN_IDENTIFIED_TURN_SHARE = 0.5
MIN_TURNS_FOR_SHARE = 50

SEGMENTS: Table = Table(
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
    rules=(
        Rule("turn_has_speaker", "expect_column_values_to_not_be_null", "speaker_id", "a turn has a speaker_id",
             where=Where("kind", "==", "turn")),
        Rule("speaker_only_on_turns", "expect_column_values_to_be_null", "speaker_id",
             "only turns have a speaker_id", where=Where("kind", "!=", "turn")),
        Rule("label_only_on_turns", "expect_column_values_to_be_null", "speaker_label",
             "only turns have a speaker_label", where=Where("kind", "!=", "turn")),
        Rule("identified_turns_share", "expect_column_values_to_not_match_regex", "speaker_id",
             f"at most {1 - MIN_IDENTIFIED_TURN_SHARE:.0%} of turns are by unidentified voices or groups",
             where=Where("kind", "==", "turn"), options=(("regex", DOC_SCOPED_SPEAKER_REGEX),),
             share=MIN_IDENTIFIED_TURN_SHARE, min_rows=MIN_TURNS_FOR_SHARE),
    ),
)
