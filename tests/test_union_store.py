"""``kg.union_store``: the lean store answers every triple pattern as rdflib's memory store does, in the same
order where a subject or a predicate is given."""

from __future__ import annotations

import itertools

import pytest
from rdflib import Graph, URIRef

from kg.union_store import union_graph


@pytest.fixture(scope="module")
def pair(graph: Graph) -> tuple[Graph, Graph]:
    """The project's union graph, in rdflib's memory store and in the lean store, filled in the same order."""
    memory, lean = Graph(), union_graph()
    for triple in graph:
        memory.add(triple)
        lean.add(triple)
    lean.add(next(iter(graph)))  # a triple given twice is there once
    return memory, lean


def test_same_size(pair: tuple[Graph, Graph]) -> None:
    memory, lean = pair
    assert len(lean) == len(memory) > 1000


def test_every_pattern_gives_the_same_triples(pair: tuple[Graph, Graph]) -> None:
    memory, lean = pair
    sample = list(memory)[::97]
    for s, p, o in sample:
        for mask in itertools.product((True, False), repeat=3):
            s_, p_, o_ = (t if keep else None for t, keep in zip((s, p, o), mask, strict=True))
            pattern = (s_, p_, o_)
            found, expected = list(lean.triples(pattern)), list(memory.triples(pattern))
            if pattern[0] is not None or pattern[1] is not None:  # the order the exports may depend on
                assert found == expected, pattern
            else:
                assert sorted(found) == sorted(expected), pattern


def test_absent_terms_give_nothing(pair: tuple[Graph, Graph]) -> None:
    _, lean = pair
    s, p, o = next(iter(lean))
    absent = URIRef("urn:absent")
    for pattern in ((absent, None, None), (s, absent, None), (None, absent, o), (None, None, absent)):
        assert list(lean.triples(pattern)) == []
    assert (s, p, o) in lean and (s, p, absent) not in lean
