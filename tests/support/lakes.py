"""Lakes of both kinds for the tests that run against a local lake folder and a remote lake (PostgreSQL catalog,
data in S3), through the `lake_kind` fixture of tests/conftest.py."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from typing import Any

from support.services import Postgres, S3Server

BUCKET = "transcripts"
_names = itertools.count(1)


@dataclass
class RemoteLakes:
    """The services of one test worker; `new()` makes a fresh remote lake location (its own catalog database
    and data prefix)."""

    pg: Postgres
    s3: S3Server
    bucket: str = BUCKET
    made: list[str] = field(default_factory=list)

    def new(self, prefix: str = "lake") -> Any:
        from transcripts.store.location import resolve_location

        name = f"{prefix}_{os.getpid()}_{next(_names)}"
        self.made.append(name)
        return resolve_location(self.pg.url(name), f"s3://{self.bucket}/{name}")


def new_lake(request: Any, kind: str, folder: Any) -> Any:
    """A new (not yet created) lake of `kind`: the folder `folder`, or a fresh remote lake (which starts the
    worker's services through the `remote_lakes` fixture)."""
    from transcripts.store.lake import Lake

    if kind == "remote":
        return Lake(request.getfixturevalue("remote_lakes").new())
    return Lake(folder)


def lake_args(lake: Any) -> list[str]:
    """The command-line options that name `lake` (a store Lake of either kind)."""
    if lake.remote:
        return ["--lake", lake.location.catalog_url, "--data", lake.location.data_url]
    return ["--lake", str(lake.root)]


def lake_code(lake: Any) -> str:
    """A Python expression that opens `lake` in a child process (the child inherits the AWS variables)."""
    if lake.remote:
        return (f"__import__('transcripts.store.lake', fromlist=['Lake']).Lake(__import__("
                f"'transcripts.store.location', fromlist=['x']).resolve_location("
                f"{lake.location.catalog_url!r}, {lake.location.data_url!r}))")
    return f"__import__('transcripts.store.lake', fromlist=['Lake']).Lake({str(lake.root)!r})"


def data_files(lake: Any, table: str | None = None) -> set[str]:
    """Names of the Parquet files in the lake's data folder (or prefix), of one table or all."""
    from pathlib import Path

    from transcripts.store.integrity import remote_sizes

    if lake.remote:
        names = remote_sizes(lake)
        sub = f"{lake.location.data_url}main/{table}/" if table else lake.location.data_url
        return {n.rsplit("/", 1)[1] for n in names if n.startswith(sub) and n.endswith(".parquet")}
    folder = Path(lake.data_path) / "main" / table if table else Path(lake.data_path)
    return {p.name for p in folder.rglob("*.parquet")}
