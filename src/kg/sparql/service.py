"""The query service behind the public SPARQL endpoint: guard, cache, then a worker process with a deadline.

Implements the query operation of SPARQL 1.1 Protocol §2.1 (https://www.w3.org/TR/sparql11-protocol/#query-operation)
minus HTTP: the dataset rules of §2.1.4 (``resolve_dataset``), answers in the formats of SPARQL 1.1 Query
Results JSON/XML/CSV/TSV or an RDF syntax. Safe to call from many threads: at most ``limits.workers``
queries run at once; a caller that finds no free worker within ``limits.queue_timeout_s`` gets ``QueryBusy``.

Every failure is reported, never hidden in a short answer: a query past its deadline raises ``QueryTimeout``
(its worker is SIGKILLed and replaced), a worker that dies raises ``QueryCrashed`` (replaced too), and a
result cut at ``max_rows`` / ``max_result_bytes`` says ``truncated=True``. One spare worker is kept started
and ready, so a killed worker's slot is refilled at once instead of after a process start (0.3 s on an idle
machine, over a second under load).

Workers are ``multiprocessing`` *spawn* children: as with any spawn user, a script that creates a
``QueryService`` at import time must guard it with ``if __name__ == "__main__":`` (console scripts, gunicorn,
``flask run`` and pytest already do).
"""

from __future__ import annotations

import copy
import queue
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from kg.errors import QueryCrashed, QueryError, QueryTimeout, StoreError
from kg.sparql.cache import AnswerCache
from kg.sparql.guard import Dataset, inspect_query, resolve_dataset
from kg.sparql.lean import is_lean, pattern_variables, row_bounded
from kg.sparql.lexer import normalise
from kg.sparql.pool import Worker, WorkerDied, WorkerTimedOut
from kg.sparql.schema_http import schema_org_https
from kg.sparql.types import QueryAnswer, QueryBusy, QueryLimits, QueryRequest
from kg.sparql.worker import Job, Reply, execute
from kg.store import Bounded, KgStore

# A lean SELECT of at most this many rows is serialised by the engine at once (``KgStore.query_whole``): point
# lookups answer tens of rows. Bounded, so that what is held before the byte limit is checked stays small.
WHOLE_ROWS = 1_000
_COUNTERS = ("queries", "lean", "shared", "respawns", "timeouts", "crashes", "busy", "refused")


