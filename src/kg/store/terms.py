"""Terms, results and RDF syntaxes, read and written with pyoxigraph's parsers and serialisers.

Shared by both stores: the embedded store (``kg.store.embedded``) gets pyoxigraph terms from its engine; the
remote store (``kg.store.remote``) gets SPARQL results and RDF over HTTP and reads them here. No store is
opened in this module."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.textfiles import open_chained

OX_RDF = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.JSONLD: ox.RdfFormat.JSON_LD,
    RdfFormat.RDFXML: ox.RdfFormat.RDF_XML,
    RdfFormat.TRIG: ox.RdfFormat.TRIG,
    RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
}
OX_RESULTS = {
    ResultsFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultsFormat.XML: ox.QueryResultsFormat.XML,
    ResultsFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultsFormat.TSV: ox.QueryResultsFormat.TSV,
}
_POSITION = re.compile(r"(?:at|on line) (\d+):(\d+)")
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
            return as_bytes(ox.serialize(self.triples, format=OX_RDF[fmt]))
        if not isinstance(fmt, ResultsFormat):
            raise QueryError(f"a {self.kind} result cannot be written as {fmt.label}")
        if self.kind == "boolean":
            doc = b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false")
            parsed = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
            return as_bytes(parsed.serialize(format=OX_RESULTS[fmt]))
        solutions = _solutions(self.variables, self.rows)
        return as_bytes(solutions.serialize(format=OX_RESULTS[fmt]))

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
                {v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows
            ]
        },
    }
    parsed = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def as_bytes(data: bytes | None) -> bytes:
    assert data is not None  # pyoxigraph returns the bytes when no output file is given
    return data


def display(term: Term) -> str:
    """A term as a person reads it: the IRI, the literal's lexical form, ``_:id`` for blank nodes."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


def parse_to_nquads(data: bytes, fmt: RdfFormat, *, graph: str | None, base_iri: str | None) -> bytes:
    """Parse without a Store (it canonicalises literals: nonNegativeInteger offsets became integer)."""
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    try:
        parsed = ox.parse(data, format=OX_RDF[fmt], base_iri=base_iri)
        quads = [ox.Quad(q.subject, q.predicate, q.object, _graph_or(q, target)) for q in parsed]
    except SyntaxError as exc:
        raise StoreError(f"cannot load {fmt.label}: {exc}") from exc
    return as_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


def _graph_or(quad: Any, target: Any) -> Any:
    name = getattr(quad, "graph_name", None)
    return target if name is None or isinstance(name, ox.DefaultGraph) else name


