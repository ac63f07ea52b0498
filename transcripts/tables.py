"""Assemble step outputs into rows of the dataset's tables, typed by the declarations in `schemas/`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import cache
from operator import attrgetter
from typing import Any

import pyarrow as pa

from schemas import TABLES, Table
from transcripts.model import Labeled, Reject

_SCALAR_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP WITH TIME ZONE": pa.timestamp("us", tz="UTC"),
}


def arrow_type(duckdb_type: str) -> pa.DataType:
    if duckdb_type.endswith("[]"):
        return pa.list_(arrow_type(duckdb_type[:-2]))
    m = re.fullmatch(r"MAP\((\w+), (\w+)\)", duckdb_type)
    if m:
        return pa.map_(arrow_type(m[1]), arrow_type(m[2]))
    return _SCALAR_TYPES[duckdb_type]


@cache
def _schema(table: str) -> pa.Schema:
    return arrow_schema(TABLES[table])


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, arrow_type(c.type), nullable=c.nullable) for c in table.columns])


class SchemaMismatch(ValueError):
    """Rows whose columns are not exactly the declared ones: a bug in the code that built them."""


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of table `name` as Arrow, typed by its declaration; every row must have exactly the declared
    columns (SchemaMismatch otherwise: a missing column is a bug, never a column of nulls)."""
    schema = _schema(name)
    declared = set(schema.names)
    for row in rows:
        if row.keys() != declared:
            raise SchemaMismatch(f"rows for {name} do not match schemas/{name}.py: missing "
                                 f"{sorted(declared - row.keys())}, unexpected {sorted(row.keys() - declared)}")
    # column by column: several times faster than Table.from_pylist over row dicts
    return pa.Table.from_pydict({c: [r[c] for r in rows] for c in schema.names}, schema=schema)


@cache
def _columns(table: str) -> tuple[tuple[str, ...], frozenset[str]]:
    names = tuple(TABLES[table].column_names)
    return names, frozenset(names)


_MISSING = object()
Columns = dict[str, list[Any]]


class PerRow(list[Any]):
    """A column's value for each row, in order (any other value given to `columns` is every row's)."""


def columns(table: str, items: Sequence[Any], *sources: Any, **values: Any) -> Columns:
    """The columns of `table` for one row per item: each declared column from `values`, else from the first of
    (the item, *sources) that has an attribute of that name. Built column by column (a dict per row costs
    three times as much). The column list comes from schemas/ only; SchemaMismatch when a declared column has
    no value or a value names no declared column."""
    names, declared = _columns(table)
    if not values.keys() <= declared:
        raise SchemaMismatch(f"{table} has no column {sorted(values.keys() - declared)} (schemas/{table}.py)")
    n = len(items)
    out: Columns = {}
    for column in names:
        if column in values:
            value = values[column]
            if isinstance(value, PerRow) and len(value) != n:
                raise SchemaMismatch(f"{len(value)} values of {table}.{column} for {n} rows")
            out[column] = value if isinstance(value, PerRow) else [value] * n
        elif not n:
            out[column] = []
        elif hasattr(items[0], column):  # the items are step outputs of one type: all have it or none
            out[column] = list(map(attrgetter(column), items))
        else:
            for source in sources:
                value = getattr(source, column, _MISSING)
                if value is not _MISSING:
                    out[column] = [value] * n
                    break
            else:
                raise SchemaMismatch(f"no value for {table}.{column} (schemas/{table}.py)")
    return out


def row(table: str, *sources: Any, **values: Any) -> dict[str, Any]:
    """One row of `table` (columns, for the first of `sources` as the item)."""
    return {column: value[0] for column, value in columns(table, sources[:1], *sources[1:], **values).items()}


def body_hash(page: Labeled) -> str:
    """Hash of the cleaned body, insensitive to whitespace and case, for duplicate detection."""
    body = " ".join(s.text for s in page.segmented.segments)
    return hashlib.sha256(" ".join(body.split()).casefold().encode()).hexdigest()


def document_columns(page: Labeled, pipeline_version: str) -> dict[str, Columns]:
    """Columns of every per-document table for one labeled page (documents.duplicate_of is filled later).

    Columns named like an attribute of the step's output are taken from it; only the others are given."""
    src = page.source
    segs = page.segmented.segments
    doc = src.doc_id
    removed = page.segmented.cleaned.removed
    text = src.text
    return {
        "documents": columns("documents", [page], src, source_sha256=src.sha256, doc_type=page.segmented.doc_type,
                             title=page.segmented.cleaned.title, bylines=list(page.bylines), duplicate_of=None,
                             n_turns=sum(1 for s in segs if s.kind == "turn"), n_words=sum(s.n_words for s in segs),
                             pipeline_version=pipeline_version, body_sha256=body_hash(page)),
        "sources": columns("sources", [src], repairs=list(src.repairs)),
        "segments": columns("segments", segs, doc_id=doc, seg_idx=PerRow(range(len(segs)))),
        "sentences": columns("sentences", page.segmented.sentences, doc_id=doc),
        "appearances": columns("appearances", page.appearances, doc_id=doc,
                               labels=PerRow(list(a.labels) for a in page.appearances)),
        "speakers": columns("speakers", page.appearances),
        "quotes": columns("quotes", page.quotes, doc_id=doc, quote_idx=PerRow(range(len(page.quotes)))),
        "mentions": columns("mentions", page.mentions, doc_id=doc),
        "removed": columns("removed", removed, doc_id=doc,
                           text=PerRow(text[r.char_start:r.char_end] for r in removed)),
    }


