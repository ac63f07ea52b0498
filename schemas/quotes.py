from schemas import Column, Rule, Table, Where, doc_id_column

QUOTES: Table = Table(
    name="quotes",
    description="Quoted speech in prose (articles, teasers), with its attribution.",
    key=("doc_id", "quote_idx"),
    order_by=("doc_id", "quote_idx"),
    columns=(
        doc_id_column(),
        Column("seg_idx", "INTEGER", "the segment holding the quotation", nullable=False, minimum=0),
        Column("quote_idx", "INTEGER", "position of the quotation in the document, 0..n-1", nullable=False,
               minimum=0),
        Column("text", "VARCHAR", "the quotation without its marks", nullable=False),
        Column("speaker_name", "VARCHAR", "attributed person, full name; NULL if none"),
        Column("speaker_id", "VARCHAR", "the attributed person's speaker id, when known"),
        Column("cue", "VARCHAR", "attribution cue: says, said, told, wrote, argues, according to, ..."),
        Column("char_start", "INTEGER", "start of the quotation in sources.text", nullable=False, minimum=0),
        Column("char_end", "INTEGER", "end of the quotation in sources.text (exclusive)", nullable=False,
               minimum=0),
    ),
    rules=(
        Rule("speaker_id_needs_name", "expect_column_values_to_be_null", "speaker_id",
             "quotes.speaker_id is null when speaker_name is null", where=Where("speaker_name", "is_null")),
    ),
)
