"""The query worker: a disposable process that opens the store read-only and answers one query at a time.

pyoxigraph 0.5.13 cannot be cancelled, segfaults on deep nesting and aborts on allocation failure
(security.md §3, pitfalls.md 2), so every query runs here, behind a process boundary the service can
SIGKILL. The worker caps its own address space (``RLIMIT_AS``), writes no core files, ignores SIGINT (the
server handles Ctrl-C) and exits when its parent goes away. Answers are serialised here, cut at the row and
byte limits while rows are pulled (``KgStore.query_capped``).

Protocol on the pipe: the worker sends ``("ready", pid)`` or ``("failed", message)`` once; then for each
:class:`Job` it receives, one :class:`Reply`, followed by the body with ``send_bytes`` when ``ok``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from kg.errors import QueryError, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.store import Bounded, KgStore

_PARENT_POLL_S = 0.5
_M_ARENA_MAX = -8  # glibc mallopt parameter


@dataclass(frozen=True)
class Job:
    """One query for a worker, with the dataset and limits already decided by the service."""

    text: str
    result_format: ResultsFormat
    graph_format: RdfFormat
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    max_rows: int
    max_bytes: int
    every_public_graph: bool = False  # ``Dataset.every_public_graph``


@dataclass(frozen=True)
class Reply:
    """The outcome of a job; an ``ok`` reply is followed on the pipe by the body bytes."""

    status: Literal["ok", "error", "oom"]
    kind: Literal["solutions", "boolean", "graph"] = "solutions"
    rows: int = 0
    truncated: bool = False
    unbound: tuple[str, ...] = ()
    message: str = ""
    line: int | None = None
    column: int | None = None


def serve(
    conn: Connection, store_path: str, memory_mb: int, parent_pid: int, memory_copy_mb: int = 0
) -> None:
    """Entry point of a worker process (``multiprocessing`` spawn target); a store of at most
    ``memory_copy_mb`` MB on disk is answered from a copy in this process's memory (``QueryLimits``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["RUST_BACKTRACE"] = "0"  # an allocation failure prints one line, not a backtrace
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _one_malloc_arena()
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()
    try:
        store = KgStore.open_served(Path(store_path), memory_copy_mb)
    except StoreError as exc:
        _send(conn, ("failed", str(exc)))
        return
    # Last, so that no thread has to be started under the cap (a failed thread start hangs Thread.start).
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    graphs = frozenset(store.graphs())  # read-only: fixed for the life of the worker
    _send(conn, ("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the service closed the pipe: shut down
        reply, body = execute(store, job, graphs)
        _send(conn, reply, body if reply.status == "ok" else None)
        if reply.status == "oom":
            os._exit(3)  # the heap may be in any state: let the service start a fresh worker


def execute(
    store: KgStore, job: Job, graphs: frozenset[str] | None = None, whole: Bounded | None = None
) -> tuple[Reply, bytes]:
    """Run one job; errors become replies, never exceptions.

    ``graphs`` are the store's named graphs: when the job's dataset is every public graph and the store
    holds no other, the engine's union default graph is the same dataset, read far faster
    (``kg.sparql.guard``). ``whole`` is the job's query bounded in rows (``kg.sparql.lean.row_bounded``),
    whose answer the engine serialises at once when it fits the limits (``KgStore.query_capped``).
    """
    union = job.every_public_graph and graphs is not None and _covers(job.named_graphs, graphs)
    try:
        result = store.query_capped(
            job.text,
            # Unused with the union, so not passed: 120 graph names cost 0.2 ms a query to convert.
            default_graph=() if union else job.default_graphs,
            named_graphs=() if union else job.named_graphs,
            union_of_all_graphs=union,
            result_format=job.result_format,
            graph_format=job.graph_format,
            max_rows=job.max_rows,
            max_bytes=job.max_bytes,
            bounded=whole,
        )
    except QueryError as exc:
        return Reply("error", message=str(exc), line=exc.line, column=exc.column), b""
    except MemoryError:
        return Reply("oom", message="the query ran out of memory"), b""
    reply = Reply(
        "ok", kind=result.kind, rows=result.rows, truncated=result.truncated, unbound=result.unbound
    )
    return reply, result.body


def _covers(named_graphs: tuple[str, ...], graphs: frozenset[str]) -> bool:
    """Whether ``named_graphs`` (every public graph) hold all ``graphs``: asked with the same two objects on
    every query, so answered once for them. Not an ``lru_cache``: its key would hash the tuple of every
    graph name on every query (4 us at 550 graphs, and growing with them; issue 12)."""
    global _covered
    last = _covered
    if last is not None and last[0] is named_graphs and last[1] is graphs:
        return last[2]
    covers = graphs <= set(named_graphs)
    _covered = (named_graphs, graphs, covers)  # held, so the identities above cannot be reused
    return covers


_covered: tuple[tuple[str, ...], frozenset[str], bool] | None = None


def _one_malloc_arena() -> None:
    # glibc gives threads their own 64 MB malloc arenas: with RocksDB's threads the address space of a fresh
    # worker varied from 360 to 680 MB between runs, which made an RLIMIT_AS cap a lottery. One arena keeps
    # it at about 110 MB, every time.
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1)


def _send(conn: Connection, message: object, body: bytes | None = None) -> None:
    try:
        conn.send(message)
        if body is not None:
            conn.send_bytes(body)
    except OSError:  # the service is gone or gave up on this worker (closed the pipe)
        os._exit(0)


def _watch_parent(parent_pid: int) -> None:
    # A worker must not outlive the server, even while its query runs (pyoxigraph releases the GIL).
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_S)
    os._exit(1)
