from enum import StrEnum

from schemas import Column, Table, doc_id_column


class RemovedReason(StrEnum):
    """Why a stretch of the page is not segment text (the clean step's verdicts)."""

    PAGE_CHROME = "page_chrome"
    STATION_NOTICE = "station_notice"
    COOKIE_BANNER = "cookie_banner"
    SPONSOR = "sponsor"
    TITLE = "title"
    END_MARKER = "end_marker"
    COPYRIGHT = "copyright"
    DISCLAIMER = "disclaimer"
    BIO = "bio"
    RELATED = "related"
    PHOTO_CREDIT = "photo_credit"
    DUPLICATE_CAPTION = "duplicate_caption"
    DUPLICATE_BODY = "duplicate_body"
    DUPLICATE_TITLE = "duplicate_title"
    TEASER = "teaser"  # a teaser, show notes or rundown above the transcript: not speech


REMOVED_REASONS = tuple(r.value for r in RemovedReason)

REMOVED: Table = Table(
    name="removed",
    description="Everything of sources.text that is not in a segment's text, and why. Segment stretches and "
    "removed stretches cover every non-blank character exactly once; a removed stretch that lies inside a "
    "turn (chrome between two paragraphs of the same turn) names that segment in seg_idx.",
    key=("doc_id", "char_start"),
    order_by=("doc_id", "char_start"),
    columns=(
        doc_id_column(),
        Column("char_start", "INTEGER", "start in sources.text", nullable=False, minimum=0),
        Column("char_end", "INTEGER", "end in sources.text (exclusive)", nullable=False, minimum=0),
        Column("text", "VARCHAR", "the removed text", nullable=False),
        Column("reason", "VARCHAR", "why it was removed: " + ", ".join(REMOVED_REASONS), nullable=False,
               values=REMOVED_REASONS),
        Column("seg_idx", "INTEGER", "the segment whose stretch encloses this removal, else NULL", minimum=0),
    ),
)
