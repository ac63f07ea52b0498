"""The writer lock of a lake: fcntl.flock on `<lake>/lock` (holding the holder's pid) for a lake folder, a
PostgreSQL advisory lock on a dedicated connection for a remote lake (see remote.py).

Either is dropped when the holder dies, even on SIGKILL, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any

from transcripts.store import remote
from transcripts.store.errors import LakeBusy

# In-process bookkeeping: flock is per open file, so a second open in the same thread would refuse itself;
# nested writer_lock() calls of one thread (publish inside the caller's lock) share one descriptor. Another
# thread opens its own descriptor and is refused like another process.
_held_locks: dict[Hashable, tuple[Any, int]] = {}  # (lock, thread) -> (fd or connection, depth)
held_guard = threading.Lock()
# Lakes (roots) with a publishing transaction open in this process: remove_orphans must spare their files.
open_publications: set[Path] = set()


def _acquire_remote(dsn: str, key: tuple[int, int], shown: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        con = remote.try_advisory_lock(dsn, key)
        if con is not None:
            return con
        if time.monotonic() >= deadline:
            holder = remote.advisory_holder(dsn, key) or "a writer that just finished"
            raise LakeBusy(f"another run is publishing to {shown} ({holder})")
        time.sleep(0.2)


@contextlib.contextmanager
def _reentrant(ident: Hashable, acquire: Callable[[], Any], release: Callable[[Any], None]) -> Iterator[None]:
    """Hold what `acquire` returns until the outermost of nested uses by one thread ends, then `release` it;
    `ident` names the lock and the thread. Another thread acquires its own, and is refused like a process."""
    with held_guard:
        nested = ident in _held_locks
        if nested:
            handle, depth = _held_locks[ident]
            _held_locks[ident] = (handle, depth + 1)
    if not nested:
        handle = acquire()
        with held_guard:
            _held_locks[ident] = (handle, 1)
    try:
        yield
    finally:
        with held_guard:
            handle, depth = _held_locks[ident]
            if depth > 1:
                _held_locks[ident] = (handle, depth - 1)
            else:
                del _held_locks[ident]
                release(handle)


def remote_writer_lock(dsn: str, key: tuple[int, int], shown: str,
                       timeout: float = 0.0) -> contextlib.AbstractContextManager[None]:
    """The advisory lock `key` on the catalog server, held on its own connection; re-entrant within one
    thread like the folder's lock. `shown` names the lake in LakeBusy's message."""

    def release(con: Any) -> None:
        # Unlock before closing: the server ends a closed session's backend (and its locks) a moment later,
        # and the next publish of this process would find its own lock still held.
        with contextlib.suppress(Exception):
            con.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        con.close()

    return _reentrant(((dsn, key), threading.get_ident()),
                      lambda: _acquire_remote(dsn, key, shown, timeout), release)


def _acquire(lock_path: Path, root: Path, timeout: float) -> int:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                os.close(fd)
                raise LakeBusy(f"another run is publishing to {root} (pid {holder})") from None
            time.sleep(0.1)
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def writer_lock(root: Path, lock_path: Path, timeout: float = 0.0) -> contextlib.AbstractContextManager[None]:
    """Exclusive lock for publishing; raises LakeBusy if another process holds it past `timeout` s.

    Re-entrant within one thread.
    """
    root.mkdir(parents=True, exist_ok=True)

    def release(fd: int) -> None:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    return _reentrant((lock_path, threading.get_ident()), lambda: _acquire(lock_path, root, timeout), release)


def lock_holder(lock_path: Path) -> str | None:
    """The pid written in the lock file of the process holding the writer lock, or None when it is free.
    Only looks: the lock is taken and let go at once, never kept."""
    if not lock_path.is_file():
        return None
    fd = os.open(lock_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
