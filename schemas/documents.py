from enum import StrEnum

from schemas import Column, Rule, Table, Where, doc_id_column
from schemas.formats import ISO_639_1, SHA256_REGEX


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

# A run blocks when fewer transcripts than this share have turns, once it has enough transcripts to judge.
MIN_TRANSCRIPTS_WITH_TURNS_SHARE = 0.5
MIN_TRANSCRIPTS_FOR_SHARE = 10

DOCUMENTS: Table = Table(
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
    rules=(
        Rule("language_iso_639_1", "expect_column_values_to_be_in_set", "language",
             "documents.language is an ISO 639-1 code", options=(("value_set", ISO_639_1),)),
        Rule("year_source_null_without_year", "expect_column_values_to_be_null", "year_source",
             "documents.year_source is null when year is null", where=Where("year", "is_null")),
        Rule("year_source_set_with_year", "expect_column_values_to_not_be_null", "year_source",
             "documents.year_source is set when year is set", where=Where("year", "not_null")),
        Rule("source_sha256_hex", "expect_column_values_to_match_regex", "source_sha256",
             "documents.source_sha256 is a hex SHA-256", options=(("regex", SHA256_REGEX),)),
        Rule("body_sha256_hex", "expect_column_values_to_match_regex", "body_sha256",
             "documents.body_sha256 is a hex SHA-256", options=(("regex", SHA256_REGEX),)),
        Rule("transcript_has_turns", "expect_column_values_to_be_between", "n_turns",
             "a transcript document has at least one turn", where=Where("doc_type", "==", "transcript"),
             options=(("min_value", 1),)),
        Rule("transcripts_with_turns_share", "expect_column_values_to_be_between", "n_turns",
             f"at most {1 - MIN_TRANSCRIPTS_WITH_TURNS_SHARE:.0%} of transcript documents have zero turns",
             where=Where("doc_type", "==", "transcript"), options=(("min_value", 1),),
             share=MIN_TRANSCRIPTS_WITH_TURNS_SHARE, min_rows=MIN_TRANSCRIPTS_FOR_SHARE),
    ),
)
