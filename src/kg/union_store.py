"""A lean rdflib store for the graphs a build makes (``kg.build_parts``): the union graph its exports read,
and each release's graph while it is built.

rdflib's ``Memory`` store keeps three indexes, every triple as a tuple and the contexts of each triple, and
its ``add`` goes through an event dispatcher: at a million triples, filling it was the slowest step of
``kg build`` in the parent process and most of its memory, and filling each release's graph most of a
worker's. The exports only read triples by pattern, the mapping adds them and removes a few; this store
keeps two indexes (subject -> predicate -> objects, predicate -> object -> subjects), no contexts, and no
events.

A pattern with a bound subject or predicate gives its triples in the order ``Memory`` gives them (insertion
order, from the same nested dictionaries), so an export that takes the first value reads the same one.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any, Self, overload

from rdflib import Graph, URIRef
from rdflib.graph import (
    _ContextType,
    _TripleOrTriplePathType,
    _TriplePathPatternType,
    _TriplePathType,
    _TriplePatternType,
    _TripleSelectorType,
    _TripleType,
)
from rdflib.paths import Path as PropertyPath
from rdflib.store import Store
from rdflib.term import Node

_Index = dict[Node, dict[Node, dict[Node, None]]]


class UnionStore(Store):
    """Triples, each once, indexed from the subject and from the predicate."""

    context_aware = False
    formula_aware = False
    graph_aware = False
    transaction_aware = False

    def __init__(self) -> None:
        super().__init__()
        self._spo: _Index = {}
        self._pos: _Index = {}
        self._size = 0
        self._namespaces: dict[str, URIRef] = {}

    def add(self, triple: _TripleType, context: _ContextType | None, quoted: bool = False) -> None:
        s, p, o = triple
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            by_predicate = self._spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        if o in objects:
            return
        objects[o] = None
        by_object = self._pos.get(p)
        if by_object is None:
            by_object = self._pos[p] = {}
        subjects = by_object.get(o)
        if subjects is None:
            subjects = by_object[o] = {}
        subjects[s] = None
        self._size += 1

    def extend(self, other: UnionStore) -> None:
        """Add the triples of ``other``, each subject's and predicate's after this store's own, as ``add``
        would; the indexes of a subject or predicate this store does not have are copied whole (a release
        graph's part of ``kg validate`` adds the reference graph's thousands of triples to each release's)."""
        for s, by_predicate in other._spo.items():
            mine = self._spo.get(s)
            if mine is None:
                self._spo[s] = {p: dict(objects) for p, objects in by_predicate.items()}
                self._size += sum(map(len, by_predicate.values()))
                continue
            for p, objects in by_predicate.items():
                ours = mine.get(p)
                if ours is None:
                    mine[p] = dict(objects)
                    self._size += len(objects)
                    continue
                for o in objects:
                    if o not in ours:
                        ours[o] = None
                        self._size += 1
        for p, by_object in other._pos.items():
            index = self._pos.get(p)
            if index is None:
                self._pos[p] = {o: dict(subjects) for o, subjects in by_object.items()}
                continue
            for o, subjects in by_object.items():
                ours = index.get(o)
                if ours is None:
                    index[o] = dict(subjects)
                else:
                    ours.update(subjects)

    def remove(self, triple_pattern: _TriplePatternType, context: _ContextType | None = None) -> None:
        for s, p, o in list(self.matches(*triple_pattern)):
            by_predicate, by_object = self._spo[s], self._pos[p]
            del by_predicate[p][o]
            if not by_predicate[p]:
                del by_predicate[p]
                if not by_predicate:
                    del self._spo[s]
            del by_object[o][s]
            if not by_object[o]:
                del by_object[o]
                if not by_object:
                    del self._pos[p]
            self._size -= 1

    def triples(  # the contexts of each triple: none, a union has no named graphs
        self, triple_pattern: _TriplePatternType, context: _ContextType | None = None
    ) -> Iterator[tuple[_TripleType, Iterator[Any]]]:
        for triple in self.matches(*triple_pattern):
            yield triple, iter(())

    def matches(self, s: Node | None, p: Node | None, o: Node | None) -> Generator[_TripleType, None, None]:
        """The triples of a pattern (None: any term); with a subject or a predicate, in rdflib's order."""
        if s is not None:
            by_predicate = self._spo.get(s, {})
            for predicate in [p] if p is not None else list(by_predicate):
                objects = by_predicate.get(predicate, {})
                for value in ([o] if o in objects else []) if o is not None else list(objects):
                    yield s, predicate, value
        elif p is not None:
            by_object = self._pos.get(p, {})
            for value in [o] if o is not None else list(by_object):
                for subject in list(by_object.get(value, {})):
                    yield subject, p, value
        else:  # no export reads by object alone: a scan does for the rare caller that does
            for subject, by_predicate in list(self._spo.items()):
                for predicate, objects in list(by_predicate.items()):
                    for value in [o] if o is not None else list(objects):
                        if value in objects:
                            yield subject, predicate, value

    def objects_of(self, s: Node, p: Node) -> Iterable[Node]:
        """The objects of a subject and a predicate, in ``matches``' order (the index's own keys)."""
        by_predicate = self._spo.get(s)
        return () if by_predicate is None else by_predicate.get(p, ())

    def subjects_of(self, p: Node, o: Node) -> Iterable[Node]:
        """The subjects of a predicate and an object, in ``matches``' order."""
        by_object = self._pos.get(p)
        return () if by_object is None else by_object.get(o, ())

    def __len__(self, context: _ContextType | None = None) -> int:
        return self._size

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        if override or prefix not in self._namespaces:
            self._namespaces[prefix] = namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return next((p for p, n in self._namespaces.items() if n == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from list(self._namespaces.items())


class LeanGraph(Graph):
    """A graph over a ``UnionStore`` that reads and writes it directly: rdflib's ``add`` checks the class of
    each term first (an ABC check, a third of the time of adding to this store), which the types check, and
    its ``triples`` reads the store's through two more generators, with an empty one for every triple."""

    def __init__(self) -> None:
        self._union = UnionStore()
        super().__init__(store=self._union)

    def add(self, triple: _TripleType) -> Self:
        self._union.add(triple, None)
        return self

    def extend(self, other: LeanGraph) -> None:
        """Add the triples of ``other`` (:meth:`UnionStore.extend`)."""
        self._union.extend(other._union)

    def objects(  # type: ignore[override]
        self, subject: Any = None, predicate: Any = None, unique: bool = False
    ) -> Iterator[Node]:
        # A subject and a predicate (how the proofs and the focus targets read a graph, value() too): the
        # index's objects, without the three generators of rdflib's path to them.
        if _general(subject, predicate, unique):
            return super().objects(subject, predicate, unique)
        return iter(list(self._union.objects_of(subject, predicate)))

    def subjects(  # type: ignore[override]
        self, predicate: Any = None, object: Any = None, unique: bool = False
    ) -> Iterator[Node]:
        if _general(object, predicate, unique):
            return super().subjects(predicate, object, unique)
        return iter(list(self._union.subjects_of(predicate, object)))

    @overload
    def triples(self, triple: _TriplePatternType) -> Generator[_TripleType, None, None]: ...

    @overload
    def triples(self, triple: _TriplePathPatternType) -> Generator[_TriplePathType, None, None]: ...

    @overload
    def triples(self, triple: _TripleSelectorType) -> Generator[_TripleOrTriplePathType, None, None]: ...

    def triples(self, triple: _TripleSelectorType) -> Generator[_TripleOrTriplePathType, None, None]:
        s, p, o = triple
        if isinstance(p, PropertyPath):  # rdflib evaluates a path through triples(): on this graph
            yield from super().triples(triple)
        else:
            yield from self._union.matches(s, p, o)


def _general(term: Any, predicate: Any, unique: bool) -> bool:
    """Whether rdflib answers ``objects``/``subjects`` itself: a free term or predicate, a list of terms, a
    property path, or only unique answers."""
    return (
        term is None
        or predicate is None
        or unique
        or isinstance(term, list)
        or isinstance(predicate, PropertyPath)
    )


def union_graph() -> Graph:
    """An empty graph over a ``UnionStore``."""
    return LeanGraph()


__all__ = ["LeanGraph", "UnionStore", "union_graph"]
