"""The validation step: GE suites per table over the rows a run is about to publish, and cross-table SQL checks.

Two levels of failure:

- row level: the failing rows name their documents; those documents are *quarantined* (the orchestration
  drops them from the publish and writes them to `rejects`, reason `quarantined`, the failed expectations as
  detail);
- blocking: the table is wrong as a whole (columns, a failure no document can be blamed for, too many
  quarantined documents, a distribution rule); the orchestration publishes nothing and exits 1.

Entry points: `validate_tables(frames)` before publishing, `sql_checks(con, catalog)` inside the publishing
transaction, `validate_version(con, catalog)` for a published version. `python -m transcripts.validate.checks --write`
regenerates expectations/*.json from schemas/ (see flows/suites.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from schemas import TABLES
from transcripts.validate.suites import MAX_YEAR_PARAMETER, build_suites

if TYPE_CHECKING:  # GE costs seconds to import: only inside functions
    from great_expectations.core import ExpectationSuite

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"

# Quarantine is for the odd bad page. When a large share of the run fails, the fault is in the code (or the
# input as a whole): block instead of publishing a gutted version. Small runs are exempt from the share rule.
MAX_QUARANTINED_SHARE = 0.2
MIN_DOCS_FOR_SHARE = 10
SAMPLE_SIZE = 5


# ---------------------------------------------------------------------------------------------- results


@dataclass
class ExpectationFailure:
    """One failed expectation of one table's suite."""

    table: str
    rule: str
    description: str
    level: str  # row | table | distribution
    n_unexpected: int | None
    sample: list[str]
    doc_ids: list[str] = field(default_factory=list)
    action: str = "block"  # block | quarantine | none (a distribution rule over too few rows to judge)

    @property
    def label(self) -> str:
        return f"{self.table}.{self.rule}: {self.description}"


@dataclass
class CheckResult:
    """One cross-table SQL check. `doc_ids` are the documents to blame when the failure is attributable;
    `blocking` is set when it is not (or when the check is global by nature)."""

    name: str
    description: str
    passed: bool
    n_failing: int
    sample: list[str]
    blocking: bool
    doc_ids: list[str] = field(default_factory=list)
    warning: bool = False  # reported, never blocks nor quarantines

    @property
    def label(self) -> str:
        return f"sql.{self.name}: {self.description}"


@dataclass
class ValidationResult:
    suites_run: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    evaluated: int = 0
    passed: int = 0
    failures: list[ExpectationFailure] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    quarantined: dict[str, list[str]] = field(default_factory=dict)
    blocking: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the run may publish (after dropping the quarantined documents)."""
        return not self.blocking

    @property
    def failed(self) -> int:
        return self.evaluated - self.passed

    def summary(self) -> dict[str, Any]:
        """JSON-able summary, stored with each version (versions.validation)."""
        return {
            "ok": self.ok,
            "suites_run": self.suites_run,
            "rows": self.rows,
            "expectations_evaluated": self.evaluated,
            "expectations_passed": self.passed,
            "expectations_failed": self.failed,
            "failed_expectations": [f"{f.label} [{f.action}]" for f in self.failures],
            "sql_checks_run": len(self.checks),
            "sql_checks_failed": [c.name for c in self.checks if not c.passed],
            "quarantined_docs": len(self.quarantined),
            "quarantined": {d: r for d, r in sorted(self.quarantined.items())[:50]},
            "blocking": self.blocking,
            "duration_s": round(self.duration_s, 3),
        }

    def to_markdown(self) -> str:
        verdict = "BLOCKED: nothing may be published" if self.blocking else "passed"
        lines = [
            f"# Validation report: {verdict}",
            "",
            f"- suites: {len(self.suites_run)} ({', '.join(self.suites_run) or 'none'})",
            f"- expectations: {self.evaluated} evaluated, {self.passed} passed, {self.failed} failed",
            f"- SQL checks: {len(self.checks)} run, {sum(not c.passed for c in self.checks)} failed",
            f"- quarantined documents: {len(self.quarantined)}",
            f"- duration: {self.duration_s:.2f} s",
        ]
        if self.blocking:
            lines += ["", "## Blocking", ""] + [f"- {b}" for b in self.blocking]
        if self.failures:
            lines += ["", "## Failed expectations", "", "| table | rule | level | action | unexpected | sample |",
                      "|---|---|---|---|---|---|"]
            for f in self.failures:
                sample = ", ".join(f.sample).replace("|", "\\|")
                lines.append(f"| {f.table} | {f.rule}: {f.description} | {f.level} | {f.action} | "
                             f"{'' if f.n_unexpected is None else f.n_unexpected} | {sample} |")
        failed_checks = [c for c in self.checks if not c.passed]
        if failed_checks:
            lines += ["", "## Failed SQL checks", "", "| check | failing | blocking | sample |", "|---|---|---|---|"]
            for c in failed_checks:
                sample = ", ".join(c.sample).replace("|", "\\|")
                lines.append(f"| {c.name}: {c.description} | {c.n_failing} | {'yes' if c.blocking else 'no'} | "
                             f"{sample} |")
        if self.quarantined:
            lines += ["", "## Quarantined documents", ""]
            lines += [f"- `{d}`: {'; '.join(r)}" for d, r in sorted(self.quarantined.items())]
        if self.rows:
            lines += ["", "## Rows validated", ""] + [f"- {t}: {n}" for t, n in self.rows.items()]
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- suites


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    """Write expectations/<table>.json from schemas/ (the only way they should change)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, suite in build_suites().items():
        path = directory / f"{name}.json"
        path.write_text(suite_json(suite), encoding="utf-8")
        paths.append(path)
    return paths


