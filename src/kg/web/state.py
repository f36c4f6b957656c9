"""What every view shares: settings, options, the served dataset, the store reader, the query service.

One ``AppState`` per app, kept in ``app.extensions["kg"]``; nothing module-global, so tests build as many
apps as they like. Expensive derived data (VoID statistics, the ontology and shapes graphs) is computed
on first use, once per app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import current_app
from rdflib import Graph

from kg.assets import load_ontology, load_shapes
from kg.settings import Settings
from kg.void import STATS_QUERIES, DatasetStats, stats_from_answers
from kg.web.config import Dataset, WebOptions
from kg.web.doccache import DocumentCache
from kg.web.fairness import ClientShares
from kg.web.reader import ResourceReader

if TYPE_CHECKING:
    from kg.sparql import QueryAnswer, QueryLimits, QueryRequest

EXTENSION = "kg"
T = TypeVar("T")


class QueryRunner(Protocol):
    """What ``/sparql`` needs from a query service (``kg.sparql.QueryService`` or a remote one).

    A runner may also have ``light(request) -> QueryAnswer | None``: the answer when it needs no worker
    (cached, or a lean query), else None; ``/sparql`` then serves it without taking the client's share."""

    limits: QueryLimits
    public_graphs: frozenset[str]

    def run(self, request: QueryRequest) -> QueryAnswer: ...

    def stats(self) -> Mapping[str, object]: ...

    def close(self) -> None: ...


@dataclass
class AppState:
    settings: Settings
    options: WebOptions
    dataset: Dataset
    reader: ResourceReader
    queries: QueryRunner | None = None
    documents: DocumentCache = field(default_factory=lambda: DocumentCache(0))
    shares: ClientShares = field(default_factory=lambda: ClientShares(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stats: DatasetStats | None = None
    _ontology: Graph | None = None
    _shapes: Graph | None = None
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    def stats(self) -> DatasetStats:
        """Counts over the whole store, computed once (VoID, the landing page, the service description)."""
        with self._lock:
            if self._stats is None:
                store = self.reader.store
                answers = {name: store.query(q, union=True).records() for name, q in STATS_QUERIES.items()}
                self._stats = stats_from_answers(answers)
            return self._stats

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per app, that is per served build (the home page's money figures)."""
        if key not in self._memo:
            self._memo.setdefault(key, compute())
        found: T = self._memo[key]
        return found

    def ontology(self) -> Graph:
        with self._lock:
            if self._ontology is None:
                self._ontology = load_ontology()
            return self._ontology

    def shapes(self) -> Graph:
        with self._lock:
            if self._shapes is None:
                self._shapes = load_shapes()
            return self._shapes


def state() -> AppState:
    """The state of the current app."""
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, AppState)
    return found
