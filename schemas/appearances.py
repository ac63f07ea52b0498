from enum import StrEnum

from schemas import Column, Rule, Table, Where, doc_id_column
from schemas.formats import DOC_SCOPED_SPEAKER_REGEX


class Role(StrEnum):
    """What a speaker does in a document."""

    HOST = "host"
    CORRESPONDENT = "correspondent"
    GUEST = "guest"
    UNIDENTIFIED = "unidentified"


ROLES = tuple(r.value for r in Role)

APPEARANCES: Table = Table(
    name="appearances",
    description="One row per speaker per document.",
    key=("doc_id", "speaker_id"),
    order_by=("doc_id", "speaker_id"),
    columns=(
        doc_id_column(),
        Column("speaker_id", "VARCHAR", "the speaker (see speakers)", nullable=False),
        Column("name", "VARCHAR", "the full name as resolved in this document (e.g. MARTIN resolved to Rachel "
               "Martin)", nullable=False),
        Column("labels", "VARCHAR[]", "every label printed for this speaker in this document", nullable=False),
        Column("role", "VARCHAR", "host, correspondent (staff reporter), guest (anyone else named), unidentified",
               nullable=False, values=ROLES),
        Column("description", "VARCHAR", "title/affiliation the page gives (label parenthetical, bio line, "
               "appositive in the intro), else NULL"),
        Column("n_turns", "INTEGER", "turns spoken in this document", nullable=False, minimum=0),
        Column("n_words", "INTEGER", "words spoken in this document", nullable=False, minimum=0),
    ),
    rules=(
        Rule("unidentified_id_doc_scoped", "expect_column_values_to_match_regex", "speaker_id",
             "an unidentified speaker's id is scoped to its document (<doc_id>#...)",
             where=Where("role", "==", "unidentified"), options=(("regex", DOC_SCOPED_SPEAKER_REGEX),)),
    ),
)
