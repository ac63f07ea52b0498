"""The validation step: GE suites per table over the rows a run is about to publish, and cross-table SQL checks.

Two levels of failure:

- row level: the failing rows name their documents; those documents are *quarantined* (the orchestration
  drops them from the publish and writes them to `rejects`, reason `quarantined`, the failed expectations as
  detail);
- blocking: the table is wrong as a whole (columns, a failure no document can be blamed for, too many
  quarantined documents, a distribution rule); the orchestration publishes nothing and exits 1.

Entry points: `validate_tables(frames)` before publishing, `publish_checks(con, catalog, written)` (a run's) or
`sql_checks(con, catalog)` (every check, whole version) inside the publishing transaction,
`validate_version(con, catalog)` for a published version. `python -m transcripts.validate.checks --write`
regenerates expectations/*.json from schemas/ (see flows/suites.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import time
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from schemas import TABLES
from transcripts.validate import ge_runtime
from transcripts.validate.cross_checks import _BLANK_RE, CHECK_NAMES, frame_checks, publish_checks, sql_checks
from transcripts.validate.results import SAMPLE_SIZE, CheckResult, ExpectationFailure, ValidationResult
from transcripts.validate.suites import MAX_YEAR_PARAMETER, build_suites

if TYPE_CHECKING:  # GE costs seconds to import: only inside functions
    from great_expectations.core import ExpectationSuite

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"

# Quarantine is for the odd bad page. When a large share of the run fails, the fault is in the code (or the
# input as a whole): block instead of publishing a gutted version. Small runs are exempt from the share rule.
MAX_QUARANTINED_SHARE = 0.2
MIN_DOCS_FOR_SHARE = 10

__all__ = ["CHECK_NAMES", "EXPECTATIONS_DIR", "SAMPLE_SIZE", "_BLANK_RE", "CheckResult", "ExpectationFailure",
           "ValidationResult", "frame_checks", "load_suites", "publish_checks", "sql_checks", "validate_tables",
           "validate_version"]


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
    """Every suite of schemas.TABLES from `directory`, each checked to hold all its JSON's expectations."""
    return ge_runtime.load_suites(directory)


def prepare_validation(expectations_dir: Path = EXPECTATIONS_DIR) -> None:
    """Import GE, load the suites, set up the context that every later validate_tables reuses, and have GE build
    every suite's metric graph (over empty tables: the graph depends on the suite, not the rows), so that a
    run's first chunk reuses them as the later ones do. A run calls this while its first pages are processed."""
    from transcripts.tables import arrow_schema

    ge_runtime.cached_suites(str(expectations_dir))
    ge_runtime.batch_definitions()
    validate_tables({name: arrow_schema(table).empty_table() for name, table in TABLES.items()},
                    expectations_dir=expectations_dir, cross_checks=False)


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


