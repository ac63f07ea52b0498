"""The run: plan what changed, process pages, validate, publish. Thin orchestration around pure steps.

The steps (decode, clean, segment, label, entities) are plain functions over `transcripts.model` objects; this
module only decides what to feed them and wraps them in Prefect tasks. Each step declares what it reads
and what it assigns (`STEPS`), like spaCy components do.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transcripts import __version__
from transcripts.model import Labeled, Reject

# the run's view of the input (a folder or an S3 prefix: sources.py), also reached through this module
from transcripts.scan import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
from transcripts.scan import MAX_DEPTH as MAX_DEPTH
from transcripts.scan import InputError as InputError
from transcripts.scan import InputFile as InputFile
from transcripts.sources import check_input as check_input
from transcripts.sources import count_input as count_input
from transcripts.sources import is_s3 as is_s3
from transcripts.sources import read_page
from transcripts.sources import scan_input as scan_input
from transcripts.steps.entities import DEFAULT_NER_MODEL as DEFAULT_NER_MODEL  # re-exported for the CLI
from transcripts.steps.entities import ner_model_name as ner_model_name
from transcripts.steps.suspect import suspect_line

if TYPE_CHECKING:
    import pyarrow as pa

# The steps allocate many short-lived containers and few reference cycles: collecting the youngest generation
# every 700 allocations (CPython's default) took about 4% of the steps' time.
GC_YOUNGEST_THRESHOLD = 10_000


def settle_after_loading() -> None:
    """Ready a process for a run's pages once it has loaded what it keeps (modules, patterns, the word list; in the
    run's own process Great Expectations, Prefect, the NER model): they live as long as the process, so collections
    stop scanning them (`gc.freeze`), and the youngest objects are collected less often. Garbage is still
    collected."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNGEST_THRESHOLD, older, oldest)


DEFAULT_BATCH_SIZE = 100
# Task runner of `transcripts run`: auto picks processes for a large run with NER and threads otherwise. Measured
# on 2,000 pages, two cores, quiet (bench/bench_run.py, bench/results/run-2000.json): without NER threads were
# as fast as processes (46.4 s against 48.6-54.4 s: the steps leave the run's process in page workers either
# way, and the pool's processes cost ~10-15 s to start and import); with NER only processes spread the model
# over the cores (under threads it shares one GIL). A small incremental run never earns back the pool's start.
DEFAULT_RUNNER = "auto"
AUTO_PROCESSES_FROM = 1000  # pages to process from which `auto` takes processes, when NER is on
# Documents validated and written together. A chunk's validation costs ~0.15 s of a core whatever its size (GE's
# suites, the SQL checks' set-up): at 10,000 pages, chunks of 2,000 rather than 1,000 took the validation stage
# 4.5-4.7 -> 3.4-3.5 s, for 127 MB more at the peak (885 against 758 MB), still the same for any corpus size.
DEFAULT_CHUNK_DOCS = 2000
TAIL_CHUNK_MIN = 100  # pages of a run's last chunk, at least (chunks of at most this many are never cut)


