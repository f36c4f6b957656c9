"""The remote store: a SPARQL 1.1 server spoken to only through its HTTP protocols (no client library).

* reads: SPARQL 1.1 Protocol §2.1 query operation (POST, ``application/x-www-form-urlencoded``), the dataset
  given as ``default-graph-uri`` / ``named-graph-uri`` (§2.1.4), so only the served graphs are reachable;
* loads: SPARQL 1.1 Graph Store HTTP Protocol §5.3 ``PUT`` (replaces one named graph in one request),
  §5.4 ``DELETE`` and §5.5 ``POST`` (merges), N-Triples bodies.

Store URLs name the server kind, which fixes its endpoints (``kg.store.endpoints``) and quirks: Oxigraph
server's ``union-default-graph`` when every graph is served; on Virtuoso, a query over every served graph
names no graph but leaves the store's others out (``kg.store.virtuoso``), its ``timeout`` and ``maxrows``
parameters, ``X-SQL-State: S1TAT`` and ``X-SPARQL-MaxRows`` on cut answers (``kg.store.replies``),
``__ASK_RETVAL`` for ASK, and its optimiser (``_IN_ORDER``). The served graphs are those whose IRI starts
with ``graph_prefix`` (``{base}graph/``): a server's own graphs are never queried.

A store that refuses connections or does not answer a lookup in time is marked down for ``retry_after_s``:
calls in that window fail at once with ``StoreUnavailable`` (HTTP 503 + ``Retry-After``), never a hang,
and the first call after it tries again, so the server recovers by itself when the store returns.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from kg.errors import QueryError, QueryTimeout, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.store.endpoints import Endpoints, query_form
from kg.store.http import StoreTimeout
from kg.store.replies import boolean, status_line
from kg.store.terms import (
    CappedResult,
    QueryResult,
    Term,
    capped_bindings,
    capped_triples,
    graph_quads,
    graphs_of,
    make_quad,
    named_node,
    parse_to_nquads,
    parse_triples,
    rewritten,
    solutions_from_bindings,
    sparql_term,
    wire_bindings,
)
from kg.store.virtuoso import LIST_GRAPHS, LISTED_MAX, StoreGraphs, refuse_graph_constants
from kg.store.wire import JSON, NTRIPLES, Wire

_PAGE = 10_000
_ALL_GRAPHS_S = 10.0
_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"  # from the graph index (Virtuoso: LIST_GRAPHS)
_MAX_GRAPH_BYTES = 1 << 30
# Virtuoso's optimiser spends about 10 ms per graph of the dataset on each new query text (600 ms for a
# project page's figures at 55 graphs, 20 ms with this): kg's own queries (``query``: pages, figures, counts)
# are written in a good join order, so Virtuoso takes theirs as written. Visitors' queries (``query_capped``)
# keep the optimiser.
_IN_ORDER = 'define sql:select-option "order"\n'


class RemoteStore(Wire):
    """A SPARQL 1.1 server holding the project's named graphs, behind the same methods as ``KgStore``.

    :param timeout_s: deadline of a query (``query``, ``query_capped``).
    :param lookup_timeout_s: deadline of a page's lookups (``quads``, counts, pages of subjects).
    :param load_timeout_s: deadline of one graph's upload.
    :param retry_after_s: how long a store that failed is left alone (and what ``Retry-After`` says).
    """

    def __init__(
        self,
        url: str,
        *,
        graph_prefix: str,
        timeout_s: float = 10.0,
        lookup_timeout_s: float = 5.0,
        connect_timeout_s: float = 2.0,
        load_timeout_s: float = 600.0,
        retry_after_s: int = 2,
        allow_remote: bool = False,
    ) -> None:
        self.endpoints = Endpoints.parse(url, allow_remote=allow_remote)
        self.url = url
        self.graph_prefix = graph_prefix
        self.timeout_s = timeout_s
        self.lookup_timeout_s = lookup_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.load_timeout_s = load_timeout_s
        self.retry_after_s = retry_after_s
        self._down_until = 0.0
        self._listed_at: tuple[float, StoreGraphs] = (-_ALL_GRAPHS_S, StoreGraphs((), ()))
        self._lock = threading.Lock()
        self._prefix_filter = f"FILTER(STRSTARTS(STR(?g), {json.dumps(graph_prefix)}))"

    # --- reading -------------------------------------------------------------------------------------

    def graphs(self) -> list[str]:
        """The served named graphs (IRIs starting with ``graph_prefix``), sorted."""
        return list(self._store_graphs(fresh=True).served)

    def _served(self) -> list[str]:
        """``graphs()`` as it was at most ``_ALL_GRAPHS_S`` seconds ago, or since a load through this object
        (a graph loaded by another process meanwhile is in the union of the next queries)."""
        return list(self._store_graphs().served)

    def _store_graphs(self, *, fresh: bool = False) -> StoreGraphs:
        """The store's named graphs, served and others, listed at most every ``_ALL_GRAPHS_S`` seconds (one
        more request per query otherwise; on Virtuoso a scan of the quads: 200 ms at 6,000 graphs), or since
        a load through this object. A graph loaded by someone else meanwhile shows from the next listing on:
        outside the prefix, it is left out (Virtuoso) or turns Oxigraph's union mode off from then on."""
        with self._lock:
            if not fresh and time.monotonic() - self._listed_at[0] < _ALL_GRAPHS_S:
                return self._listed_at[1]
        text = LIST_GRAPHS if self.endpoints.kind == "virtuoso" else _LIST_GRAPHS
        rows = self._select(text, (), self.lookup_timeout_s)
        found = StoreGraphs.split((str(r["g"]["value"]) for r in rows if "g" in r), self.graph_prefix)
        with self._lock:
            self._listed_at = (time.monotonic(), found)
        return found

    def _excluding(self, every: bool) -> bool:
        """True when a query over every served graph names none on Virtuoso: past ``LISTED_MAX`` graphs."""
        return every and self.endpoints.kind == "virtuoso" and len(self._store_graphs().served) > LISTED_MAX

    def _every_graph(self, sparql: str, every: bool) -> str:
        """On Virtuoso past ``LISTED_MAX`` graphs, a query over every served graph with the store's other
        graphs left out by name (kg.store.virtuoso)."""
        if not self._excluding(every):
            return sparql
        refuse_graph_constants(sparql)
        return self._store_graphs().exclusions(self.url, self.graph_prefix) + sparql

    def __len__(self) -> int:
        """Triples in the served graphs; a count past ``timeout_s`` is ``StoreTimeout`` (503), and does not
        mark the store down."""
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._prefix_filter} }}"
        try:
            reply = self._query(text, (), JSON, self.timeout_s, trips=False)
        except QueryTimeout as exc:
            raise StoreTimeout(str(exc), retry_after_s=self.retry_after_s) from None
        rows = wire_bindings(self._json(reply))[1]
        return int(rows[0]["n"]["value"]) if rows else 0

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; by default the default graph is the union of the served graphs."""
        if prefixes:
            sparql = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items()) + sparql
        virtuoso = self.endpoints.kind == "virtuoso"
        every = default_graph is None and union and (named_graphs is None or not virtuoso)
        served = self._served() if default_graph is None or named_graphs is None else []
        params = self._dataset(
            list(default_graph) if default_graph is not None else (served if union else []),
            list(named_graphs) if named_graphs is not None else served,
            every=every,
        )
        form = query_form(sparql)
        if virtuoso:
            sparql = _IN_ORDER + self._every_graph(sparql, every)
        if form in ("CONSTRUCT", "DESCRIBE"):
            reply = self._query(sparql, params, NTRIPLES, self.timeout_s, trips=False)
            return QueryResult("graph", triples=tuple(parse_triples(reply.body, RdfFormat.NTRIPLES)))
        doc = self._json(self._query(sparql, params, JSON, self.timeout_s, trips=False))
        if form == "ASK":
            return QueryResult("boolean", boolean=boolean(doc))
        return solutions_from_bindings(*wire_bindings(doc))

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
    ) -> CappedResult:
        """As ``KgStore.query_capped``; the answer is read up to about ``max_bytes`` and cut there.

        :raises QueryTimeout: the store did not answer within ``timeout_s`` (or said its time limit cut it).
        :raises StoreUnavailable: the store is down.
        """
        params = self._dataset(list(default_graph), list(named_graphs), every=union_of_all_graphs)
        sparql = self._every_graph(sparql, union_of_all_graphs)
        form = query_form(sparql)
        wire_cap = 2 * max_bytes + (1 << 20)  # the wire formats are wordier than what is kept
        if form in ("CONSTRUCT", "DESCRIBE"):
            reply = self._query(sparql, params, NTRIPLES, self.timeout_s, False, wire_cap, max_rows)
            body = reply.body[: reply.body.rfind(b"\n") + 1] if reply.cut else reply.body
            triples = parse_triples(body, RdfFormat.NTRIPLES)
            capped = capped_triples(triples, graph_format, max_rows, max_bytes)
            return capped if not reply.cut else CappedResult("graph", capped.body, capped.rows, True)
        reply = self._query(sparql, params, JSON, self.timeout_s, False, wire_cap, max_rows)
        if reply.cut:
            raise QueryError(f"the answer is over {wire_cap // 1_000_000} MB; add a LIMIT")
        doc = self._json(reply)
        if form == "ASK":
            body = QueryResult("boolean", boolean=boolean(doc)).serialize(result_format)
            return CappedResult("boolean", body, 0, False)
        names, rows = wire_bindings(doc)
        return capped_bindings(names, rows, result_format, max_rows, max_bytes)

    def quads(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[Any]:
        """Quads of the served graphs matching a pattern, fetched a page at a time as they are read."""
        terms = [sparql_term(subject) if subject else None, sparql_term(predicate) if predicate else None]
        terms.append(sparql_term(obj) if obj is not None else None)
        if any(t is None and given for t, given in zip(terms, (subject, predicate, obj), strict=True)):
            return iter(())  # a term that cannot be written in a query (a blank node) matches nothing here
        if subject is None and predicate is None and obj is None:
            return self._every_quad()
        fixed = (named_node(subject) if subject else None, named_node(predicate) if predicate else None, obj)
        return self._quads(terms[0], terms[1], terms[2], fixed)

    def _every_quad(self) -> Iterator[Any]:
        """Every served quad, one Graph Store ``GET`` per graph: linear, where paging by OFFSET is not."""
        for name in self.graphs():
            data = self._get_graph(name)
            if data is not None:
                yield from graph_quads(data, name)

    def _quads(
        self, s: str | None, p: str | None, o: str | None, fixed: tuple[Any, Any, Any]
    ) -> Iterator[Any]:
        pattern = f"{s or '?s'} {p or '?p'} {o or '?o'}"
        text = f"SELECT * WHERE {{ GRAPH ?g {{ {pattern} }} {self._prefix_filter} }}"
        offset, size = 0, 1_000  # a page reads a few quads; a full scan pages on in bigger steps
        while True:
            rows = self._select(f"{text} OFFSET {offset} LIMIT {size}", (), self.lookup_timeout_s, size)
            result = solutions_from_bindings(["s", "p", "o", "g"], rows)
            for row in result.rows:
                yield make_quad(fixed[0] or row[0], fixed[1] or row[1], fixed[2] or row[2], row[3])  # type: ignore[arg-type]
            if len(rows) < size:
                return
            offset, size = offset + size, _PAGE

    def predicate_counts(self, obj: str, cap: int) -> dict[str, int]:
        """Statements per predicate whose object is ``obj``, at most ``cap`` (as ``KgStore``)."""
        o = sparql_term(obj)
        if o is None:
            return {}
        text = (
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?p WHERE {{ GRAPH ?g {{ ?s ?p {o} }} "
            f"{self._prefix_filter} }} LIMIT {int(cap)} }} }} GROUP BY ?p"
        )
        rows = self._select(text, (), self.lookup_timeout_s)
        return {str(r["p"]["value"]): int(r["n"]["value"]) for r in rows if "p" in r and "n" in r}

    def subjects(self, predicate: str, obj: str, *, offset: int, limit: int) -> list[Term]:
        """One page of the distinct subjects of ``?s predicate obj`` in the served graphs."""
        p, o = sparql_term(predicate), sparql_term(obj)
        if p is None or o is None:
            return []
        text = (
            f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s {p} {o} }} {self._prefix_filter} }} "
            f"OFFSET {max(0, int(offset))} LIMIT {max(0, int(limit))}"
        )
        rows = self._select(text, (), self.lookup_timeout_s, max(0, int(limit)))
        return [t for (t,) in solutions_from_bindings(["s"], rows).rows if t is not None]

    def dump(self, fmt: RdfFormat, *, graph: str | None = None) -> bytes:
        """One served graph, or all of them, read by Graph Store ``GET`` (GSP §5.2), written in ``fmt``."""
        names = [graph] if graph is not None else self.graphs()
        found = {name: data for name in names if (data := self._get_graph(name)) is not None}
        return rewritten(found, fmt)

    def _get_graph(self, name: str) -> bytes | None:
        url = f"{self.endpoints.graphs}?{urlencode({'graph': name})}"
        reply = self._send("GET", url, None, {"Accept": NTRIPLES}, self.timeout_s, True, _MAX_GRAPH_BYTES)
        if reply.status == 404:
            return None
        if reply.status != 200:
            raise StoreError(f"GET of graph <{name}> failed: {status_line(reply)}")
        if reply.cut:
            raise StoreError(f"graph <{name}> is over {_MAX_GRAPH_BYTES >> 20} MB: read it from the dumps")
        return reply.body

    # --- loading (Graph Store HTTP Protocol) -------------------------------------------------------

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one named graph with N-Triples in one ``PUT`` (GSP §5.3): readers see the old graph or
        the new one, as the store's transaction for that request allows."""
        self._graph_request("PUT", graph, ntriples)

    def delete_graph(self, graph: str) -> None:
        """Remove one named graph (GSP §5.4); a graph that is not there is not an error."""
        self._graph_request("DELETE", graph, None)

    def load(
        self, data: bytes, fmt: RdfFormat, *, graph: str | None = None, base_iri: str | None = None
    ) -> None:
        """Add RDF text (as ``KgStore.load``): each of its named graphs is merged by a ``POST`` (GSP §5.5)."""
        for name, ntriples in graphs_of(parse_to_nquads(data, fmt, graph=graph, base_iri=base_iri)).items():
            if not name:
                raise StoreError("the remote store takes named graphs only; give the data a graph")
            self._graph_request("POST", name, ntriples)

    def _graph_request(self, method: str, graph: str, body: bytes | None) -> None:
        url = f"{self.endpoints.graphs}?{urlencode({'graph': graph})}"
        headers = {"Content-Type": NTRIPLES} if body is not None else {}
        with self._lock:  # the graphs listed may change: ask again
            self._listed_at = (-_ALL_GRAPHS_S, self._listed_at[1])
        reply = self._send(method, url, body, headers, self.load_timeout_s, trips=True)
        if reply.status == 404 and method == "DELETE":
            return
        if not 200 <= reply.status < 300:
            raise StoreError(f"{method} of graph <{graph}> failed: {status_line(reply)}")

    # --- the wire -----------------------------------------------------------------------------------

    def _dataset(self, default: list[str], named: list[str], *, every: bool) -> list[tuple[str, str]]:
        if self._excluding(every):
            return []  # every graph of the store, its others left out by ``_every_graph``
        if every and self.endpoints.kind == "oxigraph":
            listed = self._store_graphs()
            if not listed.others and set(listed.served) <= set(named):
                return [("union-default-graph", "")]  # same answers, one index seek per pattern (guard.py)
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
