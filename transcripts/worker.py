"""A page worker: the steps of one page at a time in a child process, so that a page over its time budget can be
stopped. The process is killed and replaced, the page becomes a `too_slow` reject, and the run goes on.

One worker per thread that processes pages (a task runner's thread or process), started at its first page (or while
the run starts, `prestart`) and kept for the run, so a page costs a message through a pipe, not a process. Without
NER the worker also builds the batch's Arrow tables (`run_tables`); with NER it returns each page's step output for
the model. A worker dies with the thread that started it (Linux PR_SET_PDEATHSIG), so nothing outlives a run, even
one killed with SIGKILL.

    python -m transcripts.worker READ_FD WRITE_FD PARENT_PID MODULE:FUNCTION    (started by PageWorker)
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pyarrow as pa

from transcripts.model import Labeled, Reject
from transcripts.scan import InputFile
from transcripts.tables import BatchRows, from_ipc, to_ipc

# What a worker runs for a page: process_file(InputFile, max_bytes) -> Labeled | Reject. Tests point it at a
# slow function to exercise the budget.
PAGE_FUNCTION = "transcripts.pipeline:process_file"
STARTUP_SECONDS = 120.0  # importing the steps and their word lists; not counted against any page
# Page workers run below the run's process, whose one validation and writing thread is the serial part of a run:
# a page worker waits for it once two chunks are pending, and its last chunk is the run's tail. At 3 a chunk's
# validation still got about two thirds of a core beside them; at 10, in alternating runs over 10,000 pages, the
# validation stage took 2.08-2.20 s rather than 2.50-2.69 s, and the runs as long (26.0-27.4 against 26.3-27.8 s).
NICENESS = 10
_PR_SET_PDEATHSIG = 1


class PageWorker:
    """A child process that runs the page function; `run` gives up on a page after `timeout` seconds."""

    def __init__(self, function: str = PAGE_FUNCTION) -> None:
        self.function = function
        self.proc: subprocess.Popen[bytes] | None = None
        self.requests: Connection | None = None
        self.replies: Connection | None = None
        self.ready = False

    def _start(self) -> None:
        self._spawn()
        self._await_ready()

    def _spawn(self) -> None:
        """Start the process without waiting for it to load (`prestart` overlaps that with the run's start-up)."""
        reply_r, reply_w = os.pipe()
        request_r, request_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "transcripts.worker", str(request_r), str(reply_w), str(os.getpid()),
             self.function], pass_fds=(request_r, reply_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(request_r)
        os.close(reply_w)
        self.requests, self.replies = Connection(request_w, readable=False), Connection(reply_r, writable=False)
        self.ready = False

    def _await_ready(self) -> None:
        assert self.replies is not None
        if not self.replies.poll(STARTUP_SECONDS) or self._receive() != "ready":
            self.stop()
            raise RuntimeError(f"the page worker did not start within {STARTUP_SECONDS:.0f} s")
        self.ready = True

    def _receive(self) -> Any:
        assert self.replies is not None
        try:
            return self.replies.recv()
        except (EOFError, OSError):
            return None

    def run(self, f: InputFile, max_bytes: int, timeout: float) -> Labeled | Reject:
        """The page's step output (a Labeled page or a Reject)."""
        return self._request(("page", f, max_bytes), f, timeout)  # type: ignore[no-any-return]

    def run_tables(self, files: list[InputFile], max_bytes: int, timeout: float, version: str) -> dict[str, pa.Table]:
        """The rows of every table for a batch of pages, built in the worker: only Arrow buffers cross the
        pipe, not the steps' objects, which the run's process would unpickle and turn into rows under its GIL.

        The whole batch is sent at once and the worker answers after each page, so it never waits for this
        process between pages; each page has `timeout` seconds from the answer before it. The worker keeps the
        rows until the batch ends: when it is stopped on a page, the rows go with it, and the pages before are
        sent again to the next worker (each with its own budget)."""
        try:
            return self._batch_tables(files, max_bytes, timeout, version)
        except BaseException:
            self.stop()  # never leave rows of an unfinished batch in the worker for the next one
            raise

    def _batch_tables(self, files: list[InputFile], max_bytes: int, timeout: float,
                      version: str) -> dict[str, pa.Table]:
        todo: list[InputFile | Reject] = [f.problem or f for f in files]
        while True:
            self._send(("batch", todo, max_bytes, version))
            for i, item in enumerate(todo):
                out = self._reply(item if isinstance(item, InputFile) else None, timeout)
                if isinstance(out, Reject):  # too slow, or the worker died: stopped, with the rows it held
                    todo = [*todo[:i], out, *todo[i + 1:]]
                    break
                if out != "ok":
                    raise RuntimeError("the page worker died while adding a reject")
            else:
                tables = self._reply(None, STARTUP_SECONDS)
                if not isinstance(tables, dict):
                    raise RuntimeError("the page worker died while building a batch's tables")
                return from_ipc(tables)

    def _send(self, request: tuple[Any, ...]) -> None:
        if self.proc is None:
            self._start()
        elif not self.ready:
            self._await_ready()
        assert self.requests is not None
        self.requests.send(request)

    def _request(self, request: tuple[Any, ...], f: InputFile | None, timeout: float) -> Any:
        self._send(request)
        return self._reply(f, timeout)

    def _reply(self, f: InputFile | None, timeout: float) -> Any:
        """The worker's next answer; a Reject of page `f` (None if no page) when it is stopped first."""
        assert self.replies is not None and self.proc is not None
        if not self.replies.poll(timeout):
            self.stop()
            if f is None:
                return None
            return Reject(f.source_path, f.doc_id, "too_slow", f"not done within the page budget of {timeout:g} s "
                          "(--page-timeout); stopped", f.sha256, f.n_bytes)
        result = self._receive()
        if result is None:  # the worker died on this page (out of memory, a crash in native code)
            code = self.proc.wait()
            self.stop()
            if f is None:
                return None
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            return Reject(f.source_path, f.doc_id, "stage_error", f"the page worker died ({how})", f.sha256,
                          f.n_bytes)
        return result

    def stop(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            self.proc.wait()
        for conn in (self.requests, self.replies):
            if conn is not None:
                conn.close()
        self.proc = self.requests = self.replies = None
        self.ready = False


_local = threading.local()
_all_workers: list[PageWorker] = []
_warm: list[tuple[int, PageWorker]] = []  # (the process that started it, a worker no thread has taken yet)
_all_lock = threading.Lock()


def prestart(n: int) -> None:
    """Start `n` page workers now, without waiting for them: they import the steps and load the word lists
    (about a second of a core each) while the run starts Prefect, instead of when the first pages are due. Call
    it from a thread that lasts as long as the run: a worker dies with the thread that started it."""
    for _ in range(n):
        worker = PageWorker(PAGE_FUNCTION)
        worker._spawn()
        with _all_lock:
            _all_workers.append(worker)
            _warm.append((os.getpid(), worker))


def thread_worker() -> PageWorker:
    """This thread's page worker: a prestarted one if any is left, else one created on first use."""
    worker: PageWorker | None = getattr(_local, "worker", None)
    if worker is None or worker.function != PAGE_FUNCTION:
        with _all_lock:  # a forked process's copy of the list names another process's children
            warm = next((w for pid, w in _warm if pid == os.getpid() and w.function == PAGE_FUNCTION), None)
            _warm[:] = [(pid, w) for pid, w in _warm if w is not warm]
            if warm is None:
                warm = PageWorker(PAGE_FUNCTION)
                _all_workers.append(warm)
        worker = _local.worker = warm
    return worker


def stop_all() -> None:
    """Stop every page worker this process started (the end of a run)."""
    with _all_lock:
        workers, _all_workers[:], _warm[:] = list(_all_workers), [], []
    for worker in workers:
        worker.stop()


def kill_all() -> None:
    """Kill every page worker at once, without waiting or locking (safe in a signal handler)."""
    for worker in list(_all_workers):
        if worker.proc is not None:
            with contextlib.suppress(OSError):
                worker.proc.kill()


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the thread that started it ends, and end now if it already has."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(0)


def _load(function: str) -> Callable[[InputFile, int], Labeled | Reject]:
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


class _WithoutPandas:
    """An import finder that answers that pandas is not installed. pyarrow imports pandas (about 0.9 s of a core
    and 60 MB) the first time it builds an array from a list, only to ask whether the list is a pandas object;
    a page worker builds its tables from lists and never uses pandas."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("page workers do not use pandas", name=name)


def main(argv: list[str]) -> None:
    request_fd, reply_fd, parent_pid, function = int(argv[0]), int(argv[1]), int(argv[2]), argv[3]
    die_with_parent(parent_pid)
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle; the run stops its workers
    sys.meta_path.insert(0, _WithoutPandas())
    page_function = _load(function)
    from transcripts.pipeline import settle_after_loading
    from transcripts.rules.words import english_words

    english_words()  # the word list loads once, before the first page's budget starts
    settle_after_loading()
    requests, replies = Connection(request_fd, writable=False), Connection(reply_fd, readable=False)
    replies.send("ready")
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            return
        if request[0] == "batch":  # every page's rows, an answer after each page, then the batch's tables
            _, items, max_bytes, version = request
            rows = BatchRows()
            for item in items:
                rows.add(item if isinstance(item, Reject) else page_function(item, max_bytes), version)
                replies.send("ok")
            replies.send(to_ipc(rows.tables()))
            continue
        _, f, max_bytes = request  # one page: its step output (NER runs on it in the run's task)
        replies.send(page_function(f, max_bytes))

if __name__ == "__main__":
    main(sys.argv[1:])
