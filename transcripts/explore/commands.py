"""The analysts' commands (`describe`, `show`, `search`, `report`, `shell`), registered on the `transcripts`
app by `register`: they live here so that cli.py keeps the pipeline's commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from transcripts.explore.output import closed_pipe_is_fine, render_rows

# Every command's way to name the lake (cli.py's commands take them from here); see store.location.
LakeOpt = Annotated[str | None, typer.Option("--lake", help="the dataset folder, or a remote lake's catalog "
                                              "postgresql://USER@HOST:PORT/DATABASE (default: $TRANSCRIPTS_LAKE, "
                                              "transcripts.toml, else output)")]
DataOpt = Annotated[str | None, typer.Option("--data", help="a remote lake's data files, s3://BUCKET/PREFIX "
                                             "(default: $TRANSCRIPTS_DATA or transcripts.toml)")]
DEFAULT_LAKE: str | None = None  # resolve_location: --lake, $TRANSCRIPTS_LAKE, transcripts.toml, output/
VersionOpt = Annotated[int | None, typer.Option("--version", help="a published version (default: the latest)")]
EXIT_USAGE = 2


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    from transcripts.cli import err

    err.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(code)


def _reader(lake_dir: str | None, version: int | None, data: str | None = None) -> tuple[Any, Any, int]:
    """(lake, read-only connection at the version, version number); exit 2 with one line when unreadable."""
    from transcripts.cli import _open_lake, _store_errors
    from transcripts.store.lake import UnknownVersion

    lake = _open_lake(lake_dir, data)
    try:
        with _store_errors(lake):  # a damaged or unreachable lake: one line, exit 1
            con = lake.reader(version)  # one connection: it resolves the current version itself
    except UnknownVersion as exc:
        raise _fail(str(exc)) from exc
    row = con.execute("SELECT max(version) FROM versions").fetchone()  # the newest row is the version read
    if version is None and (row is None or row[0] is None):
        con.close()
        raise _fail(str(UnknownVersion(None, [])))
    return lake, con, int(version if version is not None else row[0])


def describe(table: Annotated[str | None, typer.Argument(help="one table (default: every table)")] = None,
             fmt: Annotated[str, typer.Option("--format", help="auto, table, tsv, csv or json")] = "auto") -> None:
    """Tables, columns, types and descriptions (from schemas/, also stored as comments in the catalog)."""
    from transcripts.explore.describe import DESCRIBE_COLUMNS, UnknownTable, describe_rows, table_rows

    try:
        if table is None and fmt in ("auto", "table") and sys.stdout.isatty():
            render_rows(["table", "one row per", "key"], table_rows(), "table", title="tables")
        render_rows(DESCRIBE_COLUMNS, describe_rows(table), fmt)
    except (UnknownTable, ValueError) as exc:
        raise _fail(str(exc)) from exc


def show(doc: Annotated[str, typer.Argument(help="the document's doc_id")], version: VersionOpt = None,
         fmt: Annotated[str, typer.Option("--format", help="text, md or json")] = "text",
         width: Annotated[int | None, typer.Option(min=30, help="wrap at N columns (default: the terminal's, "
                                                   "80 in a pipe)")] = None,
         lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None) -> None:
    """One transcript as a person reads it: title, program, year, then `Speaker (role): text` turns."""
    from transcripts.explore.show import SHOW_FORMATS, UnknownDocument, load_transcript, render

    if fmt not in SHOW_FORMATS:
        raise _fail(f"--format must be one of {', '.join(SHOW_FORMATS)}, not {fmt!r}")
    _, con, _ = _reader(lake_dir, version, data)
    try:
        transcript = load_transcript(con, doc)
    except UnknownDocument as exc:
        raise _fail(str(exc)) from exc
    finally:
        con.close()
    columns = width or (shutil.get_terminal_size().columns if sys.stdout.isatty() else 80)
    with closed_pipe_is_fine():
        sys.stdout.write(render(transcript, fmt, columns))


def search(words: Annotated[str, typer.Argument(help="words to look for (ranked by BM25)")],
           speaker: Annotated[str | None, typer.Option(help="part of the speaker's name, or a speaker_id")] = None,
           role: Annotated[str | None, typer.Option(help="host, correspondent, guest or unidentified")] = None,
           program: Annotated[str | None, typer.Option(help="part of the program's name")] = None,
           year: Annotated[int | None, typer.Option(help="the document's year")] = None,
           limit: Annotated[int, typer.Option(min=1, help="at most N hits")] = 20,
           version: VersionOpt = None,
           fmt: Annotated[str, typer.Option("--format", help="auto, table, tsv, csv or json")] = "auto",
           lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None) -> None:
    """Full-text search over turns and paragraphs: hits with document, speaker, role, year and a snippet."""
    from transcripts.explore.search import HIT_COLUMNS, Filters, SearchError, build_index, index_path
    from transcripts.explore.search import search as run_search

    lake, con, chosen = _reader(lake_dir, version, data)
    try:
        path = index_path(lake.root, chosen)
        if not path.is_file():
            from transcripts.cli import err

            err.print(f"[dim]building the search index of version {chosen} (once per version)…[/dim]")
            build_index(con, path)
    finally:
        con.close()
    try:
        hits = run_search(path, words, Filters(speaker, role, program, year), limit)
        render_rows(HIT_COLUMNS, hits, fmt)
    except (SearchError, ValueError) as exc:
        raise _fail(str(exc)) from exc


def report(version: VersionOpt = None,
           out: Annotated[Path, typer.Option("--out", help="the HTML file to write")] = Path("report.html"),
           lake_dir: LakeOpt = DEFAULT_LAKE, data: DataOpt = None) -> None:
    """One self-contained HTML page of charts about a version (opens with no network)."""
    from transcripts.explore.report import build_report
    from transcripts.store.lake import UnknownVersion

    lake, con, chosen = _reader(lake_dir, version, data)
    try:
        earlier = [v["version"] for v in lake.versions() if v["version"] < chosen and not v["expired"]]
        try:
            changes = lake.diff(max(earlier), chosen) if earlier else None
        except UnknownVersion:
            changes = None
        page = build_report(con, chosen, changes)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    from transcripts.cli import out as console

    console.print(f"report of version {chosen}: {out}", highlight=False)


def shell(ctx: typer.Context, version: VersionOpt = None, lake_dir: LakeOpt = DEFAULT_LAKE,
          data: DataOpt = None) -> None:
    """The DuckDB command line with the version attached read-only (tables by bare name). Arguments after
    `--` go to duckdb, e.g. `transcripts shell -- -c "SELECT count(*) FROM documents"`."""
    from transcripts.cli import _open_lake
    from transcripts.explore.shell import ShellMissing, shell_command
    from transcripts.store.lake import UnknownVersion

    lake = _open_lake(lake_dir, data)
    try:
        target = version if version is not None else lake.current_version()
        snapshot = lake.snapshot_of(target) if target is not None else None
        argv = shell_command(lake.location, snapshot, list(ctx.args))
    except (UnknownVersion, ShellMissing) as exc:
        raise _fail(str(exc)) from exc
    sys.stdout.flush()
    raise typer.Exit(subprocess.call(argv))


def register(app: typer.Typer) -> None:
    for command in (describe, show, search, report):
        app.command()(command)
    app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(shell)
