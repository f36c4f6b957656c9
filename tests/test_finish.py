"""``kg.finish``: the union graph a ``kg build --finish`` reads from a build's fragments is the union of the
graphs, each term held once however many fragments it is in, as ``kg build`` holds it."""

from __future__ import annotations

from rdflib import BNode, Dataset, URIRef

from kg.dumps import union_view
from kg.finish import _union
from kg.fragments import dataset_fragments


def test_the_union_of_the_fragments_holds_each_term_once(dataset: Dataset) -> None:
    fragments = dataset_fragments(dataset)
    union, expected = _union(fragments), union_view(dataset)
    assert len(union) == len(expected)
    named = [t for t in expected if not any(isinstance(term, BNode) for term in t)]  # new labels in fragments
    assert all(triple in union for triple in named) and len(named) > 1000
    seen: dict[object, object] = {}
    for triple in union:
        for term in triple:
            if not isinstance(term, URIRef) or term not in seen:
                seen.setdefault(term, term)
                continue
            assert seen[term] is term, term  # the same object wherever the IRI is