def chunk_target(chunk_docs: int, to_come: int) -> int:
    """Pages a chunk gathers before it is validated and written, given the pages still `to_come` when it starts:
    `chunk_docs`, but the chunk before the last stops short so as to leave a quarter of `chunk_docs` (at least
    TAIL_CHUNK_MIN) to the last. The last chunk is validated and written after the last page, while the page
    workers wait: at 1,000 documents that took 0.75 s, at 250 a third of that (a chunk more costs ~0.15 s of a
    core, spent while the pages are processed)."""
    tail = max(TAIL_CHUNK_MIN, chunk_docs // 4)
    if tail >= chunk_docs or to_come - chunk_docs >= tail or to_come <= tail:
        return chunk_docs
    return to_come - tail


def check_runner(spec: str) -> str:
    """auto, threads, processes, dask (a local cluster) or dask://HOST:PORT (an existing scheduler)."""
    if spec in {"auto", "threads", "processes", "dask"} or (spec.startswith(("dask://", "tcp://")) and ":" in spec[7:]):
        return spec
    raise ValueError(f"unknown runner {spec!r}: use auto, threads, processes, dask or dask://HOST:PORT")


def ner_enabled(ner_model: str | None) -> bool:
    """Whether the run labels entities: the model named (or the default one) is not 'none'."""
    from transcripts.steps.entities import DISABLED

    return ner_model_name(ner_model).strip().lower() not in DISABLED


def local_task_slots() -> int:
    """Pages processed at once by a runner on this machine (threads or processes): one per core."""
    return os.cpu_count() or 2


def choose_runner(spec: str, pages_to_process: int, ner: bool) -> str:
    """The runner `auto` stands for, given how many pages the run will process and whether NER is on; any
    other spec as it is."""
    if check_runner(spec) != "auto":
        return spec
    return "processes" if ner and pages_to_process >= AUTO_PROCESSES_FROM else "threads"


@dataclass(frozen=True)
class Step:
    """A step of the content pipeline: what it reads and what it assigns, as "Type.field" of transcripts.model.
    tests/test_pipeline_registry.py runs every step over the seeds and checks both lists against what it does."""

    name: str
    module: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step("decode", "transcripts.steps.decode", (),
         ("Source.doc_id", "Source.source_path", "Source.sha256", "Source.n_bytes", "Source.text", "Source.encoding",
          "Source.repairs")),
    Step("clean", "transcripts.steps.clean", ("Source.text",),
         ("Cleaned.title", "Cleaned.lines", "Cleaned.removed", "Cleaned.notes", "Cleaned.repairs",
          "Cleaned.duplicated_body")),
    Step("segment", "transcripts.steps.segment", ("Cleaned.lines", "Cleaned.removed"),
         ("Segmented.doc_type", "Segmented.segments", "Segmented.sentences", "Removed.seg_idx")),
    Step("label", "transcripts.steps.label", ("Segmented.segments", "Segmented.doc_type", "Cleaned.notes"),
         ("Segment.speaker_id", "Labeled.language", "Labeled.program", "Labeled.year", "Labeled.year_source",
          "Labeled.dateline", "Labeled.bylines", "Labeled.appearances", "Labeled.quotes")),
    Step("entities", "transcripts.steps.entities", ("Segment.text", "Segment.paragraphs", "Labeled.appearances"),
         ("Labeled.mentions",)),
)

# Packages and modules whose code decides the dataset's content: a change to any of them is a new pipeline
# version, which reprocesses every page. Orchestration, storage and validation code does not change the content.
CONTENT_MODULES = ("transcripts.steps", "transcripts.rules", "transcripts.model", "transcripts.tables", "schemas")


def _content_files() -> list[Path]:
    files: list[Path] = []
    for name in CONTENT_MODULES:
        spec = find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        files += sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
    return files


def pipeline_version(ner_model: str) -> str:
    digest = hashlib.sha256(ner_model.encode())
    for path in _content_files():
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


def manifest_hash(files: list[InputFile]) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.source_path}\0{f.sha256}\n".encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------- guards
def check_locations(input_dir: str | Path, lake_dir: str | Path) -> None:
    """Refuse a lake inside the input folder (its catalog and lock would be read as pages) and the reverse."""
    if is_s3(input_dir):
        return
    pages, lake = Path(os.path.realpath(input_dir)), Path(os.path.realpath(lake_dir))
    if lake.is_relative_to(pages):
        raise InputError(f"the lake {lake_dir} is inside the input folder {input_dir}: its own files would be "
                         "read as pages; put the lake elsewhere (--lake)")
    if pages.is_relative_to(lake):
        raise InputError(f"the input folder {input_dir} is inside the lake {lake_dir}; put the pages elsewhere")


def check_removals(plan: Plan, n_published: int, allow: bool, input_dir: str | Path) -> None:
    """Refuse a run that would remove more than half the published documents (an empty or wrong --input)."""
    gone = len(plan.gone_doc_ids)
    if not allow and gone and 2 * gone > n_published:
        raise InputError(f"this run would remove {gone} of the {n_published} published documents (their pages "
                         f"are not in {input_dir}): check --input, or pass --allow-removals if that is meant")


# ----------------------------------------------------------------------------------------------- plan
@dataclass
class Plan:
    files: list[InputFile]
    to_process: list[InputFile]
    unchanged: int
    replace_doc_ids: set[str]  # published documents to drop or replace
    replace_reject_paths: set[str]  # published rejects to drop or replace
    changed_doc_ids: set[str]  # published documents whose page is processed again
    gone_doc_ids: set[str]  # published documents whose page is gone

    @property
    def nothing_to_do(self) -> bool:
        return not self.to_process and not self.replace_doc_ids and not self.replace_reject_paths


def doc_id_owners(files: list[InputFile]) -> dict[str, str]:
    """doc_id -> the source_path that yields it: the first readable file in path order (else the first file).

    It depends on the input alone, not on what was published before, so a run over the same folder always
    gives the same dataset."""
    owners: dict[str, str] = {}
    for f in files:
        if f.problem is None:
            owners.setdefault(f.doc_id, f.source_path)
    for f in files:
        owners.setdefault(f.doc_id, f.source_path)
    return owners


