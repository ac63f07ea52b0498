from schemas import Column, Table, doc_id_column

SENTENCES: Table = Table(
    name="sentences",
    description="Sentences of every segment, with offsets into sources.text.",
    key=("doc_id", "seg_idx", "sent_idx"),
    order_by=("doc_id", "seg_idx", "sent_idx"),
    columns=(
        doc_id_column(),
        Column("seg_idx", "INTEGER", "the segment the sentence belongs to", nullable=False, minimum=0),
        Column("sent_idx", "INTEGER", "position within the segment, 0..n-1 without gaps", nullable=False,
               minimum=0),
        Column("text", "VARCHAR", "the sentence's cleaned text", nullable=False),
        Column("char_start", "INTEGER", "start in sources.text", nullable=False, minimum=0),
        Column("char_end", "INTEGER", "end in sources.text (exclusive)", nullable=False, minimum=0),
    ),
)
