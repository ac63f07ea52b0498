"""S3 access for DuckDB (httpfs) from the usual AWS variables: one home for the secret, shared by whatever
reads or writes S3 (pages under `--input s3://...`, a remote lake's data files).

    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   credentials (none: anonymous requests)
    AWS_REGION (or AWS_DEFAULT_REGION)                            default us-east-1
    AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL)                     a non-AWS server (MinIO, SeaweedFS, ...):
        http:// or https:// sets SSL; an endpoint is addressed path-style (bucket in the path), as those
        servers expect; without one, AWS itself with virtual-host style.

The secret's values go into SQL only here and are never printed: DuckDB shows them redacted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import duckdb

DEFAULT_REGION = "us-east-1"
# the secret's parameters that hold credentials, and the variables they come from
_CREDENTIALS = {"KEY_ID": "AWS_ACCESS_KEY_ID", "SECRET": "AWS_SECRET_ACCESS_KEY", "SESSION_TOKEN": "AWS_SESSION_TOKEN"}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def s3_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The S3 secret's parameters (DuckDB's names) from the environment."""
    env = os.environ if environ is None else environ
    settings = {"REGION": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION}
    if env.get("AWS_ACCESS_KEY_ID"):
        settings["KEY_ID"] = env["AWS_ACCESS_KEY_ID"]
        settings["SECRET"] = env.get("AWS_SECRET_ACCESS_KEY", "")
        if env.get("AWS_SESSION_TOKEN"):
            settings["SESSION_TOKEN"] = env["AWS_SESSION_TOKEN"]
    endpoint = (env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or "").strip()
    if endpoint:
        scheme, sep, rest = endpoint.partition("://")
        settings["ENDPOINT"] = rest.rstrip("/") if sep else endpoint.rstrip("/")
        settings["USE_SSL"] = "false" if sep and scheme.lower() == "http" else "true"
        settings["URL_STYLE"] = "path"
    return settings


def s3_secret_sql(environ: Mapping[str, str] | None = None, name: str = "transcripts_s3", *,
                  by_getenv: bool = False) -> str | None:
    """CREATE SECRET for S3 from the environment (contains the secret key: run it, never log it), or None
    when neither credentials nor an endpoint are set (DuckDB's anonymous defaults then apply). `by_getenv`:
    the credentials as `getenv('AWS_...')` calls instead of their values, for the DuckDB command line (which
    has getenv), so that the statement can go on a command line (`transcripts shell`) and be shown."""
    settings = s3_settings(environ)
    if "KEY_ID" not in settings and "ENDPOINT" not in settings:
        return None

    def value(key: str, text: str) -> str:
        if key == "USE_SSL":
            return text
        return f"getenv({_quote(_CREDENTIALS[key])})" if by_getenv and key in _CREDENTIALS else _quote(text)

    params = ", ".join(f"{k} {value(k, v)}" for k, v in settings.items())
    return f"CREATE OR REPLACE SECRET {name} (TYPE s3, {params})"


def configure_s3(con: duckdb.DuckDBPyConnection, environ: Mapping[str, str] | None = None) -> None:
    """Give a connection with httpfs loaded the S3 credentials of the environment (a no-op without them)."""
    sql = s3_secret_sql(environ)
    if sql is not None:
        con.execute(sql)
