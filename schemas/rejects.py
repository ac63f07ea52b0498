from enum import StrEnum

from schemas import Column, Table


class RejectReason(StrEnum):
    """Why an input yielded no document."""

    EMPTY = "empty"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    OUTSIDE_INPUT = "outside_input"
    STAGE_ERROR = "stage_error"
    QUARANTINED = "quarantined"
    DUPLICATE_DOC_ID = "duplicate_doc_id"
    HIDDEN = "hidden"
    SYMLINK_LOOP = "symlink_loop"
    TOO_DEEP = "too_deep"
    TOO_SLOW = "too_slow"


REJECT_REASONS = tuple(r.value for r in RejectReason)

REJECTS: Table = Table(
    name="rejects",
    description="Inputs that yielded no document, with the reason.",
    key=("source_path",),
    order_by=("source_path",),
    per_document=False,
    columns=(
        Column("source_path", "VARCHAR", "path relative to the input folder", nullable=False),
        Column("doc_id", "VARCHAR", "the doc_id the page would have had", nullable=False),
        Column("source_sha256", "VARCHAR", "SHA-256 of the file's bytes (NULL when unreadable)"),
        Column("source_bytes", "BIGINT", "size of the file in bytes", minimum=0),
        Column("reason", "VARCHAR", "why no document: " + ", ".join(REJECT_REASONS), nullable=False,
               values=REJECT_REASONS),
        Column("detail", "VARCHAR", "what exactly went wrong (error text, failed expectations)"),
        Column("pipeline_version", "VARCHAR", "version of the code that rejected it", nullable=False),
    ),
)
