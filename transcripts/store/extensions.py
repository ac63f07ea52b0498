"""DuckDB extensions without a network: install the pip-shipped signed binaries into a local directory.

DuckDB cannot download extensions here, but the `duckdb-extension-*` wheels ship the signed binaries.
We copy them where DuckDB looks (`<dir>/v<version>/<platform>/<name>.duckdb_extension`, under DuckDB's own
names) and connect with auto-install off, so `LOAD` finds them and nothing ever reaches for the network.

The directory belongs to the environment (`.venv/duckdb_extensions`, filled by `scripts/setup.sh` through
`python -m transcripts.store.extensions`), so plain `duckdb` (Python or CLI) reads the lake after
`SET extension_directory = '.venv/duckdb_extensions'; LOAD ducklake; LOAD sqlite;`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

DUCKDB_VERSION = "v" + duckdb.__version__

# name DuckDB loads -> (pip package shipping it, file name inside the wheel)
_SHIPPED: dict[str, tuple[str, str]] = {
    "ducklake": ("duckdb_extension_ducklake", "ducklake.duckdb_extension"),
    # DuckDB's name for the SQLite extension is sqlite_scanner; LOAD sqlite resolves to it.
    "sqlite_scanner": ("duckdb_extension_sqlite", "sqlite.duckdb_extension"),
    "fts": ("duckdb_extension_fts", "fts.duckdb_extension"),  # full-text search (transcripts search)
    # A remote lake: the catalog in PostgreSQL (DuckDB's name: postgres_scanner), data in S3 (httpfs).
    "postgres_scanner": ("duckdb_extension_postgres", "postgres.duckdb_extension"),
    "httpfs": ("duckdb_extension_httpfs", "httpfs.duckdb_extension"),
}

_installed: dict[Path, Path] = {}  # extension dir -> platform dir, once installed in this process
# Binaries whose signature DuckDB verified, with their (inode, size, mtime) then: in this process, and
# remembered for the next processes in VERIFIED_FILE beside the binaries.
_verified: dict[Path, tuple[int, int, int]] = {}
VERIFIED_FILE = ".verified-signatures.json"


class ExtensionMissing(RuntimeError):
    """A required DuckDB extension binary is not shipped by the installed packages."""


def extension_dir() -> Path:
    """Where our extension binaries live: $TRANSCRIPTS_EXTENSION_DIR, else `duckdb_extensions` in the
    environment the package runs in (`.venv/duckdb_extensions`), else (a read-only system Python) a
    per-user cache."""
    env = os.environ.get("TRANSCRIPTS_EXTENSION_DIR")
    if env:
        return Path(env).expanduser()
    if sys.prefix != sys.base_prefix or os.access(sys.prefix, os.W_OK):
        return Path(sys.prefix) / "duckdb_extensions"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "transcripts" / "duckdb-extensions"


def _platform() -> str:
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    try:
        row = con.execute("PRAGMA platform").fetchone()
    finally:
        con.close()
    assert row is not None
    return str(row[0])


def _shipped_binary(package: str, file_name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionMissing(f"package {package} is not installed (pip install {package.replace('_', '-')})")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "extensions" / DUCKDB_VERSION / file_name
        if candidate.is_file():
            return candidate
    raise ExtensionMissing(f"{package} ships no {file_name} for DuckDB {DUCKDB_VERSION}")


def install_extensions(directory: Path | None = None) -> Path:
    """Copy the shipped binaries into `directory` (idempotent) and return the directory.

    Each file is copied to a temporary name and renamed into place, so a concurrent process either sees
    no file or a complete one, never a half-copied binary.
    """
    directory = (directory or extension_dir()).resolve()
    if directory in _installed:
        return directory
    target = directory / DUCKDB_VERSION / _platform()
    target.mkdir(parents=True, exist_ok=True)
    for name, (package, file_name) in _SHIPPED.items():
        source = _shipped_binary(package, file_name)
        dest = target / f"{name}.duckdb_extension"
        if dest.is_file() and dest.stat().st_size == source.stat().st_size:
            continue
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target)
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    _installed[directory] = target
    return directory


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _remembered(platform_dir: Path) -> dict[Path, tuple[int, int, int]]:
    """The binaries an earlier process saw DuckDB verify, with their identity then (none when unreadable)."""
    try:
        saved = json.loads((platform_dir / VERIFIED_FILE).read_text())
        return {platform_dir / name: (int(ino), int(size), int(mtime)) for name, (ino, size, mtime) in saved.items()}
    except (OSError, ValueError, TypeError):
        return {}


def _remember(platform_dir: Path) -> None:
    """Write what this process verified for the next ones (atomically; a read-only folder just skips it)."""
    mine = {path.name: list(ident) for path, ident in _verified.items() if path.parent == platform_dir}
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(prefix=".verified.", suffix=".tmp", dir=platform_dir)
        with os.fdopen(fd, "w") as out:
            json.dump(mine, out)
        os.replace(tmp, platform_dir / VERIFIED_FILE)


def connect(database: str = ":memory:", *, read_only: bool = False,
            extensions: tuple[str, ...] = ("ducklake", "sqlite_scanner")) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that loads `extensions` from the local directory and never downloads.

    Checking an extension's signature costs 0.4 s per binary (it hashes 35 MB), which dominated every
    command. So DuckDB checks a binary once: connections load with signature checking until every binary
    they load has passed it, and later connections, of this process or the next ones, skip the check for
    exactly those files as long as they are unchanged (same inode, size and mtime; a replaced or rewritten
    binary is checked again). The record lives beside the binaries, in the environment whose Python code
    we trust anyway. Locked-down readers cannot LOAD anything.
    """
    directory = install_extensions()
    platform_dir = _installed[directory]
    files = [platform_dir / f"{name}.duckdb_extension" for name in extensions]
    if not all(f in _verified for f in files):
        _verified.update({f: ident for f, ident in _remembered(platform_dir).items() if f not in _verified})
    trusted = all(f in _verified and _verified[f] == _identity(f) for f in files)
    con = duckdb.connect(database, read_only=read_only, config={
        "extension_directory": str(directory),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_unsigned_extensions": trusted,
    })
    for name in extensions:
        con.execute(f"LOAD {name}")
    if not trusted:
        for f in files:
            ident = _identity(f)
            if ident is not None:
                _verified[f] = ident
        _remember(platform_dir)
    return con


def main() -> None:
    """`python -m transcripts.store.extensions [DIR]`: install the binaries (run by scripts/setup.sh)."""
    target = install_extensions(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"DuckDB extensions ({', '.join(_SHIPPED)}) installed in {target}")


if __name__ == "__main__":
    main()
