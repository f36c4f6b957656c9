"""Errors that reach a user: each names what was wrong and where (file, line, field)."""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """Base class of every error the kg tool reports on one line."""


class SourceError(KgError):
    """A source record or source text is wrong; names the file, the line and the field."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.detail = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class BuildError(KgError):
    """The graph cannot be built or written."""


class QueryError(KgError):
    """A SPARQL query is malformed or refused; ``line``/``column`` locate syntax errors."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class StoreError(KgError):
    """The store cannot be opened or loaded."""


class StoreUnavailable(StoreError):
    """A remote store is down, refused the connection or did not answer in time: HTTP 503 with
    ``Retry-After: retry_after_s``, never a hang (``kg.store.remote``)."""

    def __init__(self, message: str, *, retry_after_s: int = 2) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QueryRefused(QueryError):
    """A query the public endpoint will not run (SERVICE, LOAD, an update, too deep, too long): HTTP 400."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was killed: HTTP 503, never a truncated 200."""


class QueryCrashed(QueryError):
    """The engine died (segfault, out of memory) while running a query: HTTP 500; the server keeps serving."""