def reject_row(reject: Reject, pipeline_version: str) -> dict[str, Any]:
    return row("rejects", reject, pipeline_version=pipeline_version)


def mark_duplicates(documents: pa.Table, first_by_body: dict[str, str]) -> pa.Table:
    """`documents` with duplicate_of set on new documents whose cleaned body equals an earlier document's.

    `first_by_body` maps a body hash to the first document seen with it (the published ones, then the new
    ones in the order they are processed) and is updated here. Pages with an empty body (no segments) are
    never duplicates of each other."""
    empty = hashlib.sha256(b"").hexdigest()
    doc_ids, bodies = documents["doc_id"].to_pylist(), documents["body_sha256"].to_pylist()
    duplicate_of: list[str | None] = [None] * len(doc_ids)
    for i in sorted(range(len(doc_ids)), key=doc_ids.__getitem__):
        if bodies[i] == empty:
            continue
        original = first_by_body.setdefault(bodies[i], doc_ids[i])
        duplicate_of[i] = original if original != doc_ids[i] else None
    column = documents.schema.get_field_index("duplicate_of")
    return documents.set_column(column, documents.schema.field(column), pa.array(duplicate_of, pa.string()))


class BatchRows:
    """Rows of every table, added one step result at a time as columns, then built into Arrow tables at once
    (building a table per page costs twice as much). A page whose rows cannot be built becomes a `stage_error`
    reject."""

    def __init__(self) -> None:
        self.columns = self._empty()

    @staticmethod
    def _empty() -> dict[str, Columns]:
        return {name: {c: [] for c in _columns(name)[0]} for name in TABLES if name != "versions"}

    def _extend(self, table: str, part: Columns) -> None:
        into = self.columns[table]
        for column, values in part.items():
            into[column].extend(values)

    def add(self, result: Labeled | Reject, pipeline_version: str) -> None:
        if isinstance(result, Labeled):
            try:
                part = document_columns(result, pipeline_version)
            except Exception as exc:  # one bad page must not sink its batch
                src = result.source
                result = Reject(src.source_path, src.doc_id, "stage_error",
                                f"assemble: {type(exc).__name__}: {exc}", src.sha256, src.n_bytes)
            else:
                for name, table_columns in part.items():
                    self._extend(name, table_columns)
                return
        self._extend("rejects", columns("rejects", [result], pipeline_version=pipeline_version))

    def tables(self) -> dict[str, pa.Table]:
        """The rows added so far as Arrow tables; the rows start again empty."""
        built, self.columns = self.columns, self._empty()
        return {name: pa.Table.from_pydict(table_columns, schema=_schema(name))
                for name, table_columns in built.items()}


def batch_tables(results: Iterable[Labeled | Reject], pipeline_version: str) -> dict[str, pa.Table]:
    """Every table's rows for a batch of step results, as Arrow tables (built where the pages were processed,
    so that the single writer only concatenates)."""
    rows = BatchRows()
    for result in results:
        rows.add(result, pipeline_version)
    return rows.tables()


def first_per_key(table: pa.Table, key: str) -> pa.Table:
    """The first row of each `key` value, in order of first appearance."""
    first: dict[Any, int] = {}
    for i, value in enumerate(table[key].to_pylist()):
        first.setdefault(value, i)
    return table.take(list(first.values())) if len(first) < table.num_rows else table


def to_ipc(tables: dict[str, pa.Table]) -> dict[str, bytes]:
    """Tables as Arrow IPC streams: how a page worker sends a page's tables (4x cheaper than pickling them)."""
    out = {}
    for name, table in tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        out[name] = sink.getvalue().to_pybytes()
    return out


def from_ipc(streams: dict[str, bytes]) -> dict[str, pa.Table]:
    return {name: pa.ipc.open_stream(data).read_all() for name, data in streams.items()}


def concat_batches(parts: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """One table per name from several batches' tables; one speakers row per speaker_id (the same person
    appears in many documents)."""
    tables = {name: pa.concat_tables([p[name] for p in parts]) for name in parts[0]}
    tables["speakers"] = first_per_key(tables["speakers"], "speaker_id")
    return tables