def make_plan(files: list[InputFile], state: Mapping[str, Any], version: str) -> Plan:
    """Compare the input with the published state: a page is the same when its doc_id, content hash and the
    pipeline version are."""
    docs: dict[str, tuple[str, str]] = state.get("documents", {})
    rejects: dict[str, tuple[str, str]] = state.get("rejects", {})
    to_process: list[InputFile] = []
    seen_docs: set[str] = set()
    seen_paths: set[str] = set()
    unchanged = 0
    owners = doc_id_owners(files)
    processed_docs: set[str] = set()
    for f in files:
        seen_paths.add(f.source_path)
        seen_docs.add(f.doc_id)
        if owners[f.doc_id] != f.source_path:
            # Another file has this doc_id (a.txt and a.md): this one becomes a reject, never the document.
            if f.problem is None:
                f = dataclasses.replace(f, problem=Reject(
                    f.source_path, f.doc_id, "duplicate_doc_id", f"{owners[f.doc_id]} has the same doc_id "
                    f"{f.doc_id!r} and is the document; rename one of the files", f.sha256, f.n_bytes))
            same = rejects.get(f.source_path) == (f.sha256, version)
        elif f.doc_id in docs:
            # the published document may come from another file (the former owner of the doc_id)
            same = docs[f.doc_id] == (f.sha256, version)
        else:
            same = rejects.get(f.source_path) == (f.sha256, version)
        if same:
            unchanged += 1
        else:
            to_process.append(f)
            if owners[f.doc_id] == f.source_path:
                processed_docs.add(f.doc_id)
    processed_paths = {f.source_path for f in to_process}
    gone = {d for d in docs if d not in seen_docs}
    changed = {d for d in docs if d in processed_docs}
    replace_rejects = {p for p in rejects if p not in seen_paths or p in processed_paths}
    return Plan(files, to_process, unchanged, gone | changed, replace_rejects, changed, gone)


# -------------------------------------------------------------------------------------------- process
DEFAULT_PAGE_TIMEOUT = 30.0  # seconds a page may take through decode..label before it is stopped (too_slow)


