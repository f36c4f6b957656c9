"""Validate a graph with the project's SHACL shapes: the only module that imports pyshacl.

Safety (shared/reference/security.md §2): the shapes graph is always passed explicitly, so shapes embedded
in data are never run; only rdflib graphs we parsed ourselves are passed, never strings (pyshacl would open
them as files or URLs); no inference, no SHACL-AF, no JS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, Literal

import pyshacl.shape
from pyshacl import validate as _pyshacl_validate
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.rdfutil.clone import clone_blank_node
from rdflib import BNode, Dataset, Graph, URIRef, plugin
from rdflib import Literal as RdfLiteral
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Identifier, Node

from kg.assets import load_shapes
from kg.errors import QueryError, StoreError
from kg.formats import RdfFormat
from kg.graph_cache import CachedGraph
from kg.report import Report, read_report
from kg.shacl_core import Compiled, compile_shapes
from kg.shacl_focus import focus_shapes, targeted
from kg.shacl_sparql import Result, run, split_shapes
from kg.shacl_terms import TermCheck, check_terms, disagreement
from kg.store import KgStore
from kg.union_store import LeanGraph
from kg.vocab import RDF, SH

# Who evaluates the SHACL-SPARQL constraints: pyoxigraph (kg.shacl_sparql, the default) or pyshacl alone (the
# reference the tests compare the first with).
Engine = Literal["oxigraph", "pyshacl"]


@lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class PreparedProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each query text once per process (a prepared query, reused).

    pyshacl hands rdflib the text of each SHACL-SPARQL constraint at every run, and parsing it was 37% of
    the time of a ``kg add`` or of one release graph's validation (pyparsing). The translated query does
    not depend on the graph or the bindings, which rdflib's own ``prepareQuery`` relies on.
    """

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Identifier] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            strOrQuery = _prepared(strOrQuery, base, namespaces)
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


# The processor every rdflib query of this process uses under the name "sparql" (pyshacl's).
plugin.register("sparql", Processor, __name__, "PreparedProcessor")


class _Parameters(list[Any]):
    """pyshacl's list of constraint parameters, tested for membership by hash instead of one by one.

    pyshacl 0.40.1 (``Shape.validate``) tests each predicate of a shape with ``p in`` this list every time
    it evaluates the shape, on every value node of a nested shape too: 16 million ``URIRef.__eq__`` calls,
    12% of a profiled ``kg validate`` at 10^5 triples. The list is the same, in the same order; only ``in``
    is faster.
    """

    def __init__(self, parameters: list[Any]) -> None:
        super().__init__(parameters)
        self._set = frozenset(parameters)

    def __contains__(self, item: object) -> bool:
        return item in self._set


# Read by pyshacl.shape.Shape.validate, which sets it from the same two values when it is missing.
pyshacl.shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
    _Parameters(ALL_CONSTRAINT_PARAMETERS),
    CONSTRAINT_PARAMETERS_MAP,
)


def data_graph(dataset: Dataset | Graph) -> Graph:
    """The union of a dataset's graphs (what queries see), as one rdflib graph."""
    if not isinstance(dataset, Dataset):
        return dataset
    graph = CachedGraph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _pyshacl(data: Graph, shapes: Graph) -> Graph:
    """pyshacl with the safe settings: explicit shapes, no inference, no SHACL-AF or JS, bounded depth."""
    _, report_graph, _ = _pyshacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        js=False,
        abort_on_first=False,
        allow_warnings=True,
        max_validation_depth=15,
        inplace=True,
    )
    if not isinstance(report_graph, Graph):  # pyshacl's ValidationFailure: the shapes themselves are wrong
        raise ValueError(f"the shapes cannot be run: {report_graph}")
    return report_graph


def _run(
    data: Graph,
    shapes: Graph,
    focus: set[URIRef] | None,
    engine: Engine,
    store: KgStore | None = None,
    terms: TermCheck | None = None,
) -> Report:
    """``shapes`` on ``data`` (on ``focus`` only, when given): pyshacl runs the shapes, except the SPARQL
    constraints ``kg.shacl_sparql`` runs on a pyoxigraph ``store`` holding ``data`` (built if not given),
    and the core constraints ``kg.shacl_core`` confirms there when no focus node may violate them."""
    if engine == "oxigraph":
        split = split_shapes(shapes)
        core = compile_shapes(split.shapes)
        if store is None and (split.constraints or core.query is not None):
            store = _store(data)
        if store is not None:
            if _core_conforms(core, split.shapes, data, store, focus, terms):
                # pyshacl runs what is left, if anything (its report of no shape: conforms, no result)
                report = _focused(data, core.shapes, focus) if core.pyshacl_needed else _conforming()
            else:  # a node may violate a compiled shape (rare): pyshacl evaluates every shape, as before
                report = _focused(data, split.shapes, focus)
            _add_results(report, run(split.constraints, data, store, focus), data)
            return read_report(report, data)
    return read_report(_focused(data, shapes, focus), data)


