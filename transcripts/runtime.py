"""What a `run` process owns besides its pages: the checks before it starts anything, Prefect's temporary
server, and the way the run ends.

Nothing a run starts may outlive it. Prefect would start its temporary API server as an ordinary child, which
keeps running (about 230 MB) when the run is killed; we start the same server ourselves, as a child that Linux
kills when the run dies (PR_SET_PDEATHSIG, so even after SIGKILL), in its own session so that Ctrl-C reaches
the run only. Ctrl-C (or SIGTERM) stops the run at once with one line: the publishing transaction is never
committed, the OS drops the writer lock, the previous version stays current, and the next run removes the
files the stopped one left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import Any

_PR_SET_PDEATHSIG = 1
# What the temporary server need not do for a run that has no UI and ends with it: record every task run's states
# and events, and evaluate automations on them (about 40 ms of server CPU per task). The flow run and its final
# state are still recorded; a Prefect server of your own ($PREFECT_API_URL) records everything as usual.
TEMPORARY_SERVER_QUIET = {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
                          "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
                          "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false"}
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as shells report a Ctrl-C
SERVER_STARTUP_SECONDS = 180


def _die_with_parent() -> None:  # runs in the child between fork and exec; the flag survives the exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class TemporaryServer:
    """Prefect's temporary API server: the command and environment of Prefect 3.8's SubprocessASGIServer,
    started without importing Prefect's server here (4 s that the child spends anyway), as a child that dies
    with this process and does not get the terminal's Ctrl-C. Its start-up (6 s) overlaps whatever this
    process does next; `wait` returns once it answers."""

    def __init__(self) -> None:
        # a pipe nobody reads could fill up and stall the server; closed by stop()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process: subprocess.Popen[bytes] | None = None
        self._launch()

    def _launch(self) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        spec = find_spec("prefect")
        package = Path(next(iter(spec.submodule_search_locations or []))) if spec else Path(".")
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1", **TEMPORARY_SERVER_QUIET}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(package.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            preexec_fn=_die_with_parent, start_new_session=True)  # before any thread

    def wait(self, timeout: float = SERVER_STARTUP_SECONDS) -> None:
        for attempt in range(3):
            assert self.process is not None
            try:
                _wait_until_healthy(self.process, self.api_url, timeout, self._log, "Prefect's temporary server")
                return
            except CannotStart as exc:  # another program may have taken the free port meanwhile: try another
                if attempt == 2 or "address already in use" not in str(exc):
                    raise
                self._log.truncate(0)
                self._launch()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None
        self._log.close()


def _wait_until_healthy(process: subprocess.Popen[bytes], api_url: str, timeout: float, log: Any,
                        what: str) -> None:
    """Returns once `api_url` answers; CannotStart with the server's last line when it exits or times out."""
    deadline = time.monotonic() + timeout
    while not _healthy(api_url):
        if process.poll() is not None:
            log.seek(0)
            raise CannotStart(f"{what} did not start: "
                              + _cause(log.read().decode("utf-8", "replace"), process.returncode))
        if time.monotonic() > deadline:
            raise CannotStart(f"{what} did not answer within {timeout:.0f} s")
        time.sleep(0.1)


_OS_ERROR = re.compile(r"\[Errno \d+\].*$", re.M)  # e.g. uvicorn's "[Errno 98] ... address already in use"
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): .+$", re.M)