def _ge_failing_doc_ids(name: str, frame: pd.DataFrame, expectation: Any, params: dict[str, Any]) -> list[Any]:
    """The doc_id of every failing row, from GE itself (the slow, exact way)."""
    if expectation is None:
        return [None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = ge_runtime.validator(name, frame, {
            "result_format": "COMPLETE", "unexpected_index_column_names": ["doc_id"],
            "return_unexpected_index_query": False, "exclude_unexpected_values": True,
        }).validate_expectation(expectation, expectation_parameters=params)
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


_BASIC = {"result_format": "BASIC", "partial_unexpected_count": SAMPLE_SIZE}


def _suite_results(name: str, frame: pd.DataFrame, suite: ExpectationSuite, by_rule: dict[Any, Any],
                   params: dict[str, Any]) -> list[Any]:
    """GE's result for every expectation of `suite`, in order, each as a BASIC validation reports it (pass/fail,
    counts and a sample). The suite runs BOOLEAN_ONLY (GE's verdict without listing any failing value: 40% less
    work over a clean chunk), and only the expectations that failed run again with BASIC for what the report
    shows. Asking GE for every failing row's doc_id (COMPLETE with unexpected_index_column_names) would cost
    ~25 µs per failing row: 30 s when every turn of 1M rows fails."""
    with warnings.catch_warnings(), ge_runtime.reusing_graphs():
        warnings.simplefilter("ignore")
        run = ge_runtime.validator(name, frame, {"result_format": "BOOLEAN_ONLY"}).validate_expectation_suite(
            suite, expectation_parameters=params)
    results = list(run.results)
    basic = None  # one validator (one batch) for all of the table's failures
    for i, r in enumerate(results):
        expectation = by_rule.get((r.expectation_config.meta or {}).get("rule"))
        if not r.success and expectation is not None:
            basic = basic or ge_runtime.validator(name, frame, _BASIC)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results[i] = basic.validate_expectation(expectation, expectation_parameters=params)
    return results


_EMPTY_PASSED: dict[tuple[Any, ...], tuple[Any, list[Any]]] = {}  # key -> (suite, its results)


def _widened(table: pa.Table) -> pa.Table:
    """`table` with the narrow numeric columns _numeric_for_ge would widen after conversion widened in Arrow
    instead (the same pandas columns: int64, float64 where an integer column has nulls; a tenth of the CPU)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_integer(field.type) and field.type.bit_width < 64:
            wide = pa.int64()
        elif pa.types.is_floating(field.type) and field.type.bit_width < 64:
            wide = pa.float64()
        else:
            continue
        table = table.set_column(i, field.with_type(wide), table.column(i).cast(wide))
    return table


def _validate_frame(name: str, frame: pd.DataFrame, suite: ExpectationSuite, raw: dict[str, dict[str, Any]],
                    params: dict[str, Any], result: ValidationResult) -> None:
    attributable = TABLES[name].per_document and "doc_id" in frame.columns
    frame = _numeric_for_ge(frame)
    by_rule = {(e.meta or {}).get("rule"): e for e in suite.expectations}
    # An empty table (e.g. mentions without NER, in every chunk) gets the same verdict each time: GE's results
    # depend on its columns, their types and the parameters only. Only verdicts without a failure are kept.
    empty_key = (name, id(suite), tuple(zip(frame.columns, map(str, frame.dtypes), strict=True)),
                 json.dumps(params, sort_keys=True)) if len(frame) == 0 else None
    kept = _EMPTY_PASSED.get(empty_key) if empty_key else None
    results = kept[1] if kept and kept[0] is suite else None
    if results is None:
        results = _suite_results(name, frame, suite, by_rule, params)
        if empty_key and all(r.success for r in results):
            if len(_EMPTY_PASSED) >= 64:
                _EMPTY_PASSED.clear()
            _EMPTY_PASSED[empty_key] = (suite, results)
    result.suites_run.append(name)
    result.rows[name] = len(frame)
    for r in results:
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
                                       partial(_ge_failing_doc_ids, name, frame, by_rule.get(rule), params))
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
    frames: Mapping[str, pd.DataFrame | pa.Table],
    *,
    expectations_dir: Path = EXPECTATIONS_DIR,
    cross_checks: bool = True,
    max_year: int | None = None,
    max_quarantined_share: float = MAX_QUARANTINED_SHARE,
    min_docs_for_share: int = MIN_DOCS_FOR_SHARE,
) -> ValidationResult:
    """Validate the rows a run is about to publish (Arrow tables or pandas frames by table name; absent tables
    are skipped).

    Runs each table's GE suite (over pandas: converting a chunk's Arrow tables costs ~0.01 s per 1,000
    documents, its string columns stay Arrow-backed), and, with `cross_checks`, the per-document SQL checks
    over the tables themselves (in an in-memory DuckDB, from Arrow), so that cross-table faults of a page
    quarantine it before publishing.
    """
    started = time.perf_counter()
    tables = frames
    frames = {name: _widened(t).to_pandas() if isinstance(t, pa.Table) else t for name, t in tables.items()}
    unknown = sorted(set(frames) - set(TABLES))
    if unknown:
        raise ValueError(f"no suite for tables {unknown}")
    suites = ge_runtime.cached_suites(str(expectations_dir))
    year = max_year if max_year is not None else dt.date.today().year + 1
    result = ValidationResult()
    # The SQL checks run beside the suites: DuckDB lets go of the GIL that GE holds, so a chunk's validation
    # takes about the longer of the two rather than both.
    sql = _sql_checks_thread().submit(frame_checks, tables) if cross_checks else None
    for name in TABLES:  # publication order: stable reports
        if name in frames:
            _validate_frame(name, frames[name], *suites[name], {MAX_YEAR_PARAMETER: year}, result)
    if sql is not None:
        _apply_checks(result, sql.result())
    _apply_share_rule(result, _run_doc_ids(frames), max_quarantined_share, min_docs_for_share)
    result.duration_s = time.perf_counter() - started
    return result


@cache
def _sql_checks_thread() -> ThreadPoolExecutor:
    """One thread for every chunk's SQL checks, which keeps its DuckDB connection (cross_checks.frame_checks)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="sql-checks")


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