def suite_json(suite: dict[str, Any]) -> str:
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def load_suites(directory: Path = EXPECTATIONS_DIR) -> dict[str, ExpectationSuite]:
    """Load every suite of schemas.TABLES from `directory`. GE logs and drops an expectation it cannot build
    (e.g. an unimported custom class), so the count of each loaded suite is checked against its JSON."""
    from great_expectations.core import ExpectationSuite

    suites: dict[str, ExpectationSuite] = {}
    for name in TABLES:
        raw = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            suite = ExpectationSuite(**raw)
        if len(suite.expectations) != len(raw["expectations"]):
            raise RuntimeError(f"suite {name}: loaded {len(suite.expectations)} of "
                               f"{len(raw['expectations'])} expectations from {directory / (name + '.json')}")
        suites[name] = suite
    return suites


@lru_cache(maxsize=8)
def _cached_suites(directory: str) -> dict[str, tuple[ExpectationSuite, dict[str, dict[str, Any]]]]:
    """Loaded suites, each with its JSON expectations by rule (to recompute failing rows, see _unexpected_mask)."""
    path = Path(directory)
    return {name: (suite, {e["meta"]["rule"]: e for e in json.loads(
        (path / f"{name}.json").read_text(encoding="utf-8"))["expectations"]})
        for name, suite in load_suites(path).items()}


