"""``CachedGraph`` answers as rdflib's own graph does, after every kind of write, and pyshacl reports the
same on cached graphs as on plain ones: on every shapes fixture, whole and by focus nodes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.paths import Path as RdfPath

from kg.assets import load_shapes
from kg.graph_cache import CachedGraph
from kg.report import Report, Violation, read_report
from kg.validate import _pyshacl, validate_focus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "shapes"))
from test_shapes import CONFORMING, VIOLATING, fixture_graph  # noqa: E402

EX = "http://example.org/"
A, B, C, P, Q = (URIRef(EX + n) for n in ("a", "b", "c", "p", "q"))


def _objects(graph: Graph) -> list[object]:
    return sorted(graph.objects(A, P), key=str)


def test_answers_follow_every_write() -> None:
    graph = CachedGraph()
    assert _objects(graph) == [] and (A, P, B) not in graph
    graph.add((A, P, B))
    assert _objects(graph) == [B] and (A, P, B) in graph
    graph.addN([(A, P, C, graph)])
    assert _objects(graph) == [B, C]
    graph.remove((A, P, B))
    assert _objects(graph) == [C]
    graph.set((A, P, Literal(1)))
    assert _objects(graph) == [Literal(1)]
    graph += [(A, P, B)]
    assert _objects(graph) == [Literal(1), B]
    graph -= [(A, P, B)]
    graph.parse(data=f"<{EX}a> <{EX}p> <{EX}c> .", format="nt")
    assert _objects(graph) == [Literal(1), C]
    assert graph.value(A, P, any=True) in (Literal(1), C) and len(graph) == 2


def test_property_paths_and_repeated_patterns() -> None:
    graph = CachedGraph()
    graph.add((A, P, B))
    graph.add((B, Q, C))
    path: RdfPath = P / Q
    assert list(graph.objects(A, path)) == [C]
    assert list(graph.triples((A, None, None))) == list(graph.triples((A, None, None))) == [(A, P, B)]
    graph.remove((B, Q, None))
    assert list(graph.objects(A, path)) == []


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def _copy(graph: Graph, into: Graph) -> Graph:
    for triple in graph:
        into.add(triple)
    for prefix, namespace in graph.namespaces():
        into.bind(prefix, namespace, override=True)
    return into


def _results(report: Report) -> tuple[bool, list[Violation]]:
    return report.conforms, sorted(report.results, key=repr)


@pytest.mark.parametrize("path", CONFORMING + VIOLATING, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pyshacl_reports_the_same_on_cached_graphs(path: Path, shapes: Graph) -> None:
    plain = fixture_graph(path)
    cached = _copy(plain, CachedGraph())
    plain_report = read_report(_pyshacl(plain, _copy(shapes, Graph())), plain)
    cached_report = read_report(_pyshacl(cached, _copy(shapes, CachedGraph())), cached)
    assert _results(cached_report) == _results(plain_report)
    assert plain_report.conforms == (path.parent.name == "conforming")
    focus = {s for s in plain.subjects() if isinstance(s, URIRef)}
    # validate_focus reuses one cached shapes graph across calls, adding and removing its targets.
    by_focus = [validate_focus(graph, focus, shapes, engine="pyshacl") for graph in (plain, cached)]
    assert _results(by_focus[0]) == _results(by_focus[1])
