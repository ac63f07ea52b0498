"""Where a lake lives: a local folder, or a PostgreSQL catalog with its data files in S3-compatible storage.

`resolve_location` is the ONE place that turns the user's choice (`--lake`, `--data`, $TRANSCRIPTS_LAKE,
$TRANSCRIPTS_DATA, `transcripts.toml`) into a location; everything else asks the location.

    LocalLocation(root)        catalog.sqlite + data/ + lock in one folder (the layout of lake.py)
    RemoteLocation(dsn, data)  DuckLake catalog in a PostgreSQL database, data files under an s3:// prefix;
                               the writer lock is a PostgreSQL advisory lock; what is derived locally
                               (run reports, search indexes, staging) lives in a local state folder

A password given in the catalog URL is taken out of it into $PGPASSWORD (libpq reads it there, and so do
child processes), so the location's strings never carry it; `remote.redact` hides it from messages.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from transcripts.store import remote

DEFAULT_LAKE = "output"
CONFIG_FILE = "transcripts.toml"
_CATALOG_SCHEMES = ("postgresql://", "postgres://")


class LocationError(ValueError):
    """The lake's location is given wrongly (exit status 2)."""


@dataclass(frozen=True)
class LocalLocation:
    root: Path
    given: str = field(default="", compare=False)  # the folder as the user wrote it, for run's messages
    remote = False
    extensions = ("ducklake", "sqlite_scanner")

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog.sqlite"

    @property
    def data_path(self) -> Path:
        return self.root / "data"

    @property
    def data_url(self) -> str:
        return str(self.data_path) + os.sep

    @property
    def attach_target(self) -> str:
        return "ducklake:sqlite:" + str(self.catalog_path)

    @property
    def display(self) -> str:
        return str(self.root)

    @property
    def named(self) -> str:
        """The lake as the user named it (a relative folder stays relative)."""
        return self.given or str(self.root)

    @property
    def options(self) -> str:
        """The command-line options that name this lake."""
        return f"--lake {self.root}"


@dataclass(frozen=True)
class RemoteLocation:
    dsn: str  # libpq key=value, without the password
    data_url: str  # s3://bucket/prefix/ (with the final slash)
    state_root: Path = field(default_factory=Path)  # local folder for reports, search indexes, staging
    remote = True
    extensions = ("ducklake", "postgres_scanner", "httpfs")

    @property
    def root(self) -> Path:
        return self.state_root

    @property
    def data_path(self) -> str:
        return self.data_url

    @property
    def attach_target(self) -> str:
        return "ducklake:postgres:" + self.dsn

    @property
    def catalog_url(self) -> str:
        """The catalog as `postgresql://user@host:port/db` (never a password)."""
        from psycopg.conninfo import conninfo_to_dict

        params = {k: str(v) for k, v in conninfo_to_dict(self.dsn).items()}
        user, host, port = params.pop("user", None), params.pop("host", ""), params.pop("port", None)
        auth, db = (f"{quote(user)}@" if user else ""), quote(params.pop("dbname", ""))
        if host and not host.startswith("/"):
            where = f"{host}{':' + port if port else ''}"
        else:  # a Unix socket folder goes in the query
            where = ""
            params = {**({"host": host} if host else {}), **({"port": port} if port else {}), **params}
        query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in params.items())
        return f"postgresql://{auth}{where}/{db}" + (f"?{query}" if query else "")

    @property
    def display(self) -> str:
        return f"{self.catalog_url} (data {self.data_url})"

    @property
    def named(self) -> str:
        return self.display

    @property
    def options(self) -> str:
        return f"--lake '{self.catalog_url}' --data {self.data_url}"


Location = LocalLocation | RemoteLocation


def _config(env: Mapping[str, str]) -> dict[str, Any]:
    path = Path(env.get("TRANSCRIPTS_CONFIG") or CONFIG_FILE)
    if not path.is_file():
        if env.get("TRANSCRIPTS_CONFIG"):
            raise LocationError(f"$TRANSCRIPTS_CONFIG names {path}, which is not a file")
        return {}
    try:
        lake = tomllib.loads(path.read_text(encoding="utf-8")).get("lake", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LocationError(f"{path} cannot be read: {remote.redact(str(exc))}") from None
    if not isinstance(lake, dict):
        raise LocationError(f"{path}: [lake] must be a table with `catalog` and `data`")
    return lake


def resolve_location(lake: str | Path | None = None, data: str | None = None,
                     env: Mapping[str, str] | None = None) -> Location:
    """The lake's location from `--lake`/`--data`, else $TRANSCRIPTS_LAKE/$TRANSCRIPTS_DATA, else the `[lake]`
    table of ./transcripts.toml (or $TRANSCRIPTS_CONFIG): `catalog = "postgresql://..."` (or a folder) and
    `data = "s3://bucket/prefix"`; else the folder `output/`. A PostgreSQL catalog without `--data` takes
    $TRANSCRIPTS_DATA, else the file's `data`. Raises LocationError for a bad combination."""
    env = os.environ if env is None else env
    configured_data = None
    if lake is None:
        lake = env.get("TRANSCRIPTS_LAKE") or None
    if lake is None:
        config = _config(env)
        lake, configured_data = config.get("catalog"), config.get("data")
    text = str(lake if lake is not None else DEFAULT_LAKE)
    if text.startswith(_CATALOG_SCHEMES) and data is None:  # --data, else the environment, else the file
        data = env.get("TRANSCRIPTS_DATA") or configured_data
    if not text.startswith(_CATALOG_SCHEMES):
        if data is not None:
            raise LocationError("--data goes with a PostgreSQL catalog (--lake postgresql://HOST/DATABASE); "
                                "a lake folder keeps its data in DIR/data")
        if "://" in text:
            raise LocationError(f"--lake takes a folder or a postgresql:// URL, not {text.split('://')[0]}://")
        return LocalLocation(Path(text).expanduser().resolve(), text)
    return _remote(text, data, env)


def _remote(url: str, data: str | None, env: Mapping[str, str]) -> RemoteLocation:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if not data:
        raise LocationError("a PostgreSQL catalog needs --data s3://BUCKET/PREFIX for the data files")
    if not data.startswith("s3://") or not urlsplit(data).netloc:
        raise LocationError(f"--data must be an s3://BUCKET/PREFIX URL, not {data!r}")
    try:
        params = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: the URL does not parse
        raise LocationError(f"not a PostgreSQL URL: {remote.redact(str(exc))}") from None
    password = params.pop("password", None)
    if password:
        remote.register_secret(str(password))
        if not env.get("PGPASSWORD") and env is os.environ:
            os.environ["PGPASSWORD"] = str(password)  # libpq's own variable; never in a string we print
    if not params.get("dbname"):
        raise LocationError("the catalog URL names no database: postgresql://USER@HOST:PORT/DATABASE")
    dsn = make_conninfo(**{k: str(v) for k, v in params.items()})
    data_url = data.rstrip("/") + "/"
    digest = hashlib.sha256(f"{dsn}\n{data_url}".encode()).hexdigest()[:16]
    state = env.get("TRANSCRIPTS_STATE_DIR")
    base = Path(state) if state else Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "transcripts"
    return RemoteLocation(dsn, data_url, (base / "lakes" / digest).expanduser().resolve())
