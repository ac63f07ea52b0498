from enum import StrEnum

from schemas import Column, Table, doc_id_column


class DocType(StrEnum):
    """What a page yielded."""

    TRANSCRIPT = "transcript"
    ARTICLE = "article"
    NO_CONTENT = "no_content"


class YearSource(StrEnum):
    """Where a document's year came from."""

    COPYRIGHT = "copyright"
    DATELINE = "dateline"
    TEXT = "text"


DOC_TYPES = tuple(t.value for t in DocType)
YEAR_SOURCES = tuple(s.value for s in YearSource)

DOCUMENTS = Table(
    name="documents",
    description="One row per page that yielded a document.",
    key=("doc_id",),
    order_by=("doc_id",),
    columns=(
        doc_id_column("stable id of the document"),
        Column("source_path", "VARCHAR", "path of the page relative to the input folder", nullable=False),
        Column("source_sha256", "VARCHAR", "SHA-256 of the file's bytes", nullable=False),
        Column("doc_type", "VARCHAR", "transcript (speech turns), article (prose story), no_content (page "
               "without a transcript or story)", nullable=False, values=DOC_TYPES),
        Column("language", "VARCHAR", "ISO 639-1 code of the body text", nullable=False),
        Column("title", "VARCHAR", "the page's title line"),
        Column("program", "VARCHAR", "program the page names (station ID, 'Heard on ...', a host bio), else NULL"),
        Column("year", "INTEGER", "year the page dates itself to (copyright line, date line, explicit mention), "
               "else NULL", minimum=1900, maximum="max_year"),
        Column("year_source", "VARCHAR", "where year came from; NULL with year", values=YEAR_SOURCES),
        Column("dateline", "VARCHAR", "place line that opens an article, e.g. 'TAIPEI and MOSCOW', else NULL"),
        Column("bylines", "VARCHAR[]", "credited correspondents and authors, full names (not hosts, not "
               "photographers)", nullable=False),
        Column("duplicate_of", "VARCHAR", "doc_id of an earlier document with the same cleaned body, else NULL"),
        Column("n_turns", "INTEGER", "number of turn segments", nullable=False, minimum=0),
        Column("n_words", "INTEGER", "number of words over all segments", nullable=False, minimum=0),
        Column("pipeline_version", "VARCHAR", "version of the code that produced the row", nullable=False),
        Column("body_sha256", "VARCHAR", "SHA-256 of the cleaned body (segment texts), used for duplicate_of",
               nullable=False),
    ),
)