@lru_cache(maxsize=1)
def _batch_definitions() -> dict[str, Any]:
    """One ephemeral GE context per process, one pandas asset per table (building them costs ~0.1 s each)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GE fingerprints every pandas batch below this size (a full hash of the frame, ~20% of validation
    # time) only to label the batch in results nobody reads here.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("candidate")
    return {name: source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all") for name in TABLES}


# ---------------------------------------------------------------------------------------------- GE run


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    try:  # numpy/pandas scalars print as np.int64(3): show the plain value
        return value.item() if hasattr(value, "item") and callable(value.item) else value
    except (ValueError, TypeError):
        return value


def _short(value: Any) -> str:
    text = str(_plain(value))
    return text if len(text) <= 80 else text[:77] + "..."


def _exception_message(info: dict[str, Any] | None) -> str | None:
    """GE reports an error either flat ({raised_exception, exception_message}) or per metric id."""
    if not info:
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info["raised_exception"] else None
    for detail in info.values():
        if isinstance(detail, dict):
            return str(detail.get("exception_message") or "metric error")
    return "unknown error"


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


# Row conditions and masks for the expectation types build_suites() uses, to find the failing rows' documents
# in one vectorized pass. GE stays the judge: a mask is used only when its row count equals GE's
# unexpected_count; otherwise GE itself is asked for the failing rows (exact, but ~25 µs per failing row).
_OPS: dict[str, Callable[[pd.Series, Any], pd.Series]] = {
    "==": lambda c, v: c == v, "!=": lambda c, v: c != v, "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v, ">": lambda c, v: c > v, ">=": lambda c, v: c >= v,
}


def _scope(frame: pd.DataFrame, condition: dict[str, Any] | None) -> pd.Series:
    if condition is None:
        return pd.Series(True, index=frame.index)
    col = frame[condition["column"]["name"]]
    if condition["type"] == "nullity":
        return col.isna() if condition["is_null"] else col.notna()
    if condition["type"] == "comparison" and condition["operator"] in _OPS:
        return col.notna() & _OPS[condition["operator"]](col, condition["parameter"]).fillna(False).astype(bool)
    raise NotImplementedError(condition)


def _unexpected_mask(frame: pd.DataFrame, exp: dict[str, Any], params: dict[str, Any]) -> pd.Series:
    kw = {k: (params[v["$PARAMETER"]] if isinstance(v, dict) and "$PARAMETER" in v else v)
          for k, v in exp["kwargs"].items()}
    scope, type_ = _scope(frame, kw.get("row_condition")), exp["type"]
    if type_ == "expect_compound_columns_to_be_unique":
        return scope & frame.duplicated(subset=kw["column_list"], keep=False)
    if type_ == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = frame[kw["column_A"]], frame[kw["column_B"]]
        return scope & a.notna() & b.notna() & ~(a > b).fillna(False).astype(bool)
    col = frame[kw["column"]]
    if type_ == "expect_column_values_to_not_be_null":
        return scope & col.isna()
    if type_ == "expect_column_values_to_be_null":
        return scope & col.notna()
    present = scope & col.notna()
    if type_ == "expect_column_values_to_be_in_set":
        return present & ~col.isin(kw["value_set"])
    if type_ == "expect_column_values_to_be_between":
        bad = pd.Series(False, index=frame.index)
        if kw.get("min_value") is not None:
            bad |= (col < kw["min_value"]).fillna(False).astype(bool)
        if kw.get("max_value") is not None:
            bad |= (col > kw["max_value"]).fillna(False).astype(bool)
        return present & bad
    if type_ == "expect_column_values_to_be_unique":
        return present & col.duplicated(keep=False)
    if type_ in ("expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex"):
        hit = col.astype("str").str.contains(kw["regex"], regex=True).fillna(False).astype(bool)
        return present & (~hit if type_ == "expect_column_values_to_match_regex" else hit)
    raise NotImplementedError(type_)


def _failing_doc_ids(frame: pd.DataFrame, exp: dict[str, Any], params: dict[str, Any], n_unexpected: int | None,
                     ge_rows: Callable[[], list[Any]]) -> list[Any]:
    try:
        mask = _unexpected_mask(frame, exp, params)
        if n_unexpected is not None and int(mask.sum()) == n_unexpected:
            return list(frame.loc[mask, "doc_id"].unique())
    except (NotImplementedError, KeyError, TypeError, ValueError):
        pass
    return ge_rows()


def _ge_failing_doc_ids(batch: Any, expectation: Any, params: dict[str, Any]) -> list[Any]:
    """The doc_id of every failing row, from GE itself (the slow, exact way)."""
    if expectation is None:
        return [None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = batch.validate(expectation, expectation_parameters=params, result_format={
            "result_format": "COMPLETE", "unexpected_index_column_names": ["doc_id"],
            "return_unexpected_index_query": False, "exclude_unexpected_values": True})
    doc_ids: list[Any] = []
    for row in (full.result or {}).get("unexpected_index_list") or [None]:
        value = row.get("doc_id") if isinstance(row, dict) else None
        # with exclude_unexpected_values GE answers one dict of columns -> lists, else one dict per row
        doc_ids.extend(value if isinstance(value, list) else [value])
    return doc_ids


def _numeric_for_ge(frame: pd.DataFrame) -> pd.DataFrame:
    """GE's pandas `between` is vectorized only for int64/float64 columns; int32 (what the store hands back)
    and nullable ints go through a Python call per value (~1 s per million). Widen them on a shallow copy."""
    out = frame.copy(deep=False)
    for col in frame.columns:
        dtype = frame[col].dtype
        if pd.api.types.is_integer_dtype(dtype) and dtype != "int64":
            out[col] = frame[col].astype("float64" if frame[col].hasnans else "int64")
        elif pd.api.types.is_float_dtype(dtype) and dtype != "float64":
            out[col] = frame[col].astype("float64")
    return out


def _validate_frame(name: str, frame: pd.DataFrame, suite: ExpectationSuite, raw: dict[str, dict[str, Any]],
                    params: dict[str, Any], result: ValidationResult) -> None:
    attributable = TABLES[name].per_document and "doc_id" in frame.columns
    frame = _numeric_for_ge(frame)
    batch = _batch_definitions()[name].get_batch(batch_parameters={"dataframe": frame})
    # BASIC: pass/fail, counts and a sample. Asking GE for every failing row's doc_id (COMPLETE with
    # unexpected_index_column_names) costs ~25 µs per failing row: 30 s when every turn of 1M rows fails.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = batch.validate(suite, result_format={"result_format": "BASIC", "partial_unexpected_count": SAMPLE_SIZE},
                             expectation_parameters=params)
    by_rule = {(e.meta or {}).get("rule"): e for e in suite.expectations}
    result.suites_run.append(name)
    result.rows[name] = len(frame)
    for r in run.results:
        result.evaluated += 1
        if r.success:
            result.passed += 1
            continue
        config = r.expectation_config
        meta = config.meta or {}
        rule, level = meta.get("rule", config.type), meta.get("level", "table")
        description = config.description or config.type
        res = r.result or {}
        error = _exception_message(r.exception_info)
        n_unexpected = res.get("unexpected_count")
        sample = [_short(v) for v in (res.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]]
        if error is not None:
            sample = [_short(error)]
        elif "observed_value" in res and not sample:
            sample = [_short(res["observed_value"])]
        failure = ExpectationFailure(name, rule, description, level, n_unexpected, sample)
        result.failures.append(failure)
        if error is not None:
            result.blocking.append(f"{failure.label}: the expectation could not be evaluated ({sample[0]})")
        elif level == "distribution":
            in_scope = res.get("element_count") or 0
            if in_scope < int(meta.get("min_rows", 0)):
                failure.action = f"none ({in_scope} rows in scope: too few to judge)"
            else:
                result.blocking.append(f"{failure.label} (observed {100 - (res.get('unexpected_percent') or 0):.1f}%"
                                       f" good of {in_scope})")
        elif level == "row" and attributable and rule in raw:
            doc_ids = _failing_doc_ids(frame, raw[rule], params, n_unexpected,
                                       partial(_ge_failing_doc_ids, batch, by_rule.get(rule), params))
            failure.doc_ids = sorted({str(d) for d in doc_ids if not _is_missing(d)})
            failure.action = "quarantine"
            if not doc_ids or any(_is_missing(d) for d in doc_ids):
                result.blocking.append(f"{failure.label}: failing rows without a doc_id")
                failure.action = "block"
            for doc_id in failure.doc_ids:
                result.quarantined.setdefault(doc_id, []).append(failure.label)
        else:
            result.blocking.append(f"{failure.label} ({n_unexpected if n_unexpected is not None else 'failed'}"
                                   f"{'; e.g. ' + ', '.join(sample) if sample else ''})")


def _run_doc_ids(frames: Mapping[str, pd.DataFrame]) -> set[str]:
    """The documents of the run: those in `documents`, else every doc_id seen in a per-document table."""
    if "documents" in frames:
        return set(frames["documents"]["doc_id"].dropna().astype(str))
    seen: set[str] = set()
    for name, frame in frames.items():
        if TABLES[name].per_document and "doc_id" in frame.columns:
            seen |= set(frame["doc_id"].dropna().astype(str).unique())
    return seen


def validate_tables(
    frames: Mapping[str, pd.DataFrame],
    *,
    expectations_dir: Path = EXPECTATIONS_DIR,
    cross_checks: bool = True,
    max_year: int | None = None,
    max_quarantined_share: float = MAX_QUARANTINED_SHARE,
    min_docs_for_share: int = MIN_DOCS_FOR_SHARE,
) -> ValidationResult:
    """Validate the rows a run is about to publish (frames by table name; absent tables are skipped).

    Runs each table's GE suite, and, with `cross_checks`, the per-document SQL checks over the frames
    themselves (in an in-memory DuckDB), so that cross-table faults of a page quarantine it before publishing.
    """
    started = time.perf_counter()
    unknown = sorted(set(frames) - set(TABLES))
    if unknown:
        raise ValueError(f"no suite for tables {unknown}")
    suites = _cached_suites(str(expectations_dir))
    year = max_year if max_year is not None else dt.date.today().year + 1
    result = ValidationResult()
    for name in TABLES:  # publication order: stable reports
        if name in frames:
            _validate_frame(name, frames[name], *suites[name], {MAX_YEAR_PARAMETER: year}, result)
    if cross_checks:
        _apply_checks(result, frame_checks(frames))
    _apply_share_rule(result, _run_doc_ids(frames), max_quarantined_share, min_docs_for_share)
    result.duration_s = time.perf_counter() - started
    return result


def _apply_checks(result: ValidationResult, checks: list[CheckResult]) -> None:
    result.checks.extend(checks)
    for c in checks:
        if c.passed:
            continue
        if c.blocking:
            result.blocking.append(f"{c.label} ({c.n_failing} failing; e.g. {', '.join(c.sample)})")
        for doc_id in [] if c.warning else c.doc_ids:
            result.quarantined.setdefault(doc_id, []).append(c.label)


def _apply_share_rule(result: ValidationResult, run_docs: set[str], max_share: float, min_docs: int) -> None:
    n_docs = len(run_docs | set(result.quarantined))
    if result.quarantined and n_docs >= min_docs and len(result.quarantined) / n_docs > max_share:
        result.blocking.append(f"{len(result.quarantined)} of {n_docs} documents would be quarantined "
                               f"(more than {max_share:.0%})")


# ---------------------------------------------------------------------------------------------- SQL checks

# Blank as Python's str.isspace() sees it (RE2's \s alone misses NBSP, U+2028, \x1c-\x1f, \x85, ...).
_BLANK_RE = r"[\s\v\x{85}\x{1c}-\x{1f}\p{Z}]"


_OFFSET_TABLES = ("segments", "sentences", "quotes", "mentions", "removed")
_SPEAKER_TABLES = ("appearances", "segments", "quotes", "mentions")
_CHILD_TABLES = ("sources", "segments", "sentences", "appearances", "quotes", "mentions", "removed")


@dataclass(frozen=True)
class _Check:
    name: str
    description: str
    tables: tuple[str, ...]
    sql: str  # over {c}.<table>; returns (doc_id, detail): one row per failure, doc_id NULL if unattributable
    complete_only: bool = False  # needs the whole dataset (not just the run's documents) to be meaningful
    # Never blocks: a fault the run cannot repair, e.g. duplicate_of naming a page since removed from the input
    # (the duplicate itself is unchanged, so it is not reprocessed): blocking would block every later run.
    warn_only: bool = False


def _union(tables: Iterable[str], select: str, where: str = "") -> str:
    return "\nUNION ALL\n".join(f"SELECT '{t}' AS tbl, {select} FROM {{c}}.{t} {where}" for t in tables)


_CHECKS: tuple[_Check, ...] = (
    _Check("seg_idx_contiguous", "segments.seg_idx runs 0..n-1 per document", ("segments",), """
        SELECT doc_id, 'n=' || count(*) || ' min=' || min(seg_idx) || ' max=' || max(seg_idx) AS detail
        FROM {c}.segments GROUP BY doc_id
        HAVING min(seg_idx) <> 0 OR max(seg_idx) <> count(*) - 1 OR count(DISTINCT seg_idx) <> count(*)"""),
    _Check("sent_idx_contiguous", "sentences.sent_idx runs 0..n-1 per segment", ("sentences",), """
        SELECT doc_id, 'seg ' || seg_idx || ': n=' || count(*) || ' max=' || max(sent_idx) AS detail
        FROM {c}.sentences GROUP BY doc_id, seg_idx
        HAVING min(sent_idx) <> 0 OR max(sent_idx) <> count(*) - 1 OR count(DISTINCT sent_idx) <> count(*)"""),
    _Check("offsets_within_source", "0 <= char_start < char_end <= length(sources.text)",
           ("sources", *_OFFSET_TABLES), """
        WITH o AS (""" + _union(_OFFSET_TABLES, "doc_id, char_start, char_end") + """),
             s AS (SELECT doc_id, length(text) AS n FROM {c}.sources)
        SELECT o.doc_id, o.tbl || ' [' || o.char_start || ',' || o.char_end || ') in ' || s.n AS detail
        FROM o JOIN s ON o.doc_id = s.doc_id
        WHERE o.char_start < 0 OR o.char_end <= o.char_start OR o.char_end > s.n"""),
    _Check("within_parent_segment",
           "sentences, quotes, mentions and removed stretches with a seg_idx lie inside that segment",
           ("segments", "sentences", "quotes", "mentions", "removed"), """
        WITH o AS (""" + _union(("sentences", "quotes", "mentions", "removed"),
                                "doc_id, seg_idx, char_start, char_end", "WHERE seg_idx IS NOT NULL") + """)
        SELECT o.doc_id, o.tbl || ' seg ' || o.seg_idx || ' [' || o.char_start || ',' || o.char_end || ')'
               || coalesce(' outside [' || g.char_start || ',' || g.char_end || ')', ': no such segment') AS detail
        FROM o LEFT JOIN {c}.segments g ON g.doc_id = o.doc_id AND g.seg_idx = o.seg_idx
        WHERE g.doc_id IS NULL OR o.char_start < g.char_start OR o.char_end > g.char_end"""),
    # Exact coverage, without scanning whole pages: walking each page's stretches (segments, and removed
    # outside segments) in order, every gap before a stretch, every overlap with earlier stretches (measured
    # against the furthest end so far, to catch nested stretches) and the tail after the last stretch must be
    # blank. Gaps and overlaps are short, so this reads a sliver of the text (5x faster than counting).
    _Check("exact_coverage",
           "segments and removed cover every non-blank character of sources.text exactly once",
           ("sources", "segments", "removed"), """
        WITH st AS (
            SELECT doc_id, char_start, char_end FROM {c}.segments
            UNION ALL SELECT doc_id, char_start, char_end FROM {c}.removed WHERE seg_idx IS NULL),
        w AS (
            SELECT doc_id, char_start, char_end,
                   coalesce(max(char_end) OVER (PARTITION BY doc_id ORDER BY char_start, char_end
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prev_end
            FROM st),
        ends AS (SELECT doc_id, max(char_end) AS last_end FROM st GROUP BY doc_id),
        pieces AS (
            SELECT doc_id, prev_end AS a, char_start AS b, 'gap' AS what FROM w WHERE char_start > prev_end
            UNION ALL
            SELECT doc_id, char_start, least(prev_end, char_end), 'overlap' FROM w WHERE prev_end > char_start
            UNION ALL
            SELECT s.doc_id, coalesce(e.last_end, 0), length(s.text), 'tail'
            FROM {c}.sources s LEFT JOIN ends e ON e.doc_id = s.doc_id
            WHERE length(s.text) > coalesce(e.last_end, 0))
        SELECT p.doc_id, p.what || ' [' || p.a || ',' || p.b || ') is not blank' AS detail
        FROM pieces p JOIN {c}.sources s ON s.doc_id = p.doc_id
        WHERE NOT regexp_full_match(substring(s.text, p.a + 1, p.b - p.a), '""" + _BLANK_RE + """*')"""),
    _Check("child_doc_exists", "every row's doc_id is in documents", ("documents", *_CHILD_TABLES), """
        WITH o AS (""" + _union(_CHILD_TABLES, "doc_id") + """)
        SELECT DISTINCT o.doc_id, o.tbl || ' row of unknown document' AS detail FROM o
        WHERE NOT EXISTS (SELECT 1 FROM {c}.documents d WHERE d.doc_id = o.doc_id)"""),
    _Check("document_has_source", "each document has a sources row", ("documents", "sources"), """
        SELECT d.doc_id, 'no sources row' AS detail FROM {c}.documents d
        WHERE NOT EXISTS (SELECT 1 FROM {c}.sources s WHERE s.doc_id = d.doc_id)"""),
    _Check("document_counts", "documents.n_turns and n_words equal the counts over segments",
           ("documents", "segments"), """
        WITH g AS (SELECT doc_id, count(*) FILTER (WHERE kind = 'turn') AS n_turns, sum(n_words) AS n_words
                   FROM {c}.segments GROUP BY doc_id)
        SELECT d.doc_id, 'n_turns ' || d.n_turns || ' vs ' || coalesce(g.n_turns, 0)
               || ', n_words ' || d.n_words || ' vs ' || coalesce(g.n_words, 0) AS detail
        FROM {c}.documents d LEFT JOIN g ON g.doc_id = d.doc_id
        WHERE d.n_turns IS DISTINCT FROM coalesce(g.n_turns, 0)
           OR d.n_words IS DISTINCT FROM coalesce(g.n_words, 0)"""),
    _Check("appearances_match_turns", "each turn's speaker has an appearance whose n_turns counts its turns",
           ("segments", "appearances"), """
        WITH t AS (SELECT doc_id, speaker_id, count(*) AS n FROM {c}.segments
                   WHERE kind = 'turn' AND speaker_id IS NOT NULL GROUP BY doc_id, speaker_id)
        SELECT coalesce(a.doc_id, t.doc_id) AS doc_id,
               coalesce(a.speaker_id, t.speaker_id) || ': appearance n_turns '
               || coalesce(a.n_turns::VARCHAR, 'missing') || ' vs ' || coalesce(t.n, 0) || ' turns' AS detail
        FROM {c}.appearances a FULL JOIN t ON a.doc_id = t.doc_id AND a.speaker_id = t.speaker_id
        WHERE a.n_turns IS DISTINCT FROM coalesce(t.n, 0)"""),
    _Check("speaker_exists", "every speaker_id in appearances, segments, quotes, mentions is in speakers",
           ("speakers", *_SPEAKER_TABLES), """
        WITH o AS (""" + _union(_SPEAKER_TABLES, "doc_id, speaker_id", "WHERE speaker_id IS NOT NULL") + """)
        SELECT DISTINCT o.doc_id, o.tbl || ': unknown speaker ' || o.speaker_id AS detail FROM o
        WHERE NOT EXISTS (SELECT 1 FROM {c}.speakers s WHERE s.speaker_id = o.speaker_id)""",
           complete_only=True),
    _Check("duplicate_of_exists", "documents.duplicate_of names another existing document", ("documents",), """
        SELECT d.doc_id, 'duplicate_of ' || d.duplicate_of AS detail FROM {c}.documents d
        WHERE d.duplicate_of IS NOT NULL AND (d.duplicate_of = d.doc_id OR NOT EXISTS (
            SELECT 1 FROM {c}.documents e WHERE e.doc_id = d.duplicate_of))""", complete_only=True, warn_only=True),
    _Check("orphan_doc_scoped_speakers", "an unidentified/group speaker belongs to an existing document",
           ("speakers", "documents"), """
        SELECT NULL AS doc_id, s.speaker_id AS detail FROM {c}.speakers s
        WHERE s.kind <> 'person' AND NOT EXISTS (
            SELECT 1 FROM {c}.documents d WHERE d.doc_id = split_part(s.speaker_id, '#', 1))""",
           complete_only=True),
)

CHECK_NAMES: tuple[str, ...] = tuple(c.name for c in _CHECKS)


def sql_checks(con: duckdb.DuckDBPyConnection, catalog: str, *, names: Iterable[str] | None = None,
               complete: bool = True, quarantinable: bool = False) -> list[CheckResult]:
    """Cross-table checks over `{catalog}.<table>`: by default the candidate version inside the publishing
    transaction, where nothing can be quarantined any more, so every failure is `blocking` (except warn-only
    checks). `doc_ids` names the documents to blame whenever the failing rows name them.

    quarantinable=True (before publishing, see frame_checks): a failure whose rows all name documents is not
    blocking; the caller quarantines `doc_ids`. complete=False skips the checks that need the whole dataset
    (speakers, duplicate_of, ...)."""
    wanted = set(names) if names is not None else None
    results = []
    for check in _CHECKS:
        if (wanted is not None and check.name not in wanted) or (check.complete_only and not complete):
            continue
        rows = con.execute(check.sql.replace("{c}", catalog)).fetchall()  # not format(): regex braces
        doc_ids = sorted({str(r[0]) for r in rows if r[0] is not None})
        unattributable = any(r[0] is None for r in rows)
        results.append(CheckResult(
            name=check.name, description=check.description, passed=not rows, n_failing=len(rows),
            sample=[f"{r[0]}: {r[1]}" if r[0] is not None else str(r[1]) for r in rows[:SAMPLE_SIZE]],
            blocking=bool(rows) and not check.warn_only and (unattributable or not quarantinable),
            doc_ids=doc_ids, warning=check.warn_only))
    return results


def frame_checks(frames: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """The per-document SQL checks over the run's own frames, before anything is published. Checks needing a
    table the run did not pass, or the whole dataset, are skipped."""
    names = [c.name for c in _CHECKS if not c.complete_only and all(t in frames for t in c.tables)]
    if not names:
        return []
    con = duckdb.connect()
    try:
        con.execute("ATTACH ':memory:' AS cand")
        for name, frame in frames.items():
            if len(frame) == 0:  # an empty frame has no types to infer: use the declared ones
                con.execute(TABLES[name].ddl(f"cand.{name}"))
            else:
                # via Arrow: DuckDB scans pandas' Arrow-backed string columns slowly, an Arrow table directly
                con.register(f"frame_{name}", pa.Table.from_pandas(frame, preserve_index=False))
                con.execute(f"CREATE VIEW cand.{name} AS SELECT * FROM frame_{name}")
        return sql_checks(con, "cand", names=names, complete=False, quarantinable=True)
    finally:
        con.close()


def read_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, pd.DataFrame]:
    """Every table of schemas.TABLES that exists in `catalog`, as DataFrames."""
    frames = {}
    for name in TABLES:
        try:
            frames[name] = con.execute(f"SELECT * FROM {catalog}.{name}").df()
        except duckdb.CatalogException:  # e.g. a store created before the table was declared
            continue
    return frames


def validate_version(con: duckdb.DuckDBPyConnection, catalog: str, *,
                     expectations_dir: Path = EXPECTATIONS_DIR) -> ValidationResult:
    """Re-validate a whole version (e.g. `transcripts validate --version N`): every table's suite over all its
    rows, and every SQL check. Attributable failures show as quarantined documents."""
    started = time.perf_counter()
    result = validate_tables(read_tables(con, catalog), expectations_dir=expectations_dir, cross_checks=False)
    _apply_checks(result, sql_checks(con, catalog))
    result.duration_s = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m transcripts.validate.checks", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate expectations/*.json from schemas/")
    parser.add_argument("--check", action="store_true", help="exit 1 if expectations/*.json are out of date")
    parser.add_argument("--dir", type=Path, default=EXPECTATIONS_DIR)
    args = parser.parse_args(argv)
    if args.write:
        for path in write_suites(args.dir):
            print(path)
        return 0
    if args.check:
        stale = [n for n, s in build_suites().items()
                 if not (args.dir / f"{n}.json").is_file()
                 or (args.dir / f"{n}.json").read_text(encoding="utf-8") != suite_json(s)]
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
