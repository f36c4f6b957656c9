"""What a store offers the server, whichever stands behind it: ``KgStore`` (embedded pyoxigraph, the default)
or ``RemoteStore`` (a SPARQL 1.1 server over HTTP). ``tests/store/test_contract.py`` runs one suite on each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from kg.formats import RdfFormat, ResultsFormat
from kg.store.terms import CappedResult, QueryResult, Term


class Store(Protocol):
    """Reads by quad pattern and by SPARQL; loads by named graph (a remote store raises
    ``StoreUnavailable`` when it is down or slow, never hangs)."""

    def graphs(self) -> list[str]: ...

    def __len__(self) -> int: ...

    def dump(self, fmt: RdfFormat, *, graph: str | None = None) -> bytes: ...

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult: ...

    def query_capped(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str],
        named_graphs: Sequence[str],
        result_format: ResultsFormat,
        graph_format: RdfFormat,
        max_rows: int,
        max_bytes: int,
        union_of_all_graphs: bool = False,
    ) -> CappedResult: ...

    def quads(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[Any]: ...

    def predicate_counts(self, obj: str, cap: int) -> dict[str, int]: ...

    def subjects(self, predicate: str, obj: str, *, offset: int, limit: int) -> list[Term]: ...

    def load(
        self, data: bytes, fmt: RdfFormat, *, graph: str | None = None, base_iri: str | None = None
    ) -> None: ...

    def replace_graph(self, graph: str, ntriples: bytes) -> None: ...

    def delete_graph(self, graph: str) -> None: ...
