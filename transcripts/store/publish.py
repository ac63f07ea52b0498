"""Publishing: one version of every table in ONE DuckLake transaction, gated by a check callback.

Readers (and a killed writer) only ever see whole versions: the commit is atomic in the SQLite catalog.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas import TABLES, Table
from transcripts.store.sql import AUTHOR, CATALOG, RowData, literal, quote, scalar, table_counts

VERSIONS = TABLES["versions"]
# versions columns publish fills itself; a run's version_row gives the others
_FILLED_BY_PUBLISH = {"version", "created_at", "rows"}


@dataclass
class CheckOutcome:
    """What a check callback may return to decide a publish explicitly.

    `passed` False blocks the publish. `summary` (JSON-able) is stored in versions.validation under
    "sql_checks" and in the commit's extra_info; `failures` are shown in the PublishResult report.
    """

    passed: bool
    summary: Any = None
    failures: list[str] = field(default_factory=list)


# A check gets (connection inside the publishing transaction, catalog name) and returns a CheckOutcome, or an
# iterable of per-check results with `.passed` and `.blocking` (transcripts.validate.checks.sql_checks):
# then the publish is blocked when a failed result is blocking, and every result is recorded.
CheckFn = Callable[[duckdb.DuckDBPyConnection, str], Any]


@dataclass
class PublishResult:
    """What publish did. `version` is None when nothing was published: `blocked` (the check failed, the
    transaction was rolled back) or nothing changed."""

    version: int | None
    snapshot: int | None = None
    blocked: bool = False
    rows: dict[str, int] = field(default_factory=dict)  # rows per table of the new (or candidate) version
    checks: Any = None  # JSON-able record of the check results
    failures: list[str] = field(default_factory=list)  # blocking failures, when blocked
    report: str = ""  # markdown: what blocked the publish

    @property
    def published(self) -> bool:
        return self.version is not None


@dataclass
class Changes:
    """One run's changes to the dataset.

    replace_doc_ids: documents whose rows go away from every per-document table (changed or gone);
        doc_ids present in `rows` of a per-document table are replaced too, whether listed or not.
    replace_reject_paths: rejects rows to delete (by source_path); paths in rows['rejects'] are
        replaced too.
    rows: new rows per table name, columns exactly as declared in schemas.TABLES. 'speakers' rows are
        candidates: only speakers referenced by appearances are kept.
    version_row: every versions column except version, created_at and rows (validation optional:
        filled from the check's summary when absent).
    """

    replace_doc_ids: set[str] | list[str] = field(default_factory=set)
    replace_reject_paths: set[str] | list[str] = field(default_factory=set)
    rows: dict[str, RowData] = field(default_factory=dict)
    version_row: dict[str, Any] = field(default_factory=dict)

    def replaced(self) -> tuple[set[str], set[str]]:
        """(doc_ids, reject paths) whose rows go away: those listed and those inserted again."""
        doc_ids = set(self.replace_doc_ids)
        for name, data in self.rows.items():
            if TABLES[name].per_document and len(data) > 0:
                doc_ids.update(_column_values(data, "doc_id"))
        paths = set(self.replace_reject_paths)
        if "rejects" in self.rows and len(self.rows["rejects"]) > 0:
            paths.update(_column_values(self.rows["rejects"], "source_path"))
        return doc_ids, paths


@dataclass
class Written:
    """What a publication changed in the per-document tables, kept as it writes so that the publish checks
    can cost in proportion to it (transcripts.validate.cross_checks.publish_checks).

    before: rows per table in the previous version (its versions.rows); before_replaced: how many of them
    belonged to `replaced` (as the DELETEs counted them); inserted: rows handed to `insert` per table;
    inserted_docs: doc_ids of the documents rows inserted; repeated: documents inserted by more than one
    `insert` call (a chunk written twice: the counts alone would take both for wanted rows)."""

    before: dict[str, int]
    replaced: set[str] = field(default_factory=set)
    before_replaced: dict[str, int] = field(default_factory=dict)
    inserted: dict[str, int] = field(default_factory=dict)
    inserted_docs: set[str] = field(default_factory=set)
    repeated: set[str] = field(default_factory=set)

    @property
    def touched(self) -> set[str]:
        """The documents this version deleted or inserted rows of."""
        return self.replaced | self.inserted_docs


PER_DOCUMENT = tuple(name for name, table in TABLES.items() if table.per_document)


class Publication:
    """One version being written. Readers keep seeing the previous version until `commit`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, staging: Path, *,
                 insert_threads: int | None = None) -> None:
        self.con = con
        self.staging = staging
        self.insert_threads = insert_threads
        self.finished = False
        self._speaker_batches: list[pa.Table] = []
        self._staged = 0
        self._written: Written | None = None

    @property
    def written(self) -> Written:
        """What this publication has changed so far (read inside the transaction, on first use)."""
        if self._written is None:
            self._written = Written(before=_previous_counts(self.con))
        return self._written

    def replace(self, doc_ids: Iterable[str], reject_paths: Iterable[str]) -> None:
        """Delete every per-document row of `doc_ids` and the rejects of `reject_paths`. Call it before
        `insert`: the rows it deletes are taken for the previous version's."""
        con = self.con
        written = self.written
        doc_ids, reject_paths = sorted(set(doc_ids)), sorted(set(reject_paths))
        if doc_ids:
            con.register("_replace_docs", pa.table({"doc_id": pa.array(doc_ids, pa.string())}))
            for name in PER_DOCUMENT:
                # A DELETE answers with the rows it deleted (counting them apart would cost as much again,
                # 0.15-0.35 s at 10,000 documents, before the run's first page)
                row = con.execute(f"DELETE FROM {CATALOG}.{quote(name)} "
                                  "WHERE doc_id IN (SELECT doc_id FROM _replace_docs)").fetchone()
                written.before_replaced[name] = written.before_replaced.get(name, 0) + (int(row[0]) if row else 0)
            written.replaced.update(doc_ids)
            con.unregister("_replace_docs")
        if reject_paths:
            con.register("_replace_paths", pa.table({"source_path": pa.array(reject_paths, pa.string())}))
            con.execute(f"DELETE FROM {CATALOG}.rejects "
                        "WHERE source_path IN (SELECT source_path FROM _replace_paths)")
            con.unregister("_replace_paths")

    def insert(self, rows: Mapping[str, RowData]) -> None:
        """Insert new rows (documents must not be present: `replace` them first). Speakers are candidates,
        kept at commit only when appearances reference them."""
        rows = {name: data for name, data in rows.items() if len(data) > 0}
        validate_rows(rows)
        written = self.written
        for name in PER_DOCUMENT:
            if name in rows:
                written.inserted[name] = written.inserted.get(name, 0) + len(rows[name])
        if "documents" in rows:
            docs = set(_column_values(rows["documents"], "doc_id"))
            written.repeated.update(docs & written.inserted_docs)
            written.inserted_docs.update(docs)
        with self._insert_threads():
            for name, table in TABLES.items():
                if name in rows and name not in ("speakers", "versions"):
                    self._insert_staged(table, rows[name])
        if "speakers" in rows:
            self._speaker_batches.append(_arrow(rows["speakers"]))

    @contextlib.contextmanager
    def _insert_threads(self) -> Iterator[None]:
        """DuckDB's threads while inserting a chunk (`insert_threads`, else its default). An insert reads one
        staged file and writes one: a second thread finishes it no sooner and costs a quarter more CPU (0.35
        against 0.27 s per 1,000 documents), taken from the page workers that run beside it."""
        if self.insert_threads is None:
            yield
            return
        before = scalar(self.con, "SELECT current_setting('threads')")
        self.con.execute(f"SET threads = {int(self.insert_threads)}")
        try:
            yield
        finally:  # an insert that failed aborted the transaction, which refuses even this (it is rolled back)
            with contextlib.suppress(duckdb.Error):
                self.con.execute(f"SET threads = {int(before)}")

    def _insert_staged(self, table: Table, data: RowData) -> None:
        """Insert through a Parquet file rather than a registered Arrow table: an open transaction keeps
        memory proportional to every Arrow batch it scanned, but not to the files it read."""
        self._staged += 1
        path = self.staging / f"{self._staged:06d}-{table.name}.parquet"
        # read once and deleted: compressing and dictionary-encoding it would only cost CPU (about 0.12 s per
        # 1,000 documents' tables, most of writing them)
        pq.write_table(_arrow(data), path, compression="none", use_dictionary=False)
        try:
            names = ", ".join(quote(c.name) for c in table.columns)
            casts = ", ".join(f"CAST({quote(c.name)} AS {c.type})" for c in table.columns)
            self.con.execute(f"INSERT INTO {CATALOG}.{quote(table.name)} ({names}) SELECT {casts} "
                             f"FROM read_parquet({literal(str(path))})")
        finally:
            path.unlink(missing_ok=True)

    def commit(self, version_row: Mapping[str, Any], *, check: CheckFn | None = None) -> PublishResult:
        """Check the candidate version and commit it as the next version, or roll back when the check blocks."""
        con = self.con
        validate_version_row(version_row)
        version = scalar(con, f"SELECT max(version) FROM {CATALOG}.versions") + 1
        speakers = pa.concat_tables(self._speaker_batches, promote_options="default") \
            if self._speaker_batches else None
        _refresh_speakers(con, speakers)

        counts = table_counts(con, CATALOG)
        counts["versions"] += 1  # the row inserted below
        passed, record, failures = _judge(check(con, CATALOG)) if check is not None else (True, None, [])
        if not passed:
            report = "\n".join([f"# Publish of version {version} blocked", "",
                                 *(f"- {f}" for f in failures or ["the check failed"])])
            con.execute("ROLLBACK")
            self.finished = True
            return PublishResult(version=None, blocked=True, rows=counts, checks=record, failures=failures,
                                 report=report)

        # The versions row comes last so that its validation can include the check's record.
        values = {**version_row, "version": version, "created_at": dt.datetime.now(dt.UTC), "rows": counts,
                  "validation": _validation(version_row.get("validation"), record)}
        _insert_version(con, values)
        # The commit's extra_info repeats the versions row (so `snapshot_of` finds the version in DuckLake's
        # own snapshot list), with JSON values as JSON.
        extra = {name: values[name] for name in VERSIONS.column_names}
        extra.update(created_at=values["created_at"].isoformat(), validation=json.loads(values["validation"]))
        con.execute(f"CALL {CATALOG}.set_commit_message(?, ?, extra_info => ?)",
                    [AUTHOR, f"version {version}: {values['message']}",
                     json.dumps(extra, default=str, sort_keys=True)])
        con.execute("COMMIT")
        self.finished = True
        # We still hold the writer lock, so the newest snapshot is the one we just committed.
        snapshot = scalar(con, f"SELECT max(snapshot_id) FROM {CATALOG}.snapshots()")
        return PublishResult(version=version, snapshot=snapshot, rows=counts, checks=record)


