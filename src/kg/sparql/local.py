"""``kg query``: one query over local data, through the endpoint's guard, in a disposable process.

The command line meets the same hazards as the endpoint (security.md §3, §6): a ``SERVICE`` makes pyoxigraph
connect out, about 3,000 nested braces segfault it, a doubled string aborts it, and nothing can interrupt
it. So, as for the endpoint, ``inspect_query`` refuses SERVICE, updates, ``FROM`` of a graph the data does
not have, too long and too deep text before the engine sees the query; and the data is loaded and the
query run in a ``spawn`` child with an address-space cap, SIGKILLed at ``limits.timeout_s`` (counted from
the end of loading). Every failure is a ``QueryError`` on one line; the result comes back whole (no row cap:
the user asked for it).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from kg.errors import KgError, QueryCrashed, QueryError, QueryRefused, QueryTimeout
from kg.formats import RdfFormat
from kg.sparql.guard import inspect_query, resolve_dataset
from kg.sparql.types import QueryLimits
from kg.store import KgStore, QueryResult

_CONTEXT = multiprocessing.get_context("spawn")
LOAD_TIMEOUT_S = 600.0  # loading is the user's own data: bounded, but generously


def run_local_query(
    text: str,
    data: Sequence[Path | bytes],
    *,
    base_iri: str,
    prefixes: dict[str, str],
    limits: QueryLimits,
) -> QueryResult:
    """Answer ``text`` over ``data`` (dump files kg wrote, or N-Quads bytes), the union as default graph.

    :raises QueryRefused: what the endpoint refuses too (nothing ran).
    :raises QueryError: a syntax or evaluation error (``line``/``column`` set when known).
    :raises QueryTimeout: the query ran past ``limits.timeout_s`` and was killed.
    :raises QueryCrashed: the engine died (segfault, out of memory).
    """
    parent_end, child_end = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_serve,
        args=(child_end, text, list(data), base_iri, prefixes, limits),
        name="kg-query",
        daemon=True,
    )
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(LOAD_TIMEOUT_S):
            raise QueryTimeout(f"loading the data took longer than {LOAD_TIMEOUT_S:g} s")
        message = _receive(parent_end, process)
        if message[0] == "loaded":
            if not parent_end.poll(limits.timeout_s):
                raise QueryTimeout(f"the query ran longer than {limits.timeout_s:g} s and was stopped")
            message = _receive(parent_end, process)
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        parent_end.close()
    if message[0] == "result" and isinstance(message[1], QueryResult):
        return message[1]
    kind, detail, line, column = message
    error = _ERRORS.get(str(kind), QueryCrashed)
    raise error(
        str(detail),
        line=line if isinstance(line, int) else None,
        column=column if isinstance(column, int) else None,
    )


_ERRORS: dict[str, type[QueryError]] = {"refused": QueryRefused, "error": QueryError, "crashed": QueryCrashed}


def _receive(conn: Connection, process: multiprocessing.process.BaseProcess) -> tuple[object, ...]:
    try:
        message: tuple[object, ...] = conn.recv()
    except (EOFError, OSError):
        process.join(timeout=2)
        raise QueryCrashed(
            f"the query engine failed on this query ({_exit_detail(process.exitcode)})"
        ) from None
    return message


def _exit_detail(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit status {code}"


def _serve(
    conn: Connection,
    text: str,
    data: list[Path | bytes],
    base_iri: str,
    prefixes: dict[str, str],
    limits: QueryLimits,
) -> None:
    """The child: load, check, run, send ``("loaded",)`` then ``("result", r)`` or an error tuple."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which kills this process
    os.environ["RUST_BACKTRACE"] = "0"
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        store = KgStore()
        for item in data:
            if isinstance(item, Path):
                store.load_file(item, base_iri=base_iri)
            else:
                store.load(item, RdfFormat.NQUADS)
    except KgError as exc:
        conn.send(("error", str(exc), None, None))
        return
    except MemoryError:
        conn.send(("crashed", f"loading the data needed more than {limits.memory_mb} MB", None, None))
        return
    conn.send(("loaded",))
    graphs = frozenset(store.graphs())
    try:
        info = inspect_query(text, limits, graphs)
        if info.has_dataset:
            dataset = resolve_dataset(info, (), (), graphs)
            result = store.query(
                text,
                prefixes=prefixes,
                default_graph=dataset.default_graphs,
                named_graphs=dataset.named_graphs,
            )
        else:
            result = store.query(text, prefixes=prefixes)
    except QueryError as exc:
        kind = "refused" if isinstance(exc, QueryRefused) else "error"
        conn.send((kind, str(exc), exc.line, exc.column))
        return
    except MemoryError:
        conn.send(("crashed", f"the query needed more than {limits.memory_mb} MB", None, None))
        return
    conn.send(("result", result))
