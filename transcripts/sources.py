"""Where a run's pages come from: a local folder (scan.py) or an S3 prefix (`s3://bucket/pages/`).

Both give the same list of InputFile (a page to read, or a reject with its reason) and the same change
detection: the sha256 of each page's content. A page travels to a worker as its location (`abs_path`: a
file path or an `s3://` URL), never as its bytes, and the worker reads it itself, so Dask workers on other
machines need the S3 credentials, not a shared disk.

S3 is read through DuckDB's httpfs (the extension the project ships): the listing gives each object's size
without reading it, so an object over --max-bytes is refused unread; the hashing runs inside DuckDB. The
credentials come from the usual AWS variables (transcripts.store.remote_s3).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path, PurePosixPath

import duckdb

from transcripts import scan
from transcripts.scan import MAX_DEPTH, InputError, InputFile

S3_SCHEME = "s3://"
_GLOB_CHARACTERS = set("*?[")  # DuckDB would expand them in a file name: such objects cannot be read one by one
_HASH_BATCH = 64  # objects hashed per query (their contents are in memory together at worst)


def is_s3(location: str | Path) -> bool:
    return str(location).startswith(S3_SCHEME)


def check_input(location: str | Path) -> None:
    """Refuse an input folder that is not one, or an S3 prefix that cannot be listed or is empty (InputError),
    before anything starts."""
    if is_s3(location):
        _list_s3(str(location))
    elif not Path(location).is_dir():
        raise InputError(f"input folder {location} does not exist or is not a folder")


def scan_input(location: str | Path, max_bytes: int = scan.DEFAULT_MAX_BYTES) -> list[InputFile]:
    """Every page of the input, in path order, hashed or with its reject (see scan.scan_input)."""
    if is_s3(location):
        return scan_s3(str(location), max_bytes)
    return scan.scan_input(Path(location), max_bytes)


def count_input(location: str | Path) -> int:
    """How many files the input holds, from a listing alone (nothing read or hashed): a first run's size,
    for choosing its runner."""
    if is_s3(location):
        return len(_list_s3(str(location))[1])
    return sum(len(files) for _, _, files in os.walk(location))


def read_page(location: str, max_bytes: int) -> bytes | int:
    """A page's bytes, or its size when it is over max_bytes (refused from its size, never read whole).
    Raises OSError when it cannot be read."""
    if is_s3(location):
        return read_object(location, max_bytes)
    return scan.read_page(location, max_bytes)


# ------------------------------------------------------------------------------------------------ S3
_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB connection with httpfs and the environment's S3 secret: made once per thread,
    and again when the AWS variables change."""
    from transcripts.store.remote_s3 import s3_secret_sql

    secret = s3_secret_sql()
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        from transcripts.store.extensions import connect

        con = _local.con = connect(extensions=("httpfs",))
    if getattr(_local, "secret", None) != secret:
        if secret is None:
            con.execute("DROP SECRET IF EXISTS transcripts_s3")
        else:
            con.execute(secret)
        _local.secret = secret
    return con


def one_line(exc: BaseException) -> str:
    """DuckDB's S3 error in one line: its first line and the server's error code, without the SQL excerpt."""
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [line for line in lines if line and not line.startswith(("LINE ", "^", "*", "Authentication Failure"))]
    return "; ".join(kept[:2]) or type(exc).__name__


def split_url(url: str) -> tuple[str, str]:
    """(bucket, prefix ending in '/' or empty) of s3://bucket/prefix; InputError when there is no bucket."""
    bucket, _, prefix = url[len(S3_SCHEME):].partition("/")
    if not bucket:
        raise InputError(f"{url} names no bucket: use s3://BUCKET/PREFIX/")
    if _GLOB_CHARACTERS & set(url):
        raise InputError(f"{url}: a prefix with * ? or [ is not supported (give the folder-like prefix itself)")
    return bucket, prefix.rstrip("/") + "/" if prefix.strip("/") else ""


def _list_s3(url: str) -> tuple[str, list[tuple[str, int]]]:
    """(s3://bucket/prefix/, [(url, size)] of every object below it, unread); InputError (one line) when the
    prefix cannot be listed (no such bucket, wrong credentials, no server) or holds no object."""
    bucket, prefix = split_url(url)
    root = f"{S3_SCHEME}{bucket}/{prefix}"
    try:
        listed = _connection().execute("SELECT filename, size FROM read_blob(?)", [root + "**"]).fetchall()
    except duckdb.Error as exc:
        raise InputError(f"cannot list {root}: {one_line(exc)}") from None
    if not listed:
        raise InputError(f"no pages under {root} (no such prefix, or nothing in it)")
    return root, [(str(name), int(size)) for name, size in listed]