def _core_conforms(
    core: Compiled,
    shapes: Graph,
    data: Graph,
    store: KgStore,
    focus: set[URIRef] | None,
    terms: TermCheck | None = None,
) -> bool:
    """Whether no focus node (of ``focus``, when given) may violate a shape ``core`` compiled from ``shapes``:
    the terms of ``data`` read alike in rdflib and Oxigraph (``kg.shacl_terms``) and the compiled query names
    none of them (``terms``: what ``kg.shacl_terms.check_terms`` finds in ``data``, when the caller knows)."""
    if core.query is None:
        return True
    terms = terms if terms is not None else check_terms(data)
    if disagreement(terms, core.integer_ends, core.same_integers) is not None:
        return False
    # With focus nodes, only they are checked, each against the shapes that select it in ``data`` (a capped
    # program's part holds the grants of every release; they are not its focus).
    query = core.query if focus is None else core.query_for(targeted(shapes, data, focus))
    if query is None:
        return True
    try:
        return not store.query(query, union=False).rows
    except QueryError:
        return False


def _conforming() -> Graph:
    """pyshacl's report when no shape selects a focus node (SHACL §3.6)."""
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, RdfLiteral(True)))
    return report


def _focused(data: Graph, shapes: Graph, focus: set[URIRef] | None) -> Graph:
    """pyshacl's report of ``shapes`` on ``data``, on ``focus`` only when given (:func:`focus_shapes`)."""
    if isinstance(data, LeanGraph):  # pyshacl reads the same patterns again and again: kg.graph_cache
        cached = CachedGraph()
        cached += data
        data = cached
    if focus is None:
        return _pyshacl(data, shapes)
    with focus_shapes(shapes, data, focus) as narrowed:
        return _pyshacl(data, narrowed)


def _store(data: Graph) -> KgStore | None:
    """A pyoxigraph store holding ``data`` (None when Oxigraph refuses a term rdflib took: pyshacl alone)."""
    store = KgStore()
    try:
        store.load(data.serialize(format="nt", encoding="utf-8"), RdfFormat.NTRIPLES)
    except StoreError:
        return None
    return store


def _add_results(report: Graph, results: list[Result], data: Graph) -> None:
    """Write ``results`` into pyshacl's ``report`` as pyshacl writes its own (SHACL §3.6; blank nodes of the
    data are copied with their ids, so that ``read_report`` describes them alike)."""
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    if any(r.severity not in (SH.Info, SH.Warning) for r in results):  # allow_warnings=True, as in _pyshacl
        report.set((node, SH.conforms, RdfLiteral(False)))
    for result in results:
        entry = BNode()
        report.add((node, SH.result, entry))
        report.add((entry, RDF.type, SH.ValidationResult))
        report.add((entry, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((entry, SH.sourceShape, result.shape))
        report.add((entry, SH.resultSeverity, result.severity))
        report.add((entry, SH.focusNode, _copied(result.focus, data, report)))
        if result.value is not None:
            report.add((entry, SH.value, _copied(result.value, data, report)))
        if result.path is not None:
            report.add((entry, SH.resultPath, _copied(result.path, data, report)))
        report.add((entry, SH.sourceConstraint, result.constraint))
        for message in result.messages:
            report.add((entry, SH.resultMessage, message))


def _copied(term: Node, data: Graph, report: Graph) -> Node:
    return clone_blank_node(data, term, report, keepid=True) if isinstance(term, BNode) else term


def validate(data: Dataset | Graph, shapes: Graph | None = None, *, engine: Engine = "oxigraph") -> Report:
    """Validate ``data`` (its union if a dataset) against ``shapes`` (default: the project's shapes); the
    SHACL-SPARQL constraints run on pyoxigraph, or with ``engine="pyshacl"`` in pyshacl (same results)."""
    return _run(data_graph(data), shapes if shapes is not None else load_shapes(), None, engine)


def validate_focus(
    data: Graph,
    focus_nodes: Iterable[URIRef],
    shapes: Graph | None = None,
    *,
    engine: Engine = "oxigraph",
    store: KgStore | None = None,
    terms: TermCheck | None = None,
) -> Report:
    """Validate only ``focus_nodes`` of ``data``: the nodes a change touches, against every shape.

    The time depends on the focus nodes and on ``data``, not on the whole graph: pass a data graph holding
    the new nodes and only the existing ones the shapes read (``kg.add`` builds it). Each shape keeps its
    targets among the focus nodes only (:func:`focus_shapes`); everything a shape reaches from a focus node
    (``sh:node``, ``sh:or``, ``sh:qualifiedValueShape`` ...) is checked as in a whole-graph validation.

    pyshacl 0.40.1 has a ``focus_nodes`` option, but it is not used here: it filters the focus nodes of
    nested shapes too, so a value that is not itself a focus node (any literal, a linked node) is skipped as
    if it conformed: ``sh:qualifiedMaxCount 1`` of English names then fails on a node with an English and a
    French name, and an ``sh:node`` violation of a linked node is missed.
    Same safety settings and ``engine`` as :func:`validate`; ``data`` is validated in place, never copied.
    ``store``, when given, holds the triples of ``data`` in its default graph (read from the same text: it
    saves serialising ``data`` for pyoxigraph). ``terms``, when given, is what ``kg.shacl_terms.check_terms``
    finds in ``data`` (``kg.validate_parts`` reads the reference graph's literals once).

    :raises ValueError: when there is no focus node.
    """
    nodes = set(focus_nodes)
    if not nodes:
        raise ValueError("validate_focus needs at least one focus node")
    return _run(data, shapes if shapes is not None else load_shapes(), nodes, engine, store, terms)
