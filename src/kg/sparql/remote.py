"""The query service in front of a remote store: the same guard, dataset rules and cache as ``QueryService``,
but the query runs on the store's server, over HTTP, instead of in a local worker process.

No process boundary is needed here: the engine is another program, and the call has a deadline
(``kg.store.http``) at which the connection is closed; the store's own time limit (Oxigraph server
``--timeout-s``, Virtuoso ``MaxQueryExecutionTime`` and the ``timeout`` parameter sent with each query)
is what stops its work (docs/serving.md). At most ``limits.workers`` queries are sent at once; a caller
that finds no free slot within ``limits.queue_timeout_s`` gets ``QueryBusy`` (503 + ``Retry-After``), and
so does every caller while the store is down (``StoreUnavailable``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace

from kg.errors import QueryError, QueryTimeout, StoreUnavailable
from kg.sparql.cache import AnswerCache
from kg.sparql.guard import Dataset, inspect_query, resolve_dataset
from kg.sparql.lexer import normalise
from kg.sparql.schema_http import schema_org_https
from kg.sparql.types import QueryAnswer, QueryBusy, QueryLimits, QueryRequest
from kg.store.remote import RemoteStore

_COUNTERS = ("queries", "timeouts", "busy", "refused", "unavailable")


class RemoteQueryService:
    """Answer SPARQL queries with a remote store (a ``kg.web.state.QueryRunner``)."""

    def __init__(
        self,
        store: RemoteStore,
        *,
        dataset_version: str,
        public_graphs: frozenset[str],
        limits: QueryLimits = QueryLimits(),  # noqa: B008 (frozen dataclass: immutable default)
    ) -> None:
        self.store = store
        self.dataset_version = dataset_version
        self.public_graphs = frozenset(public_graphs)
        self.limits = limits
        self._cache = AnswerCache(limits.cache_entries, limits.cache_bytes)
        self._slots = threading.BoundedSemaphore(limits.workers)
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(_COUNTERS, 0)
        self._closed = False

    def run(self, request: QueryRequest) -> QueryAnswer:
        """Answer one query (raises as ``QueryService.run``; a store that is down raises ``QueryBusy``)."""
        request = replace(request, text=schema_org_https(request.text))
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
            dataset,
        )
        cached = self._cache.get(key)
        if cached is not None:
            return replace(cached, cached=True)
        answer = self._execute(request, dataset)
        self._cache.put(key, answer)
        return answer

    def _execute(self, request: QueryRequest, dataset: Dataset) -> QueryAnswer:
        if self._closed or not self._slots.acquire(timeout=self.limits.queue_timeout_s):
            self._count("busy")
            raise QueryBusy(f"too many concurrent queries (limit {self.limits.workers}); retry shortly")
        try:
            self._count("queries")
            result = self.store.query_capped(
                request.text,
                default_graph=dataset.default_graphs,
                named_graphs=dataset.named_graphs,
                union_of_all_graphs=dataset.every_public_graph,
                result_format=request.result_format,
                graph_format=request.graph_format,
                max_rows=self.limits.max_rows,
                max_bytes=self.limits.max_result_bytes,
            )
        except QueryTimeout:
            self._count("timeouts")
            raise
        except StoreUnavailable as exc:
            self._count("unavailable")
            raise QueryBusy(str(exc), retry_after_s=exc.retry_after_s) from None
        finally:
            self._slots.release()
        media_type = (request.graph_format if result.kind == "graph" else request.result_format).media_type
        return QueryAnswer(
            result.kind,
            result.body,
            media_type,
            result.truncated,
            result.rows,
            cached=False,
            unbound=result.unbound,
        )

    def stats(self) -> Mapping[str, object]:
        with self._lock:
            counts = dict(self._counts)
        return {
            "store": self.store.url,
            "workers": self.limits.workers,
            **counts,
            "cache_hits": self._cache.hits,
            "cache_misses": self._cache.misses,
            "cache_entries": len(self._cache),
        }

    def close(self) -> None:
        self._closed = True

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1
