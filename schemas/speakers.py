from enum import StrEnum

from schemas import Column, Rule, Table, Where
from schemas.formats import DOC_SCOPED_SPEAKER_REGEX


class SpeakerKind(StrEnum):
    """Who a speaker is: a named person, an unidentified voice, or a group."""

    PERSON = "person"
    UNIDENTIFIED = "unidentified"
    GROUP = "group"


SPEAKER_KINDS = tuple(k.value for k in SpeakerKind)

SPEAKERS: Table = Table(
    name="speakers",
    description="One row per person across the whole dataset.",
    key=("speaker_id",),
    per_document=False,
    order_by=("speaker_id",),
    columns=(
        Column("speaker_id", "VARCHAR", "stable id derived from the resolved full name; unidentified voices are "
               "per document", nullable=False),
        Column("name", "VARCHAR", "full name, as best resolved", nullable=False),
        Column("kind", "VARCHAR", "person, unidentified, group", nullable=False, values=SPEAKER_KINDS),
    ),
    rules=(
        Rule("non_person_id_doc_scoped", "expect_column_values_to_match_regex", "speaker_id",
             "an unidentified or group speaker's id is scoped to its document (<doc_id>#...)",
             where=Where("kind", "!=", "person"), options=(("regex", DOC_SCOPED_SPEAKER_REGEX),)),
    ),
)
