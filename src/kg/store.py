"""The store: every SPARQL query and every quad the server reads goes through ``KgStore``; the only module
that imports pyoxigraph (a remote SPARQL 1.1 store can later stand behind the same interface)."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.jsonld import Term as PlainTerm
from kg.jsonld import compacted_jsonld

_OX_RDF = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.JSONLD: ox.RdfFormat.JSON_LD,
    RdfFormat.RDFXML: ox.RdfFormat.RDF_XML,
    RdfFormat.TRIG: ox.RdfFormat.TRIG,
    RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
}
_OX_RESULTS = {
    ResultsFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultsFormat.XML: ox.QueryResultsFormat.XML,
    ResultsFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultsFormat.TSV: ox.QueryResultsFormat.TSV,
}
_POSITION = re.compile(r"(?:at|on line) (\d+):(\d+)")
_S, _P, _O, _N = (ox.Variable(name) for name in ("s", "p", "o", "n"))
# Fixed texts for the incoming-link lookups; ?o (and ?p) are bound as terms through ``substitutions``
# (SEP-0007), which puts them in the projection. The store's default graph and every named graph count.
_EVERY_GRAPH = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
_COUNT_QUERY = (
    "SELECT ?o ?p (COUNT(*) AS ?n) WHERE { { SELECT ?o ?p WHERE { " + _EVERY_GRAPH + " } LIMIT %d } } "
    "GROUP BY ?o ?p"
)
_SUBJECTS_QUERY = "SELECT DISTINCT ?p ?o ?s WHERE { " + _EVERY_GRAPH + " } OFFSET %d LIMIT %d"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class QueryResult:
    """The answer of one query: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    kind: Literal["solutions", "boolean", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()

    def serialize(self, fmt: ResultsFormat | RdfFormat) -> bytes:
        """Write the result in a SPARQL results format (solutions, boolean) or an RDF format (graph)."""
        if self.kind == "graph":
            if not isinstance(fmt, RdfFormat):
                raise QueryError(f"a graph result cannot be written as {fmt.label}")
            return _bytes(ox.serialize(self.triples, format=_OX_RDF[fmt]))
        if not isinstance(fmt, ResultsFormat):
            raise QueryError(f"a {self.kind} result cannot be written as {fmt.label}")
        if self.kind == "boolean":
            doc = b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false")
            parsed = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
            return _bytes(parsed.serialize(format=_OX_RESULTS[fmt]))
        solutions = _solutions(self.variables, self.rows)
        return _bytes(solutions.serialize(format=_OX_RESULTS[fmt]))

    def records(self) -> list[dict[str, str]]:
        """Rows as plain strings (IRIs bare, literals by value), for tables and tests."""
        return [
            {var: display(term) for var, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]


def _solutions(variables: tuple[str, ...], rows: tuple[tuple[Term | None, ...], ...]) -> ox.QuerySolutions:
    # pyoxigraph cannot build QuerySolutions from Python values, so round-trip through SPARQL JSON.
    doc = {
        "head": {"vars": list(variables)},
        "results": {
            "bindings": [
                {v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows
            ]
        },
    }
    parsed = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def canonical_dumps(
    nquads: bytes, fmts: Iterable[RdfFormat], *, prefixes: dict[str, str]
) -> dict[RdfFormat, bytes]:
    """N-Quads in each format, blank nodes renamed by RDFC-1.0 (W3C 2024) and statements sorted: equal
    graphs give equal dumps. Triple formats carry the union; lexical forms are kept (a Store would not)."""
    fmts = tuple(fmts)
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    # Each term is written out once: these strings are the sort keys, and they tell equal triples apart.
    keyed = [((str(q.subject), str(q.predicate), str(q.object)), str(q.graph_name), q) for q in dataset]
    by_graph, union = [], []
    if any(fmt.supports_datasets for fmt in fmts):
        by_graph = [q for _, _, q in sorted(keyed, key=lambda k: (k[1], *k[0]))]
    if not all(fmt.supports_datasets and fmt is not RdfFormat.JSONLD for fmt in fmts):
        distinct = {spo: q.triple for spo, _, q in keyed}
        union = [distinct[spo] for spo in sorted(distinct)]

    def written(fmt: RdfFormat) -> bytes:  # JSON-LD: the union too, compacted with the context's prefixes
        if fmt is RdfFormat.JSONLD:
            plain = {t: _plain(t) for t in {t for triple in union for t in triple}}  # each term once
            return compacted_jsonld([tuple(map(plain.__getitem__, triple)) for triple in union], prefixes)
        quads = by_graph if fmt.supports_datasets else union
        return _bytes(ox.serialize(quads, format=_OX_RDF[fmt], prefixes=prefixes))

    return {fmt: written(fmt) for fmt in fmts}


def _plain(t: Any) -> PlainTerm:
    kind = "iri" if isinstance(t, ox.NamedNode) else "bnode" if isinstance(t, ox.BlankNode) else "literal"
    return PlainTerm(kind, t.value, *((t.datatype.value, t.language) if kind == "literal" else ()))


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # pyoxigraph returns the bytes when no output file is given
    return data


def display(term: Term) -> str:
    """A term as a person reads it: the IRI, the literal's lexical form, ``_:id`` for blank nodes."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


class KgStore:
    """A pyoxigraph store holding the named graphs of the project; queries see their union by default."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self._store = store if store is not None else ox.Store()

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> KgStore:
        """Open an on-disk store; ``read_only`` lets several processes serve one store."""
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open store at {path}: {exc}") from exc
        return cls(store)

    def __len__(self) -> int:
        return len(self._store)

    def load(
        self, data: bytes, fmt: RdfFormat, *, graph: str | None = None, base_iri: str | None = None
    ) -> None:
        """Load RDF text; triples go to ``graph`` (or the default graph), quads keep their graphs."""
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            self._store.load(data, format=_OX_RDF[fmt], base_iri=base_iri, to_graph=to_graph)
        except SyntaxError as exc:
            raise StoreError(f"cannot load {fmt.label}: {exc}") from exc

    def load_file(self, path: Path, *, graph: str | None = None, base_iri: str | None = None) -> None:
        """Load a file, guessing its format from the extension (``.gz`` is read transparently)."""
        fmt = RdfFormat.from_path(path.name)
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        try:
            self.load(data, fmt, graph=graph, base_iri=base_iri or path.resolve().as_uri())
        except StoreError as exc:
            raise StoreError(f"{path}: {exc}") from exc

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; by default the default graph is the union of all named graphs."""
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
        if default_graph is not None:
            default = [ox.NamedNode(g) for g in default_graph]
        named: list[ox.NamedNode | ox.BlankNode] | None = None
        if named_graphs is not None:
            named = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(
                sparql,
                prefixes=prefixes,
                use_default_graph_as_union=union and default is None,
                default_graph=default,
                named_graphs=named,
            )
            return _collect(result)
        except SyntaxError as exc:
            raise _syntax_error(exc) from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

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
        """Run a query on an explicit dataset and serialise at most ``max_rows`` rows / ``max_bytes`` bytes.

        Rows are pulled one at a time and pulling stops at ``max_rows + 1``, so a huge result costs only what
        is kept. The dataset is always given (a ``FROM`` in the query never widens it), or, when the caller
        checked that every graph is public and the query has no ``FROM``, ``union_of_all_graphs``.

        :raises QueryError: a syntax error (with line and column) or an evaluation error, on one line.
        """
        try:
            union: dict[str, Any] = {"use_default_graph_as_union": True}
            listed = {"default_graph": [ox.NamedNode(g) for g in default_graph]}
            listed["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            result = self._store.query(sparql, **(union if union_of_all_graphs else listed))
            if isinstance(result, ox.QueryBoolean):
                body = QueryResult("boolean", boolean=bool(result)).serialize(result_format)
                return CappedResult("boolean", body, 0, False)
            if isinstance(result, ox.QueryTriples):
                return _capped_triples(result, graph_format, max_rows, max_bytes)
            return _capped_solutions(result, result_format, max_rows, max_bytes)
        except SyntaxError as exc:
            raise _syntax_error(exc) from exc
        except (OSError, ValueError, RuntimeError, TypeError) as exc:
            raise QueryError(_one_line(f"query failed: {exc}")) from exc

    def bulk_load_file(self, path: Path) -> None:
        """Load a (possibly gzipped) RDF file quickly into an on-disk store, compact it and flush it to disk.

        The compaction (``optimize``, about 2 s per million triples) matters: a bulk-loaded store that is not
        compacted answered aggregates 1.2-1.35x slower than Oxigraph server's in benchmarks/server.
        """
        fmt = _OX_RDF[RdfFormat.from_path(path.name)]
        base = path.resolve().as_uri()
        try:
            if path.name.endswith(".gz"):
                self._store.bulk_load(gzip.decompress(path.read_bytes()), format=fmt, base_iri=base)
            else:
                self._store.bulk_load(path=str(path), format=fmt, base_iri=base)
            self._store.flush()
            self._store.optimize()
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(_one_line(f"{path}: cannot load: {exc}")) from exc

    def optimize(self) -> None:
        """Compact an on-disk store for reading: aggregates take a fifth less CPU at 1M triples."""
        try:
            self._store.optimize()
        except OSError as exc:
            raise StoreError(_one_line(f"cannot compact the store: {exc}")) from exc

    def quads(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[ox.Quad]:
        """Quads matching a pattern: never build SPARQL from a URL, look up by pattern instead."""
        s = ox.NamedNode(subject) if subject else None
        p = ox.NamedNode(predicate) if predicate else None
        return iter(self._store.quads_for_pattern(s, p, obj, None))

    def predicate_counts(self, obj: str, cap: int) -> dict[str, int]:
        """Statements per predicate whose object is ``obj``, at most ``cap``: counted by the engine (``obj``
        bound as a term), 60 ms for 100,000 links; a triple in two graphs counts twice (as :meth:`quads`)."""
        bound: dict[ox.Variable, Term] = {_O: ox.NamedNode(obj)}
        solutions = self._store.query(_COUNT_QUERY % int(cap), substitutions=bound)
        assert isinstance(solutions, ox.QuerySolutions)
        counts: dict[str, int] = {}
        for solution in solutions:
            predicate, count = solution[_P], solution[_N]
            if isinstance(predicate, ox.NamedNode) and isinstance(count, ox.Literal):
                counts[predicate.value] = int(count.value)
        return counts

    def subjects(self, predicate: str, obj: str, *, offset: int, limit: int) -> list[Term]:
        """One page of the distinct subjects of ``?s predicate obj`` in every graph, in store order."""
        query = _SUBJECTS_QUERY % (max(0, int(offset)), max(0, int(limit)))
        bound: dict[ox.Variable, Term] = {_P: ox.NamedNode(predicate), _O: ox.NamedNode(obj)}
        solutions = self._store.query(query, substitutions=bound)
        assert isinstance(solutions, ox.QuerySolutions)
        return [term for solution in solutions if (term := solution[_S]) is not None]

    def dump(self, fmt: RdfFormat, *, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (dataset formats) or one graph / the union (triple formats)."""
        if fmt.supports_datasets and graph is None:
            return _bytes(self._store.dump(format=_OX_RDF[fmt]))
        if graph is not None:
            return _bytes(self._store.dump(format=_OX_RDF[fmt], from_graph=ox.NamedNode(graph)))
        triples = {q.triple for q in self._store}
        return _bytes(ox.serialize(triples, format=_OX_RDF[fmt]))


def parse_to_nquads(data: bytes, fmt: RdfFormat, *, graph: str | None, base_iri: str | None) -> bytes:
    """Parse without a Store (it canonicalises literals: nonNegativeInteger offsets became integer)."""
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    try:
        parsed = ox.parse(data, format=_OX_RDF[fmt], base_iri=base_iri)
        quads = [ox.Quad(q.subject, q.predicate, q.object, _graph_or(q, target)) for q in parsed]
    except SyntaxError as exc:
        raise StoreError(f"cannot load {fmt.label}: {exc}") from exc
    return _bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


def _graph_or(quad: Any, target: Any) -> Any:
    name = getattr(quad, "graph_name", None)
    return target if name is None or isinstance(name, ox.DefaultGraph) else name


def _collect(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return QueryResult("graph", triples=tuple(result))
    variables = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in result)
    return QueryResult("solutions", variables=variables, rows=rows)


def _syntax_error(exc: SyntaxError) -> QueryError:
    match = _POSITION.search(str(exc))
    line, column = (int(match[1]), int(match[2])) if match else (None, None)
    return QueryError(f"SPARQL syntax error: {_one_line(str(exc))}", line=line, column=column)


def _one_line(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


@dataclass(frozen=True)
class CappedResult:
    """A serialised answer cut at a row and byte budget; ``truncated`` says whether anything was cut."""

    kind: Literal["solutions", "boolean", "graph"]
    body: bytes
    rows: int
    truncated: bool
    unbound: tuple[str, ...] = ()


def _capped_solutions(
    result: ox.QuerySolutions, fmt: ResultsFormat, max_rows: int, max_bytes: int
) -> CappedResult:
    names = [v.value for v in result.variables]
    bindings: list[dict[str, dict[str, Any]]] = []
    size, truncated = 0, False
    for solution in result:
        if len(bindings) >= max_rows:
            truncated = True
            break
        # Iterating a solution gives its terms in variable order (None when unbound), 5x faster than indexing.
        binding = {name: _term_json(t) for name, t in zip(names, solution, strict=True) if t is not None}
        size += sum(len(name) + len(str(term["value"])) + 40 for name, term in binding.items())
        if size > max_bytes:
            truncated = True
            break
        bindings.append(binding)

    def render(rows: int) -> bytes:
        doc = {"head": {"vars": names}, "results": {"bindings": bindings[:rows]}}
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
        if fmt is ResultsFormat.JSON:
            return data
        parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return _bytes(parsed.serialize(format=_OX_RESULTS[fmt]))

    fitted = _fit("solutions", render, len(bindings), truncated, max_bytes)
    kept = bindings[: fitted.rows]
    # Variables bound in no row of a non-empty answer: e.g. an aggregate whose evaluation failed, which
    # SPARQL 1.1 Query §11.6 answers as unbound, not as an error. The answer says so (X-KG-Unbound).
    unbound = tuple(n for n in names if kept and not any(n in row for row in kept))
    return replace(fitted, unbound=unbound)


def _capped_triples(result: ox.QueryTriples, fmt: RdfFormat, max_rows: int, max_bytes: int) -> CappedResult:
    kept: list[ox.Triple] = []
    size, truncated = 0, False
    for triple in result:
        if len(kept) >= max_rows:
            truncated = True
            break
        size += len(str(triple)) + 3
        if size > max_bytes:
            truncated = True
            break
        kept.append(triple)
    return _fit(
        "graph",
        lambda rows: _bytes(ox.serialize(kept[:rows], format=_OX_RDF[fmt])),
        len(kept),
        truncated,
        max_bytes,
    )


def _fit(
    kind: Literal["solutions", "graph"],
    render: Callable[[int], bytes],
    rows: int,
    truncated: bool,
    max_bytes: int,
) -> CappedResult:
    """Render ``rows`` rows, dropping rows until the body fits in ``max_bytes`` (formats differ in size)."""
    body = render(rows)
    while len(body) > max_bytes and rows > 0:
        rows = min(rows - 1, int(rows * max_bytes / len(body) * 0.9))
        body, truncated = render(rows), True
    return CappedResult(kind, body, rows, truncated)


def _term_json(term: Term) -> dict[str, Any]:
    """A term in SPARQL 1.1 Query Results JSON §3.2.2 (plus SPARQL 1.2 triple terms and base direction)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: _term_json(v) for k, v in parts.items()}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if getattr(term, "direction", None) is not None:
            out["its:dir"] = str(term.direction)
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out
