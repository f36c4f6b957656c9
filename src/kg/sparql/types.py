"""The values the query service takes and gives: limits, a request (SPARQL 1.1 Protocol §2.1), an answer.

Request fields follow SPARQL 1.1 Protocol §2.1.4 (https://www.w3.org/TR/sparql11-protocol/#dataset):
``default_graphs`` / ``named_graphs`` carry ``default-graph-uri`` / ``named-graph-uri``. Limit defaults are
the starting limits of security.md §7.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kg.errors import QueryError
from kg.formats import RdfFormat, ResultsFormat


@dataclass(frozen=True)
class QueryLimits:
    """What one query may cost, and how much the service runs and remembers at once.

    :param timeout_s: wall-clock limit per query; the worker process is SIGKILLed at the deadline.
    :param memory_mb: address-space limit (``RLIMIT_AS``) of each worker process.
    :param max_rows: rows (SELECT) or triples (CONSTRUCT, DESCRIBE) kept; more sets ``truncated``.
    :param max_result_bytes: serialised answer size kept; more sets ``truncated``.
    :param max_query_bytes: longest query text accepted (UTF-8 bytes).
    :param max_depth: deepest bracket nesting ``{ ( [`` accepted outside strings, IRIs and comments.
    :param workers: worker processes, so at most this many queries run at once.
    :param cache_entries: answers kept in the result cache (least recently used go first).
    :param cache_bytes: total answer bytes kept in the result cache.
    :param queue_timeout_s: how long a caller waits for a free worker before ``QueryBusy``.
    :param startup_timeout_s: how long a fresh worker may take to open the store.
    :param memory_copy_mb: a store of at most this many MB on disk is copied into each worker's memory
        (``0``: never). pyoxigraph answers from memory three to four times faster than from RocksDB
        (heavy aggregates at 10^5 triples: 2.3-3.0 ms against 8-11 ms in one process); the copy of a
        17 MB store (10^5 triples) takes 48 MB and 0.9 s of a worker's start. Above the size, every worker
        reads the one shared on-disk store (issue 12.3: the server under 2 GB at 10^7 triples).
    """

    timeout_s: float = 10.0
    memory_mb: int = 1024
    max_rows: int = 10_000
    max_result_bytes: int = 50_000_000
    max_query_bytes: int = 100_000
    max_depth: int = 64
    workers: int = 2
    cache_entries: int = 256
    cache_bytes: int = 200_000_000
    queue_timeout_s: float = 2.0
    startup_timeout_s: float = 30.0
    memory_copy_mb: int = 32

    def __post_init__(self) -> None:
        numbers = {name: getattr(self, name) for name in self.__dataclass_fields__}
        negative = [name for name, value in numbers.items() if value < 0]
        if negative or self.workers < 1 or self.timeout_s <= 0 or self.memory_mb < 256:
            raise ValueError(
                "query limits need workers >= 1, timeout_s > 0, memory_mb >= 256 and nothing negative"
            )


@dataclass(frozen=True)
class QueryRequest:
    """One query as the protocol layer received it.

    :param text: the query text (never an update).
    :param result_format: how to write SELECT and ASK answers.
    :param graph_format: how to write CONSTRUCT and DESCRIBE answers.
    :param default_graphs: ``default-graph-uri`` values; each must be a public graph.
    :param named_graphs: ``named-graph-uri`` values; each must be a public graph.
    """

    text: str
    result_format: ResultsFormat = ResultsFormat.JSON
    graph_format: RdfFormat = RdfFormat.TURTLE
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnswer:
    """A complete answer, or a cut one that says so.

    :param kind: ``solutions`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT, DESCRIBE).
    :param body: the serialised answer, always a valid document of ``media_type``.
    :param media_type: the registry media type of the format written.
    :param truncated: rows or bytes were cut at a limit; ``rows`` says how many were kept.
    :param rows: solutions or triples in ``body`` (0 for ASK).
    :param cached: served from the result cache.
    :param unbound: SELECT variables bound in no row of a non-empty answer (an aggregate whose
        evaluation failed is unbound, SPARQL 1.1 Query §11.6): a client can tell it from a value.
    """

    kind: Literal["solutions", "boolean", "graph"]
    body: bytes
    media_type: str
    truncated: bool
    rows: int
    cached: bool
    unbound: tuple[str, ...] = ()


class QueryBusy(QueryError):
    """Every worker is busy and none came free in time: HTTP 503 with ``Retry-After``."""

    def __init__(self, message: str, *, retry_after_s: int = 1) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