def _cause(log: str, status: int | None) -> str:
    """One line saying why a server exited: an OS error (the first, as later ones follow from it), else
    the last exception of its log, else its last line."""
    if os_error := _OS_ERROR.search(log):
        return os_error.group(0)
    if exceptions := _EXCEPTION_LINE.findall(log):
        return str(exceptions[-1])
    lines = log.strip().splitlines()
    return lines[-1] if lines else f"exit status {status}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def prefect_environment(verbose: bool, announce: Callable[[str], None] | None = None,
                        while_starting: Callable[[], None] | None = None) -> Iterator[None]:
    """Prefect's settings for a run from the command line, its temporary server when no API is configured
    ($PREFECT_API_URL), and Ctrl-C/SIGTERM handlers that end the run within a second. `announce` is told
    what is starting, before the seconds that takes; `while_starting` (imports, a model) runs while the
    server starts, on the other core."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # else Prefect's client prints a telemetry notice on a terminal
    if announce is not None:  # importing Prefect and starting its temporary server take 5-10 s
        announce("starting Prefect...")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    server = None
    # signal handlers can only be set from the main thread (a run called from another thread keeps Python's)
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if on_main_thread else {}

    def stop(signum: int, frame: FrameType | None) -> None:
        what = "interrupted" if signum == signal.SIGINT else "terminated"
        sys.stderr.write(f"\n{what}: the run stopped; nothing was published, the previous version stays current\n")
        sys.stderr.flush()
        from transcripts.worker import kill_all

        kill_all()
        if server is not None and server.process is not None:
            with contextlib.suppress(ProcessLookupError):
                server.process.kill()
        for child in _children(os.getpid()):  # the processes runner's pool (their page workers die with them)
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        os._exit(128 + signum)

    for sig in previous:
        signal.signal(sig, stop)
    try:
        # Started before Prefect is even imported: an API configured elsewhere than the environment
        # (a profile, prefect.toml, .env) is only known after the import, and then the server is stopped.
        if not os.environ.get("PREFECT_API_URL"):
            server = TemporaryServer()
        from prefect.settings import PREFECT_API_URL, PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

        if PREFECT_API_URL.value():
            if server is not None:
                server.stop()
                server = None
            if while_starting is not None:
                while_starting()
            yield
            return
        if server is None:  # the environment named an API that Prefect's settings do not keep
            server = TemporaryServer()
        if while_starting is not None:
            while_starting()
        server.wait()
        # nobody reads the temporary server's logs: they stay in the terminal (and a run's report in the lake)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_LOGGING_TO_API_ENABLED: False}):
            yield
    finally:
        if server is not None:
            server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# A served schedule needs Prefect's full server (the temporary one refuses schedules). Ours looks for due
# schedules every few seconds instead of every minute, so the first run of a schedule is not late.
SCHEDULER_LOOP_SECONDS = 5


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def owned_prefect_server(port: int | None = None, timeout: float = SERVER_STARTUP_SECONDS) -> Iterator[str]:
    """`prefect server start` (API, scheduler, no UI) on 127.0.0.1 as a child that dies with this process,
    even by SIGKILL; yields its API URL once it answers, and stops it on exit."""
    port = port or _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": str(SCHEDULER_LOOP_SECONDS)}
    env.pop("PREFECT_API_URL", None)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
             "--no-ui", "--log-level", "ERROR"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
            preexec_fn=_die_with_parent, start_new_session=True)
        try:
            _wait_until_healthy(proc, api_url, timeout, log, "the Prefect server")
            yield api_url
        finally:
            _stop(proc)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def stop_serving_on_signals() -> None:
    """Ctrl-C or SIGTERM ends `serve` at once with one line: the flow run in progress (a child process, which
    takes its page workers and the writer lock with it) and the Prefect server it started are stopped; the
    previous version stays current."""

    def stop(signum: int, frame: FrameType | None) -> None:
        sys.stderr.write("\nserve stopped: a run in progress is not published (the current version stays); "
                         "the Prefect server it started is stopped\n")
        sys.stderr.flush()
        for child in _children(os.getpid()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        os._exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)


class CannotStart(Exception):
    """The run cannot start now (another run holds the lake, the NER model is missing): exit status 3."""


def preflight(input_dir: str | Path, location: Any, runner: str, ner_model: str | None, max_bytes: int,
              allow_removals: bool) -> tuple[Any, int]:
    """Every check of a run that needs no Prefect, in the order a user fixes them (`location`: the lake's,
    from store.location.resolve_location). Returns the run's summary when there is nothing to do (else None),
    and the number of pages the run will process.
    Raises ValueError or InputError for a mistake in the arguments or the input (exit 2), CannotStart when
    the run cannot start now (exit 3)."""
    from transcripts import pipeline
    from transcripts.store.lake import Lake

    pipeline.check_runner(runner)
    pipeline.check_input(input_dir)
    if not location.remote:
        pipeline.check_locations(input_dir, location.root)
    quick, pages = nothing_to_do(input_dir, location, ner_model, max_bytes, allow_removals)
    if quick is not None:
        return quick, 0
    holder = Lake(location).lock_holder()
    if holder is not None:
        raise CannotStart(f"another run is publishing to {location.named} "
                          f"({holder if location.remote else f'pid {holder}'})")
    problem = missing_model(ner_model)
    if problem:
        raise CannotStart(problem)
    return None, pages


def nothing_to_do(input_dir: str | Path, location: Any, ner_model: str | None, max_bytes: int,
                  allow_removals: bool) -> tuple[Any, int]:
    """The run's summary when the published dataset is already up to date with the input (else None), and
    the number of pages to process. Raises InputError when the run would remove more than half the published
    documents."""
    from transcripts import pipeline
    from transcripts.store.lake import Lake, LakeBusy, LakeDamaged

    lake = Lake(location)
    if not lake.exists():
        return None, pipeline.count_input(input_dir)  # a listing: the flow hashes the pages once, itself
    if not lake.current_files_whole():  # stat calls only: never "nothing to do" over a damaged version
        how = location.options if location.remote else f"--lake {location.named}"
        raise LakeDamaged(f"the current version of {lake.display} is damaged (a data file is missing or has the "
                          f"wrong size); run `transcripts check {how}` to see what can still be read")
    model = pipeline.ner_model_name(ner_model)
    version = pipeline.pipeline_version(model)
    files = pipeline.scan_input(input_dir, max_bytes)
    state = lake.read_state()
    plan = pipeline.make_plan(files, state, version)
    pipeline.check_removals(plan, len(state.get("documents", {})), allow_removals, input_dir)
    if not plan.nothing_to_do:
        return None, len(plan.to_process)
    if lake.has_orphans():  # a killed run's files; a run that publishes removes them itself
        with contextlib.suppress(LakeBusy):
            lake.remove_orphans()
    return pipeline.RunSummary(str(input_dir), location.named, version, files=len(files), unchanged=plan.unchanged,
                               version=lake.current_version()), 0


def missing_model(ner_model: str | None) -> str | None:
    """Why the NER model cannot load (one line, naming where the name came from), or None when it can (or
    NER is off). A cheap look for the package, so that a typo is reported before Prefect starts."""
    from transcripts.pipeline import ner_model_name
    from transcripts.steps.entities import DISABLED, MODEL_ENV

    name = ner_model_name(ner_model).strip()
    if name.lower() in DISABLED or Path(name).is_dir():
        return None
    try:
        found = find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    source = "--ner-model" if ner_model is not None else (f"${MODEL_ENV}" if os.environ.get(MODEL_ENV) else
                                                          "the default model")
    return (f"spaCy model {name!r} (from {source}) is not installed: install it (pip install "
            f"{name.replace('_', '-')}), or pass --ner-model none to skip entities")
