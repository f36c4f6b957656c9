"""The query engine behind the public SPARQL endpoint (no HTTP here; ``kg.web`` calls it).

``inspect_query`` refuses what must never run (security.md §6: SERVICE, updates, non-public graphs, huge or
deep text) before any engine sees it; ``QueryService`` answers the rest in disposable worker processes with
a hard deadline, a memory cap, row and byte caps and a result cache; ``prepare_store`` turns ``dist/kg.nq``
into the read-only store the workers share.
"""

from __future__ import annotations

from kg.sparql.guard import QueryInfo, inspect_query
from kg.sparql.prepare import build_version, dataset_version, prepare_build_store, prepare_store
from kg.sparql.service import QueryService
from kg.sparql.types import QueryAnswer, QueryBusy, QueryLimits, QueryRequest

__all__ = [
    "QueryAnswer",
    "QueryBusy",
    "QueryInfo",
    "QueryLimits",
    "QueryRequest",
    "QueryService",
    "build_version",
    "dataset_version",
    "inspect_query",
    "prepare_build_store",
    "prepare_store",
]
