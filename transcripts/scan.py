"""The input folder: every entry below it accounted for, as a page to read or a reject with its reason.

Nothing here can hang or crash a run: the walk is iterative (no recursion limit), never follows a folder link
(no loop), and every file is opened non-blocking and checked with fstat before a byte is read, so a FIFO,
socket or device (even one swapped in after the scan) is refused, never read, and a file over the size limit
is refused from its size.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from transcripts.model import Reject, doc_id_of

DEFAULT_MAX_BYTES = 5_000_000
MAX_DEPTH = 64  # folders deeper than this below the input folder are rejected, not entered


@dataclass(frozen=True)
class InputFile:
    source_path: str  # relative to the input folder, posix
    abs_path: str
    sha256: str | None
    n_bytes: int | None
    problem: Reject | None = None  # set when the file cannot be read at all

    @cached_property  # asked several times per page by the plan, and doc_id_of costs ~9 microseconds
    def doc_id(self) -> str:
        return doc_id_of(self.source_path)


class InputError(Exception):
    """The input folder itself is unusable, or the run would do something the user surely did not mean
    (exit status 2)."""


class NotRegularFile(OSError):
    """A FIFO, socket or device where a page was expected: never read (reading a FIFO blocks forever)."""


def open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """A descriptor on a regular file and its fstat, checked after opening: a non-blocking open never hangs
    on a FIFO swapped in for a file, and fstat tells what was really opened. Raises OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegularFile(f"not a regular file ({_file_kind(info.st_mode)})")
    return fd, info


def _file_kind(mode: int) -> str:
    kinds = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket",
             stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device"}
    return next((name for test, name in kinds.items() if test(mode)), "unknown kind")


def read_page(path: str | Path, max_bytes: int) -> bytes | int:
    """The file's bytes, or its size when it is over max_bytes (refused from its size, never read whole)."""
    fd, info = open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > max_bytes:
            return info.st_size
        return fh.read(max_bytes + 1)


def _hash_file(path: Path, max_bytes: int) -> tuple[str | None, int]:
    """(sha256, size) of a regular file; sha256 is None when the file is over max_bytes (not read)."""
    fd, info = open_regular(path)
    if info.st_size > max_bytes:
        os.close(fd)
        return None, info.st_size
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def reject_file(rel: str, path: str, reason: str, detail: str, n_bytes: int | None = None) -> InputFile:
    return InputFile(rel, path, None, n_bytes, Reject(rel, doc_id_of(rel), reason, detail, None, n_bytes))


def scan_input(input_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[InputFile]:
    """Every entry below the folder as an InputFile, in path order: a regular file hashed, anything else
    (hidden, a link out or in a loop, a FIFO, a folder too deep or unreadable, a file over max_bytes) with
    its reject. The walk is iterative, never follows folder links and never enters a folder twice."""
    if not input_dir.is_dir():
        raise InputError(f"input folder {input_dir} does not exist or is not a folder")
    root = Path(os.path.realpath(input_dir))
    found: list[InputFile] = []
    try:
        top = os.stat(root)
        entries = _list_folder(root)
    except OSError as exc:
        raise InputError(f"input folder {input_dir} cannot be read: {exc.strerror or exc}") from exc
    seen_folders = {(top.st_dev, top.st_ino)}
    stack: list[tuple[str, int, list[os.DirEntry[str]]]] = [("", 1, entries)]
    while stack:
        prefix, depth, entries = stack.pop()
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith("."):
                what = "hidden folder: not entered" if entry.is_dir(follow_symlinks=False) else "hidden file"
                found.append(reject_file(rel, entry.path, "hidden", what + " (names starting with a dot are "
                                     "not read; rename it to include it)"))
            elif entry.is_dir(follow_symlinks=False):
                found += _enter_folder(entry, rel, depth, seen_folders, stack)
            else:
                found.append(_scan_file(entry, rel, root, max_bytes))
    return sorted(found, key=lambda f: f.source_path)


def _list_folder(path: str | Path) -> list[os.DirEntry[str]]:
    with os.scandir(path) as it:
        return sorted(it, key=lambda e: e.name, reverse=True)  # popped from the end: path order


def _enter_folder(entry: os.DirEntry[str], rel: str, depth: int, seen: set[tuple[int, int]],
                  stack: list[tuple[str, int, list[os.DirEntry[str]]]]) -> list[InputFile]:
    """Queue a folder's entries, or the folder's reject when it is too deep, unreadable or seen before."""
    if depth > MAX_DEPTH:
        return [reject_file(rel, entry.path, "too_deep", f"folder more than {MAX_DEPTH} levels below the input "
                        "folder: not entered")]
    try:
        info = entry.stat(follow_symlinks=False)
        if (info.st_dev, info.st_ino) in seen:  # a bind mount or similar: the same folder again
            return [reject_file(rel, entry.path, "unreadable", "the same folder as one already read: not entered")]
        seen.add((info.st_dev, info.st_ino))
        stack.append((rel + "/", depth + 1, _list_folder(entry.path)))
    except OSError as exc:
        return [reject_file(rel, entry.path, "unreadable", f"folder cannot be read ({exc.strerror or exc}); "
                        "its files are not read")]
    return []


def _scan_file(entry: os.DirEntry[str], rel: str, root: Path, max_bytes: int) -> InputFile:
    if entry.is_symlink():
        target = Path(os.path.realpath(entry.path))
        try:
            os.stat(entry.path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return reject_file(rel, entry.path, "symlink_loop", "symbolic link that leads back to itself")
        if not target.is_relative_to(root):
            return reject_file(rel, entry.path, "outside_input", f"symbolic link to {target} leads outside the "
                           "input folder; refused")
        if target.is_dir():
            return reject_file(rel, entry.path, "unreadable", "a link to a folder (its files are read at their own "
                           "paths)")
    try:
        sha, size = _hash_file(Path(entry.path), max_bytes)
    except OSError as exc:
        detail = str(exc) if isinstance(exc, NotRegularFile) else f"{type(exc).__name__}: {exc.strerror or exc}"
        return reject_file(rel, entry.path, "unreadable", detail)
    if sha is None:
        return reject_file(rel, entry.path, "too_large", f"{size} bytes > {max_bytes} (--max-bytes); not read", size)
    return InputFile(rel, entry.path, sha, size)
