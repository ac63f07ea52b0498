from schemas import Column, Table, doc_id_column

SOURCES: Table = Table(
    name="sources",
    description="The decoded page text each document's offsets point into.",
    key=("doc_id",),
    order_by=("doc_id",),
    columns=(
        doc_id_column(),
        Column("text", "VARCHAR", "the file decoded to Unicode, encoding damage and line endings repaired, "
               "nothing else changed", nullable=False),
        Column("encoding", "VARCHAR", "encoding the bytes were decoded from, as detected", nullable=False),
        Column("repairs", "VARCHAR[]", "repairs applied while decoding: bom, crlf, mojibake, nbsp, control_chars, "
               "... and replacement_char:N (U+FFFD kept as printed, N of them)", nullable=False),
    ),
)
