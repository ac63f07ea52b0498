"""The store's errors: every one carries a one-line message fit for the command line."""

from __future__ import annotations


class LakeError(Exception):
    """Base class of the store's errors."""


class LakeMissing(LakeError):
    """The lake folder has no catalog yet (run `init`)."""


class LakeBusy(LakeError):
    """Another process holds the writer lock."""


class LakeDamaged(LakeError):
    """A data file or the catalog is missing or damaged: `transcripts check` says what can still be read."""


class UnknownVersion(LakeError):
    """The requested dataset version was never published (or its snapshot was expired)."""

    def __init__(self, version: int | None, known: list[int]) -> None:
        what = "no version published yet" if version is None else f"unknown version {version}"
        super().__init__(f"{what}; known versions: {known or 'none'}")
        self.version = version
        self.known = known


class ExpiredVersion(UnknownVersion):
    """The version was published, but `gc` expired it: its data is gone."""

    def __init__(self, version: int, known: list[int]) -> None:
        LakeError.__init__(self, f"version {version} was expired by `transcripts gc` and can no longer be read; "
                                 f"readable versions: {known or 'none'}")
        self.version = version
        self.known = known


class QueryRefused(LakeError):
    """The SQL would do something other than read."""


class QueryError(LakeError):
    """DuckDB rejected the SQL (syntax, binder, runtime error); the message is DuckDB's."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was interrupted."""


class QueryTooLarge(QueryError):
    """The query needed more memory than a reader may use."""

