"""``kg.union_store``: the lean store answers every triple pattern as rdflib's memory store does, in the same
order where a subject or a predicate is given."""

from __future__ import annotations

import itertools

import pytest
from rdflib import Graph, Literal, URIRef

from kg.union_store import LeanGraph, union_graph


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


def test_objects_subjects_and_values_are_rdflib_s(pair: tuple[Graph, Graph]) -> None:
    """The shortcuts for a bound subject and predicate (or predicate and object), in the same order; the
    other forms (a path, a list, unique, a free term) go rdflib's way."""
    memory, lean = pair
    absent = URIRef("urn:absent")
    for s, p, o in [*list(memory)[::53], (absent, absent, absent)]:
        assert list(lean.objects(s, p)) == list(memory.objects(s, p))
        assert list(lean.subjects(p, o)) == list(memory.subjects(p, o))
        assert lean.value(s, p) == memory.value(s, p) and lean.value(None, p, o) == memory.value(None, p, o)
        assert sorted(lean.objects(s, None)) == sorted(memory.objects(s, None))
        assert sorted(lean.objects([s, s], p, unique=True)) == sorted(memory.objects([s, s], p, unique=True))
        assert sorted(lean.subjects(p / p, None)) == sorted(memory.subjects(p / p, None))  # a path


def test_absent_terms_give_nothing(pair: tuple[Graph, Graph]) -> None:
    _, lean = pair
    s, p, o = next(iter(lean))
    absent = URIRef("urn:absent")
    for pattern in ((absent, None, None), (s, absent, None), (None, absent, o), (None, None, absent)):
        assert list(lean.triples(pattern)) == []
    assert (s, p, o) in lean and (s, p, absent) not in lean


def test_removed_triples_are_gone_from_every_pattern(graph: Graph) -> None:
    memory, lean = Graph(), union_graph()
    for triple in graph:
        memory.add(triple)
        lean.add(triple)
    s, p, o = next(iter(lean))
    for pattern in ((s, p, o), (None, p, None), (s, None, None)):  # a triple, a predicate, a subject
        memory.remove(pattern)
        lean.remove(pattern)
        assert len(lean) == len(memory)
        assert set(lean) == set(memory)
        for found in ((s, None, None), (None, p, None), (None, None, o)):
            assert sorted(lean.triples(found)) == sorted(memory.triples(found))
    lean.add((s, p, o))  # added again after its removal
    assert (s, p, o) in lean and len(lean) == len(memory) + 1


def test_the_lean_graph_adds_without_rdflib_s_checks() -> None:
    lean = union_graph()
    assert isinstance(lean, LeanGraph)
    triple = (URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o"))
    assert lean.add(triple) is lean and list(lean) == [triple]


def test_a_property_path_is_followed_as_in_rdflib(pair: tuple[Graph, Graph]) -> None:
    memory, lean = pair
    s, p, o = next(t for t in memory if any(memory.triples((t[2], None, None))))
    q = next(memory.predicates(o))
    assert sorted(lean.objects(s, p / q)) == sorted(memory.objects(s, p / q)) != []


def test_extend_is_adding_each_triple_after_the_graph_s_own(graph: Graph) -> None:
    """Two halves of the project's graph that share subjects and predicates: extending one with the other
    gives the triples, the size and the order of adding the other's triples one by one."""
    triples = list(graph)
    first, second = triples[::2] + triples[:50], triples[1::2]
    one_by_one, extended, other = LeanGraph(), LeanGraph(), LeanGraph()
    for triple in first:
        one_by_one.add(triple)
        extended.add(triple)
    for triple in second:
        other.add(triple)
        one_by_one.add(triple)
    before = list(other)
    extended.extend(other)
    assert len(extended) == len(one_by_one) == len(set(triples))
    assert list(extended) == list(one_by_one)
    for s, p, o in triples[::41]:
        for pattern in ((s, None, None), (None, p, None), (None, p, o), (s, p, None)):
            assert list(extended.triples(pattern)) == list(one_by_one.triples(pattern)), pattern
    # the other graph is left as it was, and shares no index with the extended one
    s, p, _ = second[0]
    extended.add((s, p, URIRef("https://example.org/added")))
    extended.remove((s, None, None))
    assert len(other) == len(set(second)) and list(other) == before


def test_one_value_then_more_then_one_again_keep_rdflib_s_order() -> None:
    """A subject's one object for a predicate (and a predicate and object's one subject) is kept as itself,
    more in a dict: going from one to more and back keeps the order and the equality of rdflib's terms (a
    literal and an IRI of the same text are two terms)."""
    s, p = URIRef("urn:s"), URIRef("urn:p")
    a, b, c, iri = Literal("a"), Literal("b"), Literal("b", lang="en"), URIRef("a")
    memory, lean = Graph(), union_graph()
    steps = ["+a", "+a", "+iri", "+b", "+c", "-a", "-c", "+a", "-iri", "-b", "+b", "-a", "-b"]
    for step in steps:
        o = {"a": a, "b": b, "c": c, "iri": iri}[step[1:]]
        for graph in (memory, lean):
            (graph.add if step[0] == "+" else graph.remove)((s, p, o))
        assert list(lean.objects(s, p)) == list(memory.objects(s, p)), step
        # rdflib's memory store keeps an object's place once its last subject is gone (as the removal test)
        assert sorted(lean.triples((None, p, None))) == sorted(memory.triples((None, p, None))), step
        assert list(lean.subjects(p, o)) == list(memory.subjects(p, o)) and len(lean) == len(memory), step
    assert len(lean) == 0 and list(lean.triples((None, None, None))) == []
