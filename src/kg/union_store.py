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

_Values = Node | dict[Node, None]
"""The objects of a subject and a predicate (or the subjects of a predicate and an object): one as itself,
more as a dict's keys, in the order they were added."""
_Index = dict[Node, dict[Node, _Values]]


class UnionStore(Store):
    """Triples, each once, indexed from the subject and from the predicate.

    Most subjects have one object for a predicate, and most objects one subject for a predicate: a value
    alone is kept as itself, not in a dict of one (224 bytes each, for a pair of terms). That was two thirds
    of the union graph's memory in ``kg build``, which held 3.7 GB of it at 10^7 triples.
    """

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
        if not _put(by_predicate, p, o):
            return
        by_object = self._pos.get(p)
        if by_object is None:
            by_object = self._pos[p] = {}
        _put(by_object, o, s)
        self._size += 1

    def extend(self, other: UnionStore) -> None:
        """Add the triples of ``other``, each subject's and predicate's after this store's own, as ``add``
        would; the indexes of a subject or predicate this store does not have are copied whole (a release
        graph's part of ``kg validate`` adds the reference graph's thousands of triples to each release's)."""
        for s, by_predicate in other._spo.items():
            mine = self._spo.get(s)
            if mine is None:
                self._spo[s] = {p: _copy(objects) for p, objects in by_predicate.items()}
                self._size += sum(map(_count, by_predicate.values()))
                continue
            for p, objects in by_predicate.items():
                if p not in mine:
                    mine[p] = _copy(objects)
                    self._size += _count(objects)
                    continue
                for o in _each(objects):
                    self._size += _put(mine, p, o)
        for p, by_object in other._pos.items():
            index = self._pos.get(p)
            if index is None:
                self._pos[p] = {o: _copy(subjects) for o, subjects in by_object.items()}
                continue
            for o, subjects in by_object.items():
                if o not in index:
                    index[o] = _copy(subjects)
                    continue
                for s in _each(subjects):
                    _put(index, o, s)

    def remove(self, triple_pattern: _TriplePatternType, context: _ContextType | None = None) -> None:
        for s, p, o in list(self.matches(*triple_pattern)):
            _drop(self._spo, s, p, o)
            _drop(self._pos, p, o, s)
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
                objects = by_predicate.get(predicate)
                if objects is None:
                    continue
                for value in ([o] if _has(objects, o) else []) if o is not None else list(_each(objects)):
                    yield s, predicate, value
        elif p is not None:
            by_object = self._pos.get(p, {})
            for value in [o] if o is not None else list(by_object):
                subjects = by_object.get(value)
                for subject in [] if subjects is None else list(_each(subjects)):
                    yield subject, p, value
        else:  # no export reads by object alone: a scan does for the rare caller that does
            for subject, by_predicate in list(self._spo.items()):
                for predicate, objects in list(by_predicate.items()):
                    for value in ([o] if _has(objects, o) else []) if o is not None else list(_each(objects)):
                        yield subject, predicate, value

    def objects_of(self, s: Node, p: Node) -> Iterable[Node]:
        """The objects of a subject and a predicate, in ``matches``' order (the index's own)."""
        by_predicate = self._spo.get(s)
        objects = None if by_predicate is None else by_predicate.get(p)
        return () if objects is None else _each(objects)

    def subjects_of(self, p: Node, o: Node) -> Iterable[Node]:
        """The subjects of a predicate and an object, in ``matches``' order."""
        by_object = self._pos.get(p)
        subjects = None if by_object is None else by_object.get(o)
        return () if subjects is None else _each(subjects)

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


def _put(index: dict[Node, _Values], key: Node, value: Node) -> bool:
    """Add ``value`` to those of ``key``, after them; False when it is one of them already."""
    found = index.get(key)
    if found is None:
        index[key] = value
    elif isinstance(found, dict):
        if value in found:
            return False
        found[value] = None
    elif found == value:  # a term's equality is a dict key's (rdflib: same kind, same text, same datatype)
        return False
    else:
        index[key] = {found: None, value: None}
    return True


def _drop(index: _Index, first: Node, key: Node, value: Node) -> None:
    """Remove ``value`` (there) from those of ``first`` and ``key``, and whatever that leaves empty."""
    inner = index[first]
    found = inner[key]
    if isinstance(found, dict):
        del found[value]
        if len(found) == 1:
            inner[key] = next(iter(found))
        return
    del inner[key]
    if not inner:
        del index[first]


def _each(values: _Values) -> Iterable[Node]:
    return values if isinstance(values, dict) else (values,)


def _has(values: _Values, value: Node) -> bool:
    return value in values if isinstance(values, dict) else values == value


def _count(values: _Values) -> int:
    return len(values) if isinstance(values, dict) else 1


def _copy(values: _Values) -> _Values:
    return dict(values) if isinstance(values, dict) else values


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
