"""The focus nodes each shape selects among the nodes a call validates (SHACL §2.1.3 core targets).

``kg add`` and ``kg validate`` validate the nodes of one release, not every node the data holds: each shape
keeps its targets among those focus nodes only. :func:`targeted` says which shape selects which of them, read
from the data in Python (a class's instances through ``rdfs:subClassOf*``); :func:`focus_shapes` hands pyshacl
a shapes graph whose targets are exactly those, and ``kg.shacl_core`` tests them in its compiled query.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.graph_cache import CachedGraph
from kg.vocab import OWL, RDF, RDFS, SH

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_CLASSES = (RDFS.Class, OWL.Class)


@dataclass(frozen=True)
class _Targeting:
    """A shapes graph without the core targets of its shapes (SHACL §2.1.3), and these targets, indexed: the
    shapes targeting a class (implicit class targets included) or a node, by target, and the shapes targeting
    the subjects or objects of a predicate, with the predicate."""

    untargeted: Graph
    by_class: Mapping[Node, tuple[Node, ...]]
    by_node: Mapping[Node, tuple[Node, ...]]
    subjects_of: tuple[tuple[Node, Node], ...]
    objects_of: tuple[tuple[Node, Node], ...]


@lru_cache(maxsize=8)
def _targeting(shapes: Graph, size: int) -> _Targeting:  # ``size`` tells a graph changed since
    if (None, SH.target, None) in shapes:
        raise ValueError("validate_focus cannot narrow SHACL-AF targets (sh:target)")
    shapes_with_targets = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    implicit = {s for c in _CLASSES for s in shapes.subjects(RDF.type, c)} & (
        set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    )
    targeted = shapes_with_targets | implicit
    by_class: dict[Node, list[Node]] = {}
    by_node: dict[Node, list[Node]] = {}
    for shape in sorted(targeted, key=str):
        for cls in [*shapes.objects(shape, SH.targetClass), *([shape] if shape in implicit else [])]:
            by_class.setdefault(cls, []).append(shape)
        for node in shapes.objects(shape, SH.targetNode):
            by_node.setdefault(node, []).append(shape)
    untargeted = CachedGraph()
    for s, p, o in shapes:
        if s not in targeted or not (p in _TARGETS or (p == RDF.type and o in _CLASSES)):
            untargeted.add((s, p, o))
    for prefix, namespace in shapes.namespaces():
        untargeted.bind(prefix, namespace, override=True)
    return _Targeting(
        untargeted,
        {c: tuple(s) for c, s in by_class.items()},
        {n: tuple(s) for n, s in by_node.items()},
        tuple(shapes.subject_objects(SH.targetSubjectsOf)),
        tuple(shapes.subject_objects(SH.targetObjectsOf)),
    )


def targeted(shapes: Graph, data: Graph, focus: set[URIRef]) -> set[tuple[Node, URIRef]]:
    """The pairs (shape, focus node) such that the shape's core targets select the node in ``data``.

    :raises ValueError: for a SHACL-AF ``sh:target``, which cannot be read this way.
    """
    targeting = _targeting(shapes, len(shapes))
    closure: dict[Node, set[Node]] = {}  # a class and its superclasses (rdfs:subClassOf*)
    pairs: set[tuple[Node, URIRef]] = set()
    for node in focus:
        for direct in data.objects(node, RDF.type):
            if direct not in closure:
                closure[direct] = {c for c in data.transitive_objects(direct, RDFS.subClassOf) if c}
            for cls in closure[direct]:
                pairs.update((shape, node) for shape in targeting.by_class.get(cls, ()))
        pairs.update((shape, node) for shape in targeting.by_node.get(node, ()))
    for shape, predicate in targeting.subjects_of:
        pairs.update((shape, n) for n in focus if (n, predicate, None) in data)
    for shape, predicate in targeting.objects_of:
        pairs.update((shape, n) for n in focus if (None, predicate, n) in data)
    return pairs


_FOCUSED = threading.Lock()


@contextmanager
def focus_shapes(shapes: Graph, data: Graph, focus: set[URIRef]) -> Iterator[Graph]:
    """``shapes`` whose shapes target only those focus nodes they target in ``data``, in a ``with`` block.

    The SHACL core targets (SHACL §2.1.3: ``sh:targetClass``, implicit class targets, ``sh:targetNode``,
    ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``) of every shape are replaced by ``sh:targetNode`` for
    each focus node they select (:func:`targeted`); a SHACL-AF ``sh:target`` cannot be narrowed, so it is
    refused. The graph is a copy of ``shapes`` without targets, made once per process, its targets indexed;
    a call's ``sh:targetNode`` triples are in it for the ``with`` block only, and one block at a time holds
    it (copying the shapes and testing every shape's targets on every focus node took 48 ms a call, a
    seventh of a release graph's validation).
    """
    added = {(shape, SH.targetNode, node) for shape, node in targeted(shapes, data, focus)}
    with _FOCUSED:
        graph = _targeting(shapes, len(shapes)).untargeted
        for triple in added:
            graph.add(triple)
        try:
            yield graph
        finally:
            for triple in added:
                graph.remove(triple)


__all__ = ["focus_shapes", "targeted"]
