"""One declaration per table of the dataset.

Everything else is derived from these declarations: the DDL of the store, the column lists and
value sets of the Great Expectations suites in `expectations/`, and the dataset card that
`transcripts export` writes. Add a column here and it flows everywhere; never declare it twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type
    description: str
    nullable: bool = True
    values: tuple[str, ...] = ()  # allowed values, when the column is an enumeration
    minimum: int | None = None
    # an upper bound, or the name of a parameter supplied when validating (a bound that moves with time)
    maximum: int | str | None = None
    holds_json: bool = False  # VARCHAR holding a JSON document: JSON output nests it rather than quoting it


@dataclass(frozen=True)
class Where:
    """The rows a rule applies to: `column` compared with `value` (op "==" or "!="), or tested for null
    (op "is_null" or "not_null")."""

    column: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Rule:
    """A table-specific expectation that column declarations cannot express (a condition across columns, a
    pattern, a share of rows). The suite generator turns it into a Great Expectations expectation.

    expectation: the GE expectation type on `column` (e.g. expect_column_values_to_match_regex);
    options: its further arguments (regex, value_set, min_value, ...);
    share: a distribution rule: at least this share of the rows in scope pass, judged only once `min_rows`
        rows are in scope (else a row rule: failing rows quarantine their documents).
    """

    name: str
    expectation: str
    column: str
    description: str
    where: Where | None = None
    options: tuple[tuple[str, Any], ...] = ()
    share: float | None = None
    min_rows: int = 0


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique key
    per_document: bool = True  # rows belong to one document (doc_id) and are replaced with it
    order_by: tuple[str, ...] = field(default=())
    rules: tuple[Rule, ...] = ()  # expectations beyond what the columns declare

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def ddl(self, qualified_name: str | None = None) -> str:
        cols = ",\n  ".join(f"{c.name} {c.type}" for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {qualified_name or self.name} (\n  {cols}\n)"


def doc_id_column(what: str = "the document") -> Column:
    return Column("doc_id", "VARCHAR", f"{what}: the source path relative to the input folder, without extension",
                  nullable=False)


from schemas.appearances import APPEARANCES  # noqa: E402
from schemas.documents import DOCUMENTS  # noqa: E402
from schemas.mentions import MENTIONS  # noqa: E402
from schemas.quotes import QUOTES  # noqa: E402
from schemas.rejects import REJECTS  # noqa: E402
from schemas.removed import REMOVED  # noqa: E402
from schemas.segments import SEGMENTS  # noqa: E402
from schemas.sentences import SENTENCES  # noqa: E402
from schemas.sources import SOURCES  # noqa: E402
from schemas.speakers import SPEAKERS  # noqa: E402
from schemas.versions import VERSIONS  # noqa: E402

# Publication order: parents before children.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (DOCUMENTS, SOURCES, SEGMENTS, SENTENCES, SPEAKERS, APPEARANCES, QUOTES, MENTIONS, REMOVED,
              REJECTS, VERSIONS)
}

__all__ = ["TABLES", "Column", "Rule", "Table", "Where"]