def process_file(f: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> Labeled | Reject:
    """decode -> clean -> segment -> label for one page. Any failure becomes a reject with the reason."""
    from transcripts.steps.clean import clean_page
    from transcripts.steps.decode import decode_page
    from transcripts.steps.label import label_page
    from transcripts.steps.segment import segment_page

    if f.problem is not None:
        return f.problem
    stage = "read"
    try:
        data = read_page(f.abs_path, max_bytes)
        if isinstance(data, int):
            return Reject(f.source_path, f.doc_id, "too_large", f"{data} bytes > {max_bytes} (--max-bytes); "
                          "not read", None, data)
        if hashlib.sha256(data).hexdigest() != f.sha256:
            return Reject(f.source_path, f.doc_id, "unreadable", "the file changed while the run read it; it "
                          "will be processed by the next run", f.sha256, f.n_bytes)
        stage = "decode"
        decoded = decode_page(data, f.source_path, max_bytes=max_bytes)
        if isinstance(decoded, Reject):
            return decoded
        stage = "clean"
        cleaned = clean_page(decoded)
        stage = "segment"
        segmented = segment_page(cleaned)
        stage = "label"
        return label_page(segmented)
    except Exception as exc:  # a page that breaks a step is quarantined; the run goes on
        return Reject(f.source_path, f.doc_id, "stage_error" if stage != "read" else "unreadable",
                      f"{stage}: {type(exc).__name__}: {exc}", f.sha256, f.n_bytes)


def process_batch(batch: list[InputFile], max_bytes: int = DEFAULT_MAX_BYTES,
                  page_timeout: float | None = None) -> list[Labeled | Reject]:
    """Every page of the batch. With a page_timeout (seconds), the pages go through this thread's page
    worker process, and a page over the budget becomes a `too_slow` reject; without, they run here."""
    if not page_timeout or page_timeout <= 0:
        return [process_file(f, max_bytes) for f in batch]
    from transcripts.worker import thread_worker

    worker = thread_worker()
    return [f.problem if f.problem is not None else worker.run(f, max_bytes, page_timeout) for f in batch]


def process_batch_tables(batch: list[InputFile], version: str, max_bytes: int = DEFAULT_MAX_BYTES,
                         page_timeout: float | None = None) -> dict[str, pa.Table]:
    """The rows of every table for a batch of pages (process_batch, then tables.batch_tables). With a
    page_timeout this thread's page worker builds them, so the steps' objects never leave it."""
    from transcripts.tables import batch_tables

    if not page_timeout or page_timeout <= 0:
        return batch_tables(process_batch(batch, max_bytes), version)
    from transcripts.worker import thread_worker

    return thread_worker().run_tables(batch, max_bytes, page_timeout, version)


PROGRESS_STEPS = 50  # a run reports progress at least this often: batches of at most 2% of its pages


def progress_batch_size(n_pages: int, batch_size: int) -> int:
    """Pages per task: `batch_size` (--batch-size), smaller when the run has fewer than 50 batches of it, so
    that the progress bar moves at least every 2% of the pages."""
    return max(1, min(batch_size, -(-n_pages // PROGRESS_STEPS)))


def batches(items: list[InputFile], size: int) -> Iterator[list[InputFile]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --------------------------------------------------------------------------------------------- result
# The run's stages in pipeline order. validate_setup (importing GE, its context), assemble, validate and write
# run on a background thread during `process` (flows/flow.py), so they overlap it rather than add to it.
STAGES = ("plan", "load_model", "process", "validate_setup", "assemble", "validate", "write", "publish")
BACKGROUND_STAGES = ("validate_setup", "assemble", "validate", "write")


@dataclass
class RunSummary:
    input_dir: str
    lake_dir: str
    pipeline_version: str
    files: int = 0
    unchanged: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    rejected: int = 0
    quarantined: int = 0
    version: int | None = None
    status: str = "nothing_to_do"  # published | nothing_to_do | blocked
    rows: dict[str, int] = field(default_factory=dict)
    validation: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    report: str = ""
    report_path: str | None = None
    suspects: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> why its turns look wrong

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "blocked" else 0

    def message(self) -> str:
        if self.status == "nothing_to_do":
            return f"nothing to do: {self.files} files unchanged since version {self.version or '-'}"
        parts = f"{self.added} added, {self.changed} changed, {self.removed} removed, {self.rejected} rejected"
        if self.status == "blocked":
            return (f"validation failed, nothing published: version {self.version or '-'} stays current "
                    f"(see the validation report)")
        return f"published version {self.version}: {parts}"

    def to_markdown(self) -> str:
        """The run at a glance: what changed, rows per table, time per stage, then the validation report."""
        lines = [f"# {self.message()}", "", f"- input: `{self.input_dir}` ({self.files} files, {self.unchanged} "
                 f"unchanged)", f"- lake: `{self.lake_dir}`", f"- pipeline version: `{self.pipeline_version}`",
                 f"- documents: {self.added} added, {self.changed} changed, {self.removed} removed; "
                 f"{self.rejected} rejected ({self.quarantined} quarantined)"]
        if self.rows:
            lines += ["", "| table | rows |", "|---|---:|", *(f"| {k} | {v} |" for k, v in self.rows.items())]
        if self.suspects:
            lines += ["", f"## {suspect_line(self.suspects, None)}", "", "| doc_id | why |", "|---|---|",
                      *(f"| {d} | {'; '.join(r)} |" for d, r in sorted(self.suspects.items()))]
        if self.seconds:
            lines += ["", "| stage | seconds |", "|---|---:|",
                      *(f"| {k} | {v:.2f} |" for k, v in self.ordered_seconds())]
        return "\n".join(lines) + ("\n\n" + self.report if self.report else "") + "\n"

    def ordered_seconds(self) -> list[tuple[str, float]]:
        """Seconds per stage in pipeline order (then any other stage)."""
        rank = {name: i for i, name in enumerate(STAGES)}
        return sorted(self.seconds.items(), key=lambda kv: rank.get(kv[0], len(STAGES)))

    def seconds_line(self) -> str:
        """e.g. "plan 0.4, process 14.1 (in the background: validate 3.8, write 0.5), publish 1.9"."""
        parts = []
        inner = [f"{k.replace('_', ' ')} {v:.2f}" for k, v in self.ordered_seconds() if k in BACKGROUND_STAGES]
        for k, v in self.ordered_seconds():
            if k in BACKGROUND_STAGES:
                continue
            parts.append(f"{k.replace('_', ' ')} {v:.2f}")
            if k == "process" and inner:
                parts[-1] += f" (during it: {', '.join(inner)})"
        return ", ".join(parts)

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in self.__dict__.items() if k != "report"}, indent=2, default=str)


class Timer:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    def stage(self, name: str) -> _Stage:
        return _Stage(self.seconds, name)


class _Stage:
    def __init__(self, seconds: dict[str, float], name: str) -> None:
        self.seconds, self.name = seconds, name

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.seconds[self.name] = round(self.seconds.get(self.name, 0.0) + time.perf_counter() - self.t0, 3)


