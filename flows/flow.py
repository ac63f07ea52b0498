"""Prefect flows and tasks: the thin layer that runs the plain steps, validates, and publishes."""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from schemas import TABLES
from transcripts import pipeline
from transcripts.model import Reject
from transcripts.pipeline import InputFile, RunSummary, Timer, settle_after_loading
from transcripts.steps.suspect import table_suspects
from transcripts.tables import batch_tables, concat_batches, mark_duplicates, reject_row, to_arrow

# Progress of the current run, (stage, done, total), for whoever watches: the CLI draws bars from it.
# A hook rather than a flow parameter, so that deployments keep plain JSON parameters.
ProgressHook = Callable[[str, int, int], None]
_progress_hooks: list[ProgressHook] = []


@contextlib.contextmanager
def watch_progress(hook: ProgressHook) -> Iterator[None]:
    _progress_hooks.append(hook)
    try:
        yield
    finally:
        _progress_hooks.remove(hook)


def _progress(stage: str, done: int, total: int) -> None:
    for hook in _progress_hooks:
        hook(stage, done, total)


def task_runner(spec: str) -> Any:
    """processes, threads, dask (a local cluster) or dask://HOST:PORT; `auto` (pipeline.DEFAULT_RUNNER) is
    resolved by the caller, who knows how many pages the run will process (pipeline.choose_runner)."""
    spec = pipeline.check_runner(spec)
    if spec == "auto":
        raise ValueError("runner 'auto' is chosen before the flow starts: pipeline.choose_runner")
    workers = pipeline.local_task_slots()
    if spec == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if spec == "processes":
        return ProcessPoolTaskRunner(max_workers=workers, initializer=_pool_process_start)
    if spec == "dask" or spec.startswith(("dask://", "tcp://")):
        from prefect_dask import DaskTaskRunner

        if spec == "dask":
            return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                                  "processes": True, "dashboard_address": None})
    return DaskTaskRunner(address="tcp://" + spec.split("://", 1)[1])