def scan_s3(url: str, max_bytes: int) -> list[InputFile]:
    """Every object under the prefix as an InputFile, as scan.scan_input does for a folder: keys ending in
    '/' (folder markers) are not pages, names with a part starting with a dot are rejected as hidden, parts
    more than MAX_DEPTH folders deep as too_deep, an object over max_bytes as too_large (from its listed
    size, unread), one that cannot be read as unreadable. InputError as _list_s3."""
    root, listed = _list_s3(url)
    found: dict[str, InputFile] = {}
    to_hash: dict[str, int] = {}
    for name, size in listed:
        rel = name[len(root):]
        if not rel or rel.endswith("/"):
            continue  # a folder marker
        reject = _name_reject(rel, root)
        if reject is not None:
            found.setdefault(reject.source_path, reject)
        elif size > max_bytes:
            found[rel] = scan.reject_file(rel, name, "too_large", f"{size} bytes > {max_bytes} (--max-bytes); "
                                          "not read", size)
        else:
            to_hash[rel] = size
    for rel, (sha, n_bytes, problem) in _hash_objects(_connection(), root, sorted(to_hash)).items():
        found[rel] = (InputFile(rel, root + rel, sha, n_bytes) if problem is None else
                      scan.reject_file(rel, root + rel, "unreadable", problem, to_hash[rel]))
    return sorted(found.values(), key=lambda f: f.source_path)


def _name_reject(rel: str, root: str) -> InputFile | None:
    """The reject a folder walk would give this key (its hidden or too deep folder, or itself), else None."""
    parts, url = PurePosixPath(rel).parts, root + rel
    if "" in rel.split("/"):
        return scan.reject_file(rel, url, "unreadable", "object name with an empty folder part (//): not a page path")
    for depth, part in enumerate(parts[:-1], start=1):
        folder = "/".join(parts[:depth])
        if part.startswith("."):
            return scan.reject_file(folder, root + folder, "hidden", "hidden folder: not entered (names starting "
                                    "with a dot are not read; rename it to include it)")
        if depth > MAX_DEPTH:
            return scan.reject_file(folder, root + folder, "too_deep", f"folder more than {MAX_DEPTH} levels below the "
                                    "input folder: not entered")
    if parts[-1].startswith("."):
        return scan.reject_file(rel, url, "hidden", "hidden file (names starting with a dot are not read; rename it "
                                "to include it)")
    if _GLOB_CHARACTERS & set(rel):
        return scan.reject_file(rel, url, "unreadable", "object name with * ? or [ cannot be read through DuckDB; "
                                "rename it")
    return None


def _hash_objects(con: duckdb.DuckDBPyConnection, root: str,
                  rels: list[str]) -> dict[str, tuple[str | None, int | None, str | None]]:
    """rel -> (sha256, size, None), or (None, None, why) for an object that cannot be read. Objects are hashed
    many per query inside DuckDB; a failing query is retried object by object to find the unreadable ones."""
    out: dict[str, tuple[str | None, int | None, str | None]] = {}
    sql = "SELECT filename, sha256(content), octet_length(content) FROM read_blob(?)"
    for i in range(0, len(rels), _HASH_BATCH):
        batch = rels[i:i + _HASH_BATCH]
        try:
            rows = con.execute(sql, [[root + rel for rel in batch]]).fetchall()
        except duckdb.Error:
            rows = []
            for rel in batch:
                try:
                    rows += con.execute(sql, [[root + rel]]).fetchall()
                except duckdb.Error as exc:
                    out[rel] = (None, None, f"cannot be read: {one_line(exc)}")
        for name, sha, size in rows:
            out[str(name)[len(root):]] = (str(sha), int(size), None)
        for rel in batch:  # never a page dropped without a word
            out.setdefault(rel, (None, None, "cannot be read: not returned by the server"))
    return out


def read_object(url: str, max_bytes: int) -> bytes | int:
    """An object's bytes, or its size when it is over max_bytes (then not downloaded). OSError on failure."""
    con = _connection()
    try:
        row = con.execute("SELECT size FROM read_blob(?)", [url]).fetchone()
        if row is None:
            raise OSError(f"{url}: no such object")
        if int(row[0]) > max_bytes:
            return int(row[0])
        content = con.execute("SELECT content FROM read_blob(?)", [url]).fetchone()
    except duckdb.Error as exc:
        raise OSError(one_line(exc)) from None
    if content is None:
        raise OSError(f"{url}: no such object")
    return bytes(content[0])