def _validation(validation: Any, record: Any) -> str:
    """The versions.validation JSON: the run's summary with the check's record under "sql_checks"."""
    if isinstance(validation, str):
        with contextlib.suppress(ValueError):
            validation = json.loads(validation)
    if record is not None:
        if validation is None:
            validation = {"sql_checks": record}
        elif isinstance(validation, dict):
            validation = {**validation, "sql_checks": record}
        else:
            validation = {"validation": validation, "sql_checks": record}
    return json.dumps(validation if validation is not None else {}, default=str, sort_keys=True)


def _previous_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per per-document table in the current version: its versions.rows (free), else counted."""
    row = con.execute(f"SELECT rows FROM {CATALOG}.versions ORDER BY version DESC LIMIT 1").fetchone()
    recorded = dict(row[0]) if row and row[0] else {}
    if all(name in recorded for name in PER_DOCUMENT):
        return {name: int(recorded[name]) for name in PER_DOCUMENT}
    counts = table_counts(con, CATALOG)
    return {name: counts[name] for name in PER_DOCUMENT}


def _arrow(data: RowData) -> pa.Table:
    return data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)


def _refresh_speakers(con: duckdb.DuckDBPyConnection, candidates: RowData | None) -> None:
    """Make `speakers` hold exactly the speakers that appearances reference (latest row wins)."""
    speakers = f"{CATALOG}.speakers"
    if candidates is not None:
        table = TABLES["speakers"]
        raw = _arrow(candidates)
        # numbered, so that the latest row wins in every run (DISTINCT ON alone keeps whichever row a thread
        # reads first: a person's spelling, "Hye-Jin" or "Hye-jin", changed from one run to the next)
        con.register("_speakers_raw", raw.append_column("_order", pa.array(range(raw.num_rows), pa.int64())))
        cols = ", ".join(f"CAST({quote(c.name)} AS {c.type}) AS {quote(c.name)}" for c in table.columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _speakers_in AS "
                    f"SELECT DISTINCT ON (speaker_id) {cols} FROM _speakers_raw ORDER BY speaker_id, _order DESC")
        con.unregister("_speakers_raw")
        # Replace a speaker whose name or kind changed; leave identical rows alone (no churn).
        con.execute(f"DELETE FROM {speakers} s WHERE EXISTS (SELECT 1 FROM _speakers_in i "
                    "WHERE i.speaker_id = s.speaker_id AND (i.name, i.kind) IS DISTINCT FROM (s.name, s.kind))")
        names = ", ".join(quote(c) for c in table.column_names)
        con.execute(f"INSERT INTO {speakers} ({names}) SELECT {names} FROM _speakers_in i "
                    f"WHERE i.speaker_id NOT IN (SELECT speaker_id FROM {speakers}) "
                    f"AND i.speaker_id IN (SELECT speaker_id FROM {CATALOG}.appearances)")
        con.execute("DROP TABLE _speakers_in")
    orphans = scalar(con, f"SELECT count(*) FROM {speakers} WHERE speaker_id NOT IN "
                          f"(SELECT speaker_id FROM {CATALOG}.appearances)")
    if orphans:
        con.execute(f"DELETE FROM {speakers} WHERE speaker_id NOT IN "
                    f"(SELECT speaker_id FROM {CATALOG}.appearances)")


def _insert_version(con: duckdb.DuckDBPyConnection, values: Mapping[str, Any]) -> None:
    """Insert the versions row: every declared column from `values`, `rows` as a MAP."""
    names = [c.name for c in VERSIONS.columns if c.name != "rows"]
    counts = values["rows"]
    params = [values[n] for n in names] + [list(counts), list(counts.values())]
    select = ", ".join(f"CAST(? AS {VERSIONS.column(n).type})" for n in names)
    con.execute(f"INSERT INTO {CATALOG}.versions ({', '.join(quote(n) for n in names)}, rows) "
                f"SELECT {select}, map(?::VARCHAR[], ?::BIGINT[])", params)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _judge(outcome: Any) -> tuple[bool, Any, list[str]]:
    """(passed, JSON-able record, blocking failure lines) from what a check callback returned."""
    if isinstance(outcome, CheckOutcome):
        return outcome.passed, _jsonable(outcome.summary), list(outcome.failures)
    if isinstance(outcome, bool):
        return outcome, None, [] if outcome else ["the check failed"]
    if outcome is None:
        return True, None, []
    results = list(outcome)
    record = _jsonable(results)
    failures = []
    for r in results:
        if not getattr(r, "passed", True) and getattr(r, "blocking", True):
            label = getattr(r, "label", None) or getattr(r, "name", None) or repr(r)
            sample = "; ".join(map(str, getattr(r, "sample", [])[:3]))
            failures.append(f"{label}" + (f" (e.g. {sample})" if sample else ""))
    return not failures, record, failures


def validate_rows(rows: Mapping[str, RowData]) -> None:
    """ValueError unless every table of `rows` is declared and has exactly its declared columns."""
    for name, data in rows.items():
        if name not in TABLES:
            raise ValueError(f"no table {name!r} in schemas.TABLES")
        if name == "versions":
            raise ValueError("versions rows are written by publish itself; pass Changes.version_row")
        declared = TABLES[name].column_names
        given = list(data.column_names) if isinstance(data, pa.Table) else [str(c) for c in data.columns]
        if sorted(given) != sorted(declared):
            missing = [c for c in declared if c not in given]
            extra = [c for c in given if c not in declared]
            raise ValueError(f"rows for {name} do not match its schema: missing {missing}, unexpected {extra}")


def validate_version_row(row: Mapping[str, Any]) -> None:
    declared = set(VERSIONS.column_names) - _FILLED_BY_PUBLISH
    missing = sorted(declared - set(row) - {"validation"})
    extra = sorted(set(row) - declared)
    if missing or extra:
        raise ValueError(f"version_row does not match versions: missing {missing}, unexpected {extra}")


def _column_values(data: RowData, column: str) -> list[str]:
    if isinstance(data, pa.Table):
        return [v for v in data.column(column).to_pylist() if v is not None]
    return [v for v in data[column].tolist() if v is not None]