def _pool_process_start() -> None:
    """A pool process leaves Ctrl-C to the run, which stops it (transcripts.runtime), instead of printing a
    KeyboardInterrupt traceback of its own. It runs the steps over many pages (settle_after_loading)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settle_after_loading()


_worker = threading.local()


def worker_nlp(name: str) -> Any:
    """The NER pipeline of this worker thread, loaded once: spaCy pipelines are not made to be shared by
    threads, and loading one costs a second or two."""
    from transcripts.steps.entities import load_nlp

    cache: dict[str, Any] = _worker.__dict__.setdefault("nlp", {})
    if name not in cache:
        cache[name] = load_nlp(name)
    return cache[name]


class PageBatch:
    """The pages of one task, as one parameter that Prefect passes on as it is. Prefect looks into a task's
    parameters for futures and states, into lists and dataclasses too: each InputFile of a list (3 ms of the
    run's CPU a task). Its own quote() does not survive Dask, which takes tuples for tasks of its own."""

    __slots__ = ("files",)

    def __init__(self, files: list[InputFile]) -> None:
        self.files = files


# Pages travel to workers as locations (InputFile: a path or an s3:// URL), never as bytes: remote workers
# read the pages themselves, and each worker loads the NER model once.
@task(name="process-pages", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def process_pages(pages: PageBatch, max_bytes: int, ner_model: str, version: str,
                  page_timeout: float = pipeline.DEFAULT_PAGE_TIMEOUT) -> dict[str, pa.Table]:
    """The rows of every table for one batch of pages, as Arrow tables (cheap to send back from a process
    or a remote worker, and ready to validate and write). Each page has `page_timeout` seconds."""
    from transcripts.steps.entities import add_mentions

    batch = pages.files
    nlp = worker_nlp(ner_model)
    if nlp is None:  # the page workers build the tables (pipeline.process_batch_tables)
        return pipeline.process_batch_tables(batch, version, max_bytes, page_timeout)
    return batch_tables(add_mentions(pipeline.process_batch(batch, max_bytes, page_timeout), nlp), version)


def quarantine(tables: dict[str, pa.Table], failed: dict[str, list[str]], version: str) -> dict[str, pa.Table]:
    """The tables without the documents whose rows failed row-level expectations; those go to rejects."""
    if not failed:
        return tables
    docs = {d["doc_id"]: d for d in tables["documents"].select(["doc_id", "source_path", "source_sha256"])
            .to_pylist() if d["doc_id"] in failed}
    failed_ids = pa.array(sorted(failed), pa.string())
    kept = {name: t.filter(pc.invert(pc.is_in(t["doc_id"], failed_ids)))
            if TABLES[name].per_document else t for name, t in tables.items()}
    kept["speakers"] = kept["speakers"].filter(pc.is_in(kept["speakers"]["speaker_id"],
                                                        kept["appearances"]["speaker_id"].combine_chunks()))
    moved = [reject_row(Reject(docs.get(doc_id, {}).get("source_path", doc_id), doc_id, "quarantined",
                               "failed expectations: " + "; ".join(expectations),
                               docs.get(doc_id, {}).get("source_sha256")), version)
             for doc_id, expectations in sorted(failed.items())]
    kept["rejects"] = pa.concat_tables([kept["rejects"], to_arrow("rejects", moved)])
    return kept


class _Validation:
    """Validation results of a run's chunks, added up into one summary and one report."""

    def __init__(self) -> None:
        self.summary: dict[str, Any] = {"expectations_evaluated": 0, "expectations_passed": 0,
                                        "expectations_failed": 0, "quarantined": {}, "quarantined_docs": 0,
                                        "blocking": [], "failed_expectations": [], "duration_s": 0.0,
                                        "chunks": 0, "ok": True}
        self.reports: list[str] = []

    def add(self, result: Any) -> None:
        part, acc = result.summary(), self.summary
        for key in ("expectations_evaluated", "expectations_passed", "expectations_failed", "quarantined_docs"):
            acc[key] += part.get(key, 0)
        acc["duration_s"] = round(acc["duration_s"] + part.get("duration_s", 0.0), 3)
        acc["quarantined"].update(part.get("quarantined", {}))
        acc["blocking"] += part.get("blocking", [])
        acc["failed_expectations"] += part.get("failed_expectations", [])
        acc["ok"] = acc["ok"] and part.get("ok", True)
        acc["chunks"] += 1
        if not self.reports or not part.get("ok", True):  # the first chunk's report, and every failing one
            self.reports.append(result.to_markdown())

    def report(self) -> str:
        s = self.summary
        head = (f"Validated in {s['chunks']} chunk(s): {s['expectations_evaluated']} expectations evaluated, "
                f"{s['expectations_failed']} failed, {s['quarantined_docs']} documents quarantined.")
        return "\n\n".join([head, *self.reports])


@flow(name="transcripts-run", log_prints=False)
def run_flow(input_dir: str = "seeds", lake_dir: str = "output", batch_size: int = pipeline.DEFAULT_BATCH_SIZE,
             ner_model: str | None = None, max_bytes: int = pipeline.DEFAULT_MAX_BYTES,
             chunk_docs: int = pipeline.DEFAULT_CHUNK_DOCS, page_timeout: float = pipeline.DEFAULT_PAGE_TIMEOUT,
             allow_removals: bool = False, data: str | None = None) -> dict[str, Any]:
    """Clean, segment, label, validate and publish what changed in `input_dir` as one new version.

    Memory is bounded by the batch and chunk sizes, not by the corpus: a few batches are in flight at a
    time, and every `chunk_docs` documents (the last two chunks fewer: pipeline.chunk_target) are validated and
    written into the open publishing transaction, which commits once at the end (readers see the previous
    version until then). A page over `page_timeout` seconds becomes a `too_slow` reject; a run that would
    remove more than half the published documents is refused (InputError) unless `allow_removals`. `lake_dir`
    is a folder, or with `data` (s3://BUCKET/PREFIX) a remote lake's postgresql:// catalog (see
    transcripts.store.location)."""
    from transcripts.store.lake import Lake
    from transcripts.store.location import resolve_location

    location = resolve_location(lake_dir, data)
    if not location.remote:
        pipeline.check_locations(input_dir, lake_dir)
    model = pipeline.ner_model_name(ner_model)
    version = pipeline.pipeline_version(model)
    summary = RunSummary(str(input_dir), location.named, version)
    timer = Timer(summary.seconds)
    lake = Lake(location)
    with lake.writer_lock():
        if not lake.exists():
            lake.init()
        with timer.stage("plan"):
            files = pipeline.scan_input(input_dir, max_bytes)  # a folder or s3://bucket/prefix/
            state = lake.read_state()
            plan = pipeline.make_plan(files, state, version)
        pipeline.check_removals(plan, len(state.get("documents", {})), allow_removals, input_dir)
        summary.files, summary.unchanged = len(files), plan.unchanged
        if plan.nothing_to_do:
            lake.remove_orphans()  # a killed run's files, even when there is nothing new to publish
            summary.version = lake.current_version()
            return summary.__dict__

        with timer.stage("load_model"):
            worker_nlp(model)  # a missing model fails here, before any page is processed
        from transcripts.validate.checks import publish_checks, validate_tables

        def prepare() -> None:
            """Import GE and set up its context and metric graphs on the validation thread while the first pages
            are processed, unless the command line did during Prefect's start-up (then this costs nothing)."""
            with timer.stage("validate_setup"):
                prepare_validation_once()

        validation = _Validation()
        first_by_body: dict[str, str] = {}  # body hash -> the first document with it
        for doc_id, body in sorted(state.get("bodies", {}).items()):
            if doc_id not in plan.replace_doc_ids:
                first_by_body.setdefault(body, doc_id)
        new_docs: set[str] = set()
        n_rejects = n_written = 0
        with lake.publication() as pub:
            pub.replace(plan.replace_doc_ids, plan.replace_reject_paths)

            def flush(parts: list[dict[str, pa.Table]]) -> bool:
                """Assemble, validate and insert one chunk; False when validation blocks the publish."""
                nonlocal n_rejects, n_written
                with timer.stage("assemble"):
                    tables = concat_batches(parts)
                    tables["documents"] = mark_duplicates(tables["documents"], first_by_body)
                with timer.stage("validate"):
                    result = validate_tables(tables)
                    tables = quarantine(tables, result.quarantined, version)
                validation.add(result)
                if result.blocking:
                    return False
                with timer.stage("write"):
                    pub.insert(tables)
                summary.suspects.update(table_suspects(tables["segments"]))
                new_docs.update(tables["documents"]["doc_id"].to_pylist())
                n_rejects += tables["rejects"].num_rows
                n_written += sum(_pages(p) for p in parts)
                _progress("validated and written", n_written, len(plan.to_process))
                return True

            blocked = False
            processed = 0
            _progress("pages processed", 0, len(plan.to_process))
            _progress("validated and written", 0, len(plan.to_process))
            # Chunks are validated and written on one background thread while the next chunk's pages are
            # processed: validation no longer stalls the page workers. At most one chunk waits for it.
            with timer.stage("process"), _Flusher(flush, prepare) as flusher:
                chunk: list[dict[str, pa.Table]] = []
                target = pipeline.chunk_target(chunk_docs, len(plan.to_process))
                for part in _bounded_map(plan.to_process, batch_size, max_bytes, model, version, page_timeout):
                    chunk.append(part)
                    processed += _pages(part)
                    _progress("pages processed", processed, len(plan.to_process))
                    if sum(_pages(p) for p in chunk) >= target:
                        if not flusher.submit(chunk):
                            blocked = True
                            break
                        chunk = []
                        target = pipeline.chunk_target(chunk_docs, len(plan.to_process) - processed)
                if not blocked and chunk:
                    blocked = not flusher.submit(chunk)
                blocked = not flusher.finish() or blocked

            summary.added = len(new_docs - plan.changed_doc_ids)
            summary.changed = len(new_docs & plan.changed_doc_ids)
            summary.removed = len(plan.replace_doc_ids - new_docs)
            summary.rejected = n_rejects
            summary.quarantined = validation.summary["quarantined_docs"]
            summary.validation = validation.summary
            summary.report = validation.report()
            if blocked:  # leaving the publication without commit rolls everything back
                summary.status = "blocked"
            else:
                with timer.stage("publish"):
                    outcome = pub.commit({
                        "pipeline_version": version, "docs_added": summary.added,
                        "docs_changed": summary.changed, "docs_removed": summary.removed,
                        "validation": summary.validation, "input_sha256": pipeline.manifest_hash(files),
                        "message": f"{summary.added} added, {summary.changed} changed, {summary.removed} removed, "
                                   f"{summary.rejected} rejected (of {summary.files} files)",
                    }, check=functools.partial(publish_checks, written=pub.written))  # every chunk was checked
                summary.version = outcome.version
                summary.rows = outcome.rows
                summary.validation = {**summary.validation, "sql_checks": outcome.checks}
                summary.status = "published" if outcome.published else "blocked"
                if outcome.blocked:
                    summary.report += "\n\n" + outcome.report
    if summary.status == "blocked":  # nothing happened to the dataset: the current version stays
        summary.added = summary.changed = summary.removed = 0
        summary.version = lake.current_version()
    _write_report(summary, lake.root if lake.remote else Path(summary.lake_dir))
    _artifact(summary)
    return summary.__dict__


class _Flusher:
    """Runs `prepare`, then `flush` (validate and write one chunk) on one background thread, one chunk at a time,
    in order. `submit` waits for the previous chunk first and answers False once a chunk has blocked the publish;
    `finish` waits for the last one. An error in `flush` is raised in the flow's thread."""

    def __init__(self, flush: Callable[[list[dict[str, pa.Table]]], bool], prepare: Callable[[], None]) -> None:
        self.flush = flush
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate")
        self.prepared: Future[None] | None = self.pool.submit(prepare)  # runs before the first flush
        self.pending: Future[bool] | None = None

    def __enter__(self) -> _Flusher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> bool:
        prepared, self.prepared = self.prepared, None
        if prepared is not None:
            prepared.result()  # an error in it is raised here
        done, self.pending = self.pending, None
        return done is None or done.result()

    def submit(self, chunk: list[dict[str, pa.Table]]) -> bool:
        if not self.finish():
            return False
        self.pending = self.pool.submit(self.flush, chunk)
        return True


def _pages(part: dict[str, pa.Table]) -> int:
    """Pages behind a batch's tables: every page is a document or a reject."""
    return part["documents"].num_rows + part["rejects"].num_rows


def _workers() -> int:
    """Task slots of the flow's task runner: the cluster's threads under Dask, else this machine's cores."""
    from prefect.context import FlowRunContext

    ctx, dask = FlowRunContext.get(), sys.modules.get("prefect_dask")
    if ctx is not None and dask is not None and isinstance(ctx.task_runner, dask.DaskTaskRunner):
        with contextlib.suppress(Exception):  # an unreachable scheduler fails at the first submit, clearly
            return max(1, sum(ctx.task_runner.client.nthreads().values()))
    return pipeline.local_task_slots()


def _bounded_map(files: list[InputFile], batch_size: int, *task_args: Any) -> Any:
    """Yield each batch's results in input order, with at most two batches per worker in flight, so that
    finished results never pile up faster than they are written. The page workers this process started stop
    at the end (a process runner's workers die with their pool)."""
    from transcripts.worker import stop_all

    window = 2 * _workers()
    pending: deque[Any] = deque()
    todo = map(PageBatch, pipeline.batches(files, pipeline.progress_batch_size(len(files), batch_size)))
    try:
        for batch in itertools.islice(todo, window):
            pending.append(process_pages.submit(batch, *task_args))
        while pending:
            results = pending.popleft().result()
            for batch in itertools.islice(todo, 1):
                pending.append(process_pages.submit(batch, *task_args))
            yield results
    finally:
        stop_all()


@functools.cache
def prepare_validation_once() -> None:
    """Import Great Expectations, quiet it, and set up what every chunk's validation reuses (its context, the
    suites, their metric graphs): once per process, by the command line while Prefect's server starts, else by
    the flow's validation thread. Then what the run's process has loaded is left out of garbage collections
    (settle_after_loading): a full one scanned it all, and over 10,000 pages two came during the run, 0.25 s each
    with every thread of the process stopped."""
    from transcripts.validate.checks import prepare_validation

    if logging.getLogger("prefect").getEffectiveLevel() > logging.INFO:
        _quiet_great_expectations()
    prepare_validation()
    settle_after_loading()


def _quiet_great_expectations() -> None:
    """Great Expectations sets INFO on its own loggers at import and announces its temporary folders there."""
    import great_expectations  # noqa: F401  (importing it creates the loggers we quiet)

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


def _write_report(summary: RunSummary, root: Path) -> None:
    """Keep the run's validation report beside the data: reports/<time>-v<N>.md (or -blocked.md); a remote
    lake's in its local state folder."""
    folder = root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = f"v{summary.version}" if summary.status == "published" else summary.status
    path = folder / f"{stamp}-{suffix}.md"
    path.write_text(summary.to_markdown(), encoding="utf-8")
    summary.report_path = str(path)


def _artifact(summary: RunSummary) -> None:
    # an artifact is a convenience; it must never fail a run
    with contextlib.suppress(Exception):
        create_markdown_artifact(key="transcripts-run", markdown=summary.to_markdown(),
                                 description=summary.message())