class _Flight:
    """A query a worker is answering, and what it gave: the answer, or the error it raised."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: QueryAnswer | None = None
        self.error: QueryError | None = None


class QueryService:
    """Answer SPARQL queries over one read-only store with disposable worker processes.

    :param store_path: an on-disk store directory (see ``prepare_store``), opened read-only by each worker.
    :param dataset_version: identifies the data (the sha256 of the N-Quads file); part of every cache key.
    :param public_graphs: the named graphs the public may query; nothing else is ever reachable.
    :param limits: time, memory, size and concurrency limits.
    :param local_store: the same store opened read-only in this process: lean queries (``kg.sparql.lean``)
        run on it here, without a worker; ``None`` sends every query to a worker.
    :raises StoreError: a worker cannot open the store.
    """

    def __init__(
        self,
        store_path: Path,
        *,
        dataset_version: str,
        public_graphs: frozenset[str],
        limits: QueryLimits = QueryLimits(),  # noqa: B008 (frozen dataclass: immutable default)
        local_store: KgStore | None = None,
    ) -> None:
        self._local = local_store
        self._local_graphs = frozenset(local_store.graphs()) if local_store is not None else None
        self.store_path = Path(store_path)
        self.dataset_version = dataset_version
        self.public_graphs = frozenset(public_graphs)
        self.limits = limits
        self._cache = AnswerCache(limits.cache_entries, limits.cache_bytes)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(_COUNTERS, 0)
        self._closed = False
        self._flights: dict[tuple[object, ...], _Flight] = {}  # queries running now, by cache key
        # A query waited for runs at most this long (queue, start of a fresh worker, deadline).
        self._flight_wait_s = limits.queue_timeout_s + limits.startup_timeout_s + limits.timeout_s + 1
        self._spare: Worker | None = None
        workers = [self._start() for _ in range(limits.workers)]
        self._all.update(workers)
        self._spare = self._start()
        try:
            for worker in [*workers, self._spare]:  # they start in parallel
                worker.wait_ready(limits.startup_timeout_s)
        except WorkerDied as exc:
            self.close()
            raise StoreError(f"a query worker failed to start ({exc.detail})") from None
        except BaseException:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def run(self, request: QueryRequest) -> QueryAnswer:
        """Answer one query.

        :raises QueryRefused: SERVICE, an update, a non-public graph, too long or too deep (nothing ran).
        :raises QueryError: a syntax error (``line``/``column`` set) or an evaluation error.
        :raises QueryBusy: no worker came free within ``queue_timeout_s``.
        :raises QueryTimeout: the query ran past ``timeout_s`` and was killed.
        :raises QueryCrashed: the engine died while running the query.
        """
        request, dataset, key = self._prepare(request)
        cached = self._cache.get(key)
        if cached is not None:
            return replace(cached, cached=True)
        if self._local is not None and is_lean(request.text):
            answer = self._execute_here(request, dataset, self._local)
            self._cache.put(key, answer)
            return answer
        return self._shared(key, lambda: self._execute(request, dataset))

    def _shared(self, key: tuple[object, ...], execute: Callable[[], QueryAnswer]) -> QueryAnswer:
        """The answer of ``execute``, computed once for callers asking the same query at the same time.

        A heavy query asked again while a worker runs it (a popular dashboard's query, a client retrying)
        waits for that answer instead of taking another worker (it still holds its client's share,
        ``kg.web.fairness``): at 10^7 triples such a query holds a worker for seconds, and each copy held
        one more. The callers who waited get the answer, or the error, of the one who ran it."""
        with self._lock:
            flight = self._flights.get(key)
            leading = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leading:
            self._count("shared")
            if not flight.done.wait(self._flight_wait_s):
                raise QueryBusy("the same query is still running for another request; retry shortly")
            if flight.error is not None:
                raise copy.copy(flight.error)  # each caller raises its own (tracebacks are per raise)
            if flight.answer is None:
                raise QueryBusy("the same query failed for another request; retry shortly")
            return replace(flight.answer, cached=True)
        try:
            flight.answer = execute()
            self._cache.put(key, flight.answer)
            return flight.answer
        except QueryError as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def light(self, request: QueryRequest) -> QueryAnswer | None:
        """The answer when it costs no worker: from the cache, or run here on the lean path
        (``kg.sparql.lean``); None when the query needs a worker (then call ``run``, which checks again).

        :raises QueryRefused: as ``run``.
        :raises QueryError: a syntax or evaluation error of a lean query.
        """
        request, dataset, key = self._prepare(request)
        cached = self._cache.get(key)
        if cached is not None:
            return replace(cached, cached=True)
        if self._local is None or not is_lean(request.text):
            return None
        answer = self._execute_here(request, dataset, self._local)
        self._cache.put(key, answer)
        return answer

    def _prepare(self, request: QueryRequest) -> tuple[QueryRequest, Dataset, tuple[object, ...]]:
        """The request as run (schema.org IRIs fixed), its dataset and its cache key (with the version)."""
        text = schema_org_https(request.text)
        if text != request.text:  # most texts name no http://schema.org IRI: no copy (replace costs 4 us)
            request = replace(request, text=text)
        try:
            info = inspect_query(request.text, self.limits, self.public_graphs)
            dataset = resolve_dataset(info, request.default_graphs, request.named_graphs, self.public_graphs)
        except QueryError:
            self._count("refused")
            raise
        key = (
            self.dataset_version,
            normalise(request.text),
            request.result_format,
            request.graph_format,
            # Every public graph is one dataset: named, not hashed graph by graph on every query.
            "every public graph" if dataset.every_public_graph else dataset,
        )
        return request, dataset, key

    def stats(self) -> dict[str, int]:
        """Counters for health pages and tests: workers, respawns, cache hits/misses, timeouts, crashes."""
        with self._lock:
            alive = sum(1 for w in self._all if w.is_alive())
            spare = int(self._spare is not None and self._spare.is_alive())
            counts = dict(self._counts)
        return {
            "workers": self.limits.workers,
            "workers_alive": alive,
            "spare_alive": spare,
            **counts,
            "cache_hits": self._cache.hits,
            "cache_misses": self._cache.misses,
            "cache_entries": len(self._cache),
        }

    def worker_pids(self) -> tuple[int, ...]:
        """Process ids of the workers that take queries, not the spare (for health checks and tests)."""
        with self._lock:
            return tuple(sorted(w.pid for w in self._all))

    def close(self) -> None:
        """Stop every worker; later calls to ``run`` raise ``QueryBusy``."""
        with self._lock:
            self._closed = True
            workers = list(self._all) + ([self._spare] if self._spare else [])
            self._all.clear()
            self._spare = None
        for worker in workers:  # all at once, then wait for each
            worker.close_pipe()
        for worker in workers:
            worker.stop()

    def __enter__(self) -> QueryService:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _job(self, request: QueryRequest, dataset: Dataset) -> Job:
        return Job(
            text=request.text,
            result_format=request.result_format,
            graph_format=request.graph_format,
            default_graphs=dataset.default_graphs,
            named_graphs=dataset.named_graphs,
            every_public_graph=dataset.every_public_graph,
            max_rows=self.limits.max_rows,
            max_bytes=self.limits.max_result_bytes,
        )

    def _execute_here(self, request: QueryRequest, dataset: Dataset, store: KgStore) -> QueryAnswer:
        """Run a lean query in this process: it cannot run away (``kg.sparql.lean``), so no worker."""
        self._count("lean")
        job = self._job(request, dataset)
        text = row_bounded(request.text, min(job.max_rows, WHOLE_ROWS))
        # The variables of the text as sent, whose tokens are remembered (the bounded text is a new string).
        whole = None if text is None else Bounded(text, pattern_variables(request.text))
        reply, body = execute(store, job, self._local_graphs, whole)
        if reply.status == "oom":
            raise QueryCrashed("the query engine ran out of memory on this query")
        return self._answer(request, reply, body)

    def _execute(self, request: QueryRequest, dataset: Dataset) -> QueryAnswer:
        job = self._job(request, dataset)
        worker = self._acquire()
        try:
            if not worker.is_alive():  # died while idle (OOM killer, an operator): not this query's fault
                worker = self._replace(worker)
            worker.wait_ready(self.limits.startup_timeout_s)
            self._count("queries")
            reply, body = worker.run(job, self.limits.timeout_s)
        except WorkerTimedOut:
            self._count("timeouts")
            worker = self._replace(worker)
            raise QueryTimeout(
                f"the query ran longer than {self.limits.timeout_s:g} s and was stopped; "
                "simplify it or add a LIMIT"
            ) from None
        except WorkerDied as exc:
            self._count("crashes")
            worker = self._replace(worker)
            raise QueryCrashed(f"the query engine failed on this query ({exc.detail})") from None
        except StoreError as exc:
            worker = self._replace(worker)
            raise QueryCrashed(f"a query worker cannot open the store: {exc}") from None
        finally:
            self._release(worker)
        return self._answer(request, reply, body)

    def _answer(self, request: QueryRequest, reply: Reply, body: bytes) -> QueryAnswer:
        if reply.status != "ok":
            raise QueryError(reply.message, line=reply.line, column=reply.column)
        media_type = (request.graph_format if reply.kind == "graph" else request.result_format).media_type
        return QueryAnswer(
            reply.kind, body, media_type, reply.truncated, reply.rows, cached=False, unbound=reply.unbound
        )

    def _acquire(self) -> Worker:
        if self._closed:
            raise QueryBusy("the query service is shutting down")
        try:
            return self._idle.get(timeout=self.limits.queue_timeout_s)
        except queue.Empty:
            self._count("busy")
            raise QueryBusy(
                f"too many concurrent queries (limit {self.limits.workers}); retry shortly"
            ) from None

    def _release(self, worker: Worker) -> None:
        if self._closed:
            worker.stop()
            return
        if not worker.is_alive():  # died between queries (e.g. killed from outside): replace quietly
            worker = self._replace(worker)
        self._idle.put(worker)

    def _replace(self, worker: Worker) -> Worker:
        """Kill a worker and put the warm spare in its place, so the next query need not wait for a start."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            self._counts["respawns"] += 1
            fresh, self._spare = self._spare, None
        try:
            if fresh is None or not fresh.is_alive():
                if fresh is not None:
                    fresh.kill()
                fresh = self._start()
        except OSError:
            return worker  # no process can be started now: keep the dead slot, the next caller retries
        with self._lock:
            self._all.add(fresh)
        self._refill_spare()
        return fresh

    def _refill_spare(self) -> None:
        """Start a spare worker in the background (its readiness is checked when it is used)."""
        try:
            spare: Worker | None = self._start()
        except OSError:
            return
        with self._lock:
            if self._spare is None and not self._closed:
                self._spare, spare = spare, None
        if spare is not None:
            spare.stop()

    def _start(self) -> Worker:
        return Worker(self.store_path, self.limits.memory_mb, self.limits.memory_copy_mb)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1
