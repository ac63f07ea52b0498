"""What a remote lake needs beyond DuckDB: S3 credentials, the PostgreSQL catalog database, its writer lock,
and keeping secrets out of every message.

- S3: `configure_s3(con)` gives a connection the secret that remote_s3 builds from the usual AWS variables
  (DuckDB's own `credential_chain` provider lives in the `aws` extension, which is not shipped). Without AWS
  variables no secret is made, and DuckDB's own (persistent) secrets apply.
- PostgreSQL: psycopg connections for creating the catalog database and for the writer lock, an advisory
  lock held on a dedicated connection while a run publishes. PostgreSQL drops it when that connection ends,
  so a killed run (even by SIGKILL: the server sees the socket close) never leaves a stale lock. The holder
  is named from `pg_stat_activity` (its application_name carries the host and pid).
- `redact(text)`: every message the command prints passes through it, so no password or secret key shows.
"""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Mapping
from typing import Any

import duckdb

from transcripts.store.errors import LakeError

LOCK_CLASS = 0x7472  # first key of our advisory lock ("tr"); the second is from the data URL
APPLICATION = "transcripts"
_SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PGPASSWORD")
_registered_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """A secret (a password taken from a URL) that `redact` must hide wherever it would show."""
    if value:
        _registered_secrets.add(value)


def redact(text: str, env: Mapping[str, str] | None = None) -> str:
    """`text` with every known secret (registered passwords, AWS secret key, PGPASSWORD) replaced by ***."""
    env = os.environ if env is None else env
    secrets = {*_registered_secrets, *(env.get(name, "") for name in _SECRET_VARIABLES)}
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def configure_s3(con: duckdb.DuckDBPyConnection) -> None:
    """Give `con` the S3 credentials of the environment (remote_s3, the secret's one home); a statement DuckDB
    refuses is one line without the secret (DuckDB's message may quote the statement)."""
    from transcripts.store.remote_s3 import configure_s3 as configure

    try:
        configure(con)
    except duckdb.Error as exc:
        raise LakeError(redact(f"the S3 credentials are unusable: {str(exc).splitlines()[0]}")) from None


# ---------------------------------------------------------------- PostgreSQL


def pg_connect(dsn: str, *, application: str = APPLICATION, dbname: str | None = None) -> Any:
    """A psycopg connection (autocommit) to the catalog server; `dbname` overrides the DSN's database."""
    import psycopg

    params: dict[str, Any] = {"application_name": application, "connect_timeout": 10}
    if dbname is not None:
        params["dbname"] = dbname
    return psycopg.connect(dsn, autocommit=True, **params)


def database_exists(dsn: str) -> bool:
    """Does the catalog database exist and hold a DuckLake catalog? (psycopg.Error when the server is
    unreachable or refuses us.)"""
    import psycopg

    try:
        con = pg_connect(dsn)
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return False
        raise
    with con:
        row = con.execute("SELECT to_regclass('ducklake_snapshot') IS NOT NULL").fetchone()
    return bool(row and row[0])


def create_database(dsn: str) -> None:
    """Create the catalog database named in `dsn` when it is missing (connecting to `postgres` to do so)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    name = str(conninfo_to_dict(dsn).get("dbname") or "")
    if not name:
        raise ValueError("the catalog URL names no database (postgresql://HOST/DATABASE)")
    try:
        pg_connect(dsn).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    with pg_connect(dsn, dbname="postgres") as con:
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def lock_key(data_url: str) -> tuple[int, int]:
    """Our advisory lock's two keys: a constant and a 31-bit hash of the data URL (one lake per database
    is usual, but two lakes sharing a catalog server must not share a lock)."""
    return LOCK_CLASS, zlib.crc32(data_url.encode()) & 0x7FFFFFFF


def writer_application() -> str:
    return f"{APPLICATION} writer {socket.gethostname()} pid {os.getpid()}"


def try_advisory_lock(dsn: str, key: tuple[int, int]) -> Any | None:
    """A dedicated connection holding the advisory lock `key`, or None when another session holds it."""
    con = pg_connect(dsn, application=writer_application())
    try:
        row = con.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()
    except BaseException:
        con.close()
        raise
    if row and row[0]:
        return con
    con.close()
    return None


def advisory_holder(dsn: str, key: tuple[int, int]) -> str | None:
    """Who holds the advisory lock `key` ('transcripts writer HOST pid N', or the server's pid), or None."""
    with pg_connect(dsn) as con:
        row = con.execute(
            "SELECT a.application_name, a.pid, a.client_addr FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s AND l.objsubid = 2 "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())", key).fetchone()
    if row is None:
        return None
    application, backend, client = row
    if application and str(application).startswith(f"{APPLICATION} writer"):
        return str(application)[len(APPLICATION) + 1:]
    return f"PostgreSQL backend {backend}" + (f" from {client}" if client else "")