def collect(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return QueryResult("graph", triples=tuple(result))
    variables = tuple(v.value for v in result.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in result)
    return QueryResult("solutions", variables=variables, rows=rows)


def syntax_error(exc: SyntaxError) -> QueryError:
    match = _POSITION.search(str(exc))
    line, column = (int(match[1]), int(match[2])) if match else (None, None)
    return QueryError(f"SPARQL syntax error: {one_line(str(exc))}", line=line, column=column)


def one_line(message: str, limit: int = 200) -> str:
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


def capped_solutions(
    result: ox.QuerySolutions, fmt: ResultsFormat, max_rows: int, max_bytes: int
) -> CappedResult:
    """Solutions in SPARQL 1.1 Query Results JSON (then ``fmt``), cut at ``max_rows`` rows and ``max_bytes``.

    The same bytes and the same cut as :func:`capped_bindings` over :func:`term_json` (the remote store's
    path, and a test holds them equal), written as text term by term: building a dictionary per term and
    ``json.dumps`` of the whole was two thirds of the Python cost of a point lookup (issue 12).
    """
    names = [v.value for v in result.variables]
    keys = [_json_string(name) + ":" for name in names]
    uri_heads = [key + '{"type":"uri","value":' for key in keys]
    weights = [len(name) + 40 for name in names]  # capped_bindings' size estimate, per bound term
    first_bound = [-1] * len(names)  # the first row binding each variable, for ``unbound``
    unseen = len(names)  # variables no row has bound yet: once none, the check per term is skipped
    named_node = ox.NamedNode
    rows: list[str] = []
    size, truncated = 0, False
    for solution in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        parts: list[str] = []
        # Iterating a solution gives its terms in variable order (None when unbound), 5x faster than indexing.
        for index, term in enumerate(solution):
            if term is None:
                continue
            if type(term) is named_node:  # most terms: written here, in one string, without a call
                value = term.value
                parts.append(f"{uri_heads[index]}{_json_string(value)}}}")
                size += weights[index] + len(value)
            else:
                text, value_size = _term_text(term)
                parts.append(keys[index] + text)
                size += weights[index] + value_size
            if unseen and first_bound[index] < 0:
                first_bound[index] = len(rows)
                unseen -= 1
        if size > max_bytes:
            truncated = True
            break
        rows.append("{" + ",".join(parts) + "}")
    head = '{"head":{"vars":[' + ",".join(_json_string(name) for name in names) + ']},"results":{"bindings":['

    def render(count: int) -> bytes:
        data = (head + ",".join(rows[:count]) + "]}}").encode()
        if fmt is ResultsFormat.JSON:
            return data
        parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return as_bytes(parsed.serialize(format=OX_RESULTS[fmt]))

    fitted = _fit("solutions", render, len(rows), truncated, max_bytes)
    # As capped_bindings: variables bound in no row of a non-empty answer (X-KG-Unbound).
    kept = fitted.rows
    unbound = tuple(n for n, first in zip(names, first_bound, strict=True) if kept and not 0 <= first < kept)
    return CappedResult(fitted.kind, fitted.body, kept, fitted.truncated, unbound)  # not replace(): 3x dearer


_json_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term_text(term: Term) -> tuple[str, int]:
    """A term as :func:`term_json` then ``json.dumps(ensure_ascii=False, separators=(",", ":"))`` write it,
    and the length of its ``value`` as ``capped_bindings`` counts it."""
    if isinstance(term, ox.NamedNode):
        value = term.value
        return '{"type":"uri","value":' + _json_string(value) + "}", len(value)
    if isinstance(term, ox.Literal):
        value = term.value
        text = '{"type":"literal","value":' + _json_string(value)
        if term.language:
            if getattr(term, "direction", None) is None:
                return text + ',"xml:lang":' + _json_string(term.language) + "}", len(value)
        elif (datatype := term.datatype.value) != _XSD_STRING:
            return text + ',"datatype":' + _json_string(datatype) + "}", len(value)
        else:
            return text + "}", len(value)
    found = term_json(term)  # blank nodes, triple terms, directional literals: rare
    return json.dumps(found, ensure_ascii=False, separators=(",", ":")), len(str(found["value"]))


def capped_bindings(
    names: list[str],
    rows: Iterable[dict[str, dict[str, Any]]],
    fmt: ResultsFormat,
    max_rows: int,
    max_bytes: int,
) -> CappedResult:
    """Bindings in SPARQL 1.1 Query Results JSON form, cut at ``max_rows`` rows and ``max_bytes`` bytes."""
    bindings: list[dict[str, dict[str, Any]]] = []
    size, truncated = 0, False
    for binding in rows:
        if len(bindings) >= max_rows:
            truncated = True
            break
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
        return as_bytes(parsed.serialize(format=OX_RESULTS[fmt]))

    fitted = _fit("solutions", render, len(bindings), truncated, max_bytes)
    kept = bindings[: fitted.rows]
    # Variables bound in no row of a non-empty answer: e.g. an aggregate whose evaluation failed, which
    # SPARQL 1.1 Query §11.6 answers as unbound, not as an error. The answer says so (X-KG-Unbound).
    unbound = tuple(n for n in names if kept and not any(n in row for row in kept))
    return replace(fitted, unbound=unbound)


def capped_triples(
    result: Iterable[ox.Triple], fmt: RdfFormat, max_rows: int, max_bytes: int
) -> CappedResult:
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
        lambda rows: as_bytes(ox.serialize(kept[:rows], format=OX_RDF[fmt])),
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


def term_json(term: Term) -> dict[str, Any]:
    """A term in SPARQL 1.1 Query Results JSON §3.2.2 (plus SPARQL 1.2 triple terms and base direction)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if getattr(term, "direction", None) is not None:
            out["its:dir"] = str(term.direction)
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


# What a remote store sends back (kg.store.remote), read into the same terms the embedded store gives.
_BNODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


def wire_bindings(doc: Any) -> tuple[list[str], list[dict[str, dict[str, Any]]]]:
    """Variables and bindings of a SPARQL 1.1 Query Results JSON document, as the embedded store writes them.

    Virtuoso 7 writes ``typed-literal`` (the 2008 draft's type) and blank nodes ``nodeID://b1`` (not a blank
    node label of SPARQL 1.1 Query §19.8): both are read as the recommendation's forms.
    """
    try:
        names = [str(n) for n in doc["head"].get("vars", [])]
        rows = doc["results"]["bindings"]
        out: list[dict[str, dict[str, Any]]] = []
        for row in rows:
            binding: dict[str, dict[str, Any]] = {}
            for name, term in row.items():
                term = dict(term)
                if term.get("type") == "typed-literal":
                    term["type"] = "literal"
                elif term.get("type") == "bnode":
                    term["value"] = _BNODE_LABEL.sub("_", str(term["value"])) or "b"
                binding[name] = term
            out.append(binding)
    except (KeyError, TypeError, AttributeError) as exc:
        raise QueryError(f"the store sent a malformed SPARQL JSON result ({exc!r})") from None
    return names, out


def solutions_from_bindings(names: list[str], rows: list[dict[str, dict[str, Any]]]) -> QueryResult:
    doc = {"head": {"vars": names}, "results": {"bindings": rows}}
    try:
        parsed = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        raise QueryError(one_line(f"the store sent a result that cannot be read: {exc}")) from None
    assert isinstance(parsed, ox.QuerySolutions)
    return collect(parsed)


def parse_triples(data: bytes, fmt: RdfFormat) -> list[ox.Triple]:
    """The triples of an RDF text (a remote CONSTRUCT or DESCRIBE answer)."""
    try:
        return [q.triple for q in ox.parse(data, format=OX_RDF[fmt])]
    except SyntaxError as exc:
        raise QueryError(one_line(f"the store sent RDF that cannot be read: {exc}")) from None


def make_quad(subject: Term, predicate: Term, obj: Term, graph: Term | None) -> ox.Quad:
    """A quad from looked-up terms (``graph`` None: the default graph), as ``KgStore.quads`` yields."""
    name = graph if isinstance(graph, ox.NamedNode | ox.BlankNode) else ox.DefaultGraph()
    assert isinstance(predicate, ox.NamedNode) and not isinstance(subject, ox.Literal)
    return ox.Quad(subject, predicate, obj, name)


def named_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def sparql_term(term: Term | str) -> str | None:
    """A term written in SPARQL syntax (a str is an IRI), or None for one that cannot be written (a blank
    node, an IRI with characters IRIREF excludes, SPARQL 1.1 Query §19.8): looked up, it matches nothing."""
    if isinstance(term, str):
        term = ox.NamedNode(term) if not re.search(r'[\x00-\x20<>"{}|^`\\]', term) else ox.BlankNode()
    return None if isinstance(term, ox.BlankNode) else str(term)


def rewritten(ntriples_by_graph: dict[str, bytes], fmt: RdfFormat) -> bytes:
    """N-Triples of named graphs in one RDF syntax: their quads (dataset formats) or the union of triples."""
    quads: list[ox.Quad] = []
    try:
        for graph, data in ntriples_by_graph.items():
            name = ox.NamedNode(graph)
            quads += (
                ox.Quad(t.subject, t.predicate, t.object, name)
                for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
            )
    except SyntaxError as exc:
        raise StoreError(one_line(f"the store sent N-Triples that cannot be read: {exc}")) from None
    if fmt.supports_datasets:
        return as_bytes(ox.serialize(quads, format=OX_RDF[fmt]))
    return as_bytes(ox.serialize(list(dict.fromkeys(q.triple for q in quads)), format=OX_RDF[fmt]))


def graph_quads(ntriples: bytes, graph: str) -> list[ox.Quad]:
    """The triples of an N-Triples text as quads of ``graph`` (a remote store's Graph Store ``GET``)."""
    name = ox.NamedNode(graph)
    try:
        return [
            ox.Quad(t.subject, t.predicate, t.object, name)
            for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        ]
    except SyntaxError as exc:
        raise StoreError(one_line(f"the store sent N-Triples that cannot be read: {exc}")) from None


def graphs_in(nquads: Path | Sequence[Path]) -> dict[str, bytes]:
    """An N-Quads file (or files read as one) as N-Triples per graph ("" for the default graph), for Graph
    Store PUTs. Quads are read as a stream and kept as text, a few times smaller than terms (the file's
    graphs come in any order).

    :raises StoreError: a syntax error or an unreadable file.
    """
    by_graph: dict[str, list[str]] = {}
    files = [nquads] if isinstance(nquads, Path) else list(nquads)
    try:
        with open_chained(files) as stream:
            for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
                graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
                by_graph.setdefault(graph, []).append(f"{quad.triple} .\n")  # its N-Triples form
    except (SyntaxError, OSError) as exc:
        where = files[0] if len(files) == 1 else files[0].parent if files else "no file"
        raise StoreError(one_line(f"{where}: cannot load N-Quads: {exc}")) from None
    return {graph: "".join(lines).encode() for graph, lines in by_graph.items()}


def graphs_of(nquads: bytes) -> dict[str, bytes]:
    """N-Quads split into N-Triples per named graph ("" for the default graph), for Graph Store PUTs."""
    by_graph: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            by_graph.setdefault(name, []).append(quad.triple)
    except SyntaxError as exc:
        raise StoreError(one_line(f"cannot load N-Quads: {exc}")) from None
    return {g: as_bytes(ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES)) for g, ts in by_graph.items()}
