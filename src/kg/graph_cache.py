"""An rdflib graph that remembers the answers of its triple patterns until it changes.

pyshacl asks the same few patterns again and again: every time a nested shape (``sh:or``, ``sh:node``,
``sh:qualifiedValueShape`` ...) is evaluated on a value node it reads the shape's parameters from the shapes
graph again, and it reads each value node's types and ``rdfs:subClassOf`` chain from the data graph again for
each ``sh:class``. rdflib's default (context-aware) store answers each pattern in Python, through its context
bookkeeping: ``Graph.triples`` was 30% of a profiled ``kg validate`` (10^5 triples), and keeping its answers
halved pyshacl's time there (profiled).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import Graph
from rdflib.paths import Path
from rdflib.term import Node

_Triple = tuple[Node, Node, Node]


class CachedGraph(Graph):
    """A :class:`rdflib.Graph` whose ``triples`` answers (hence ``objects``, ``value``, ``in`` ...) are kept,
    per pattern, until a triple is added or removed through the graph.

    Only the graph's own ``add``, ``addN`` and ``remove`` (which ``parse``, ``+=``, ``-=`` and ``set`` call)
    are seen: the graph must own its store (the default), never share it with another graph that writes.
    The answers are kept until the next write, so a graph read through many distinct patterns can hold up to
    about as many triples again (a release graph's part: a few thousand).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers: dict[tuple[Node | None, Node | None, Node | None], tuple[_Triple, ...]] = {}
        self._generation = 0  # a write during a read must not leave that read's stale answer behind

    def _changed(self) -> None:
        self._generation += 1
        self._answers.clear()

    def add(self, triple: Any) -> CachedGraph:
        self._changed()
        super().add(triple)
        return self

    def addN(self, quads: Iterable[Any]) -> CachedGraph:
        self._changed()
        super().addN(quads)
        return self

    def remove(self, triple: Any) -> CachedGraph:
        self._changed()
        super().remove(triple)
        return self

    def triples(self, triple: Any) -> Iterator[Any]:  # type: ignore[override]
        s, p, o = triple
        if isinstance(p, Path):  # a property path: evaluated by rdflib, through this method again
            return super().triples(triple)
        key = (s, p, o)
        found = self._answers.get(key)
        if found is None:
            generation = self._generation
            found = tuple(super().triples(key))
            if generation == self._generation:
                self._answers[key] = found
        return iter(found)


__all__ = ["CachedGraph"]
