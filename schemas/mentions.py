from schemas import Column, Rule, Table, doc_id_column
from schemas.formats import ENTITY_LABEL_REGEX

MENTIONS: Table = Table(
    name="mentions",
    description="Named entities found in segment text.",
    key=("doc_id", "seg_idx", "char_start"),
    order_by=("doc_id", "seg_idx", "char_start"),
    columns=(
        doc_id_column(),
        Column("seg_idx", "INTEGER", "the segment holding the mention", nullable=False, minimum=0),
        Column("char_start", "INTEGER", "start of the mention in sources.text", nullable=False, minimum=0),
        Column("char_end", "INTEGER", "end of the mention in sources.text (exclusive)", nullable=False, minimum=0),
        Column("text", "VARCHAR", "the mention as written", nullable=False),
        Column("label", "VARCHAR", "entity type: PERSON, ORG, GPE, NORP, LOC, EVENT, DATE, ...", nullable=False),
        Column("entity_key", "VARCHAR", "normalized form for grouping (casefolded, possessive and 'the' dropped)",
               nullable=False),
        Column("speaker_id", "VARCHAR", "the speaker this mention names, when it names a known speaker"),
    ),
    rules=(
        Rule("label_format", "expect_column_values_to_match_regex", "label",
             "mentions.label is an upper-case entity type (PERSON, ORG, ...)",
             options=(("regex", ENTITY_LABEL_REGEX),)),
    ),
)
