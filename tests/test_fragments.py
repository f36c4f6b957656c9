"""``kg.fragments``: a graph's fragment from plain terms is the one from rdflib's N-Triples, and the union of
the fragments is ``kg.nt`` as pyoxigraph writes it from ``kg.nq``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.fragments import (
    Fragment,
    PlainNode,
    dataset_fragments,
    fragment_name,
    graph_fragment,
    index_version,
    joined,
    plain_fragment,
    read_index,
    union_ntriples,
    write_index,
    write_union,
)
from kg.store import canonical_nquads

GRAPH = "https://example.org/graph/one"
S, P, Q = URIRef("https://example.org/s"), URIRef("https://example.org/p"), URIRef("https://example.org/q")
ODD = 'a "quoted" \\ back\nslash\r\tand é ✓ \U0001f600'  # every escape N-Triples has, and more


def _plain(term: URIRef | BNode | Literal) -> PlainNode:
    if isinstance(term, Literal):
        return (str(term), term.language, None if term.datatype is None else str(term.datatype))
    return (str(term),) if isinstance(term, BNode) else str(term)


def _graph(*, blank: bool, label: bool = False) -> Graph:
    graph = Graph()
    if label:  # a blank node label in a literal: canonicalised as if it were one
        graph.add((S, P, Literal("_:b0 is no node")))
    for value in (Literal(ODD), Literal(ODD, lang="fr-CA"), Literal("5200000.0", datatype=XSD.decimal)):
        graph.add((S, P, value))
    graph.add((S, Q, URIRef("https://example.org/o?x=1#y")))
    if blank:
        node = BNode()
        graph.add((S, Q, node))
        graph.add((node, P, Literal("inside")))
    return graph


def test_a_fragment_from_plain_terms_is_the_one_from_ntriples() -> None:
    for blank, label in ((False, False), (False, True), (True, False)):
        graph = _graph(blank=blank, label=label)
        plain = [(_plain(s), _plain(p), _plain(o)) for s, p, o in graph]
        expected = graph_fragment(GRAPH, graph.serialize(format="nt").encode())
        assert plain_fragment(GRAPH, plain + plain[:2]) == expected  # a triple given twice is there once
        assert (b"_:g" in expected) is blank


def test_canonical_nquads_without_blank_nodes_are_the_dataset_s() -> None:
    ntriples = _graph(blank=False).serialize(format="nt").encode()
    assert b"_:" not in ntriples
    dataset = ox.Dataset(ox.parse(ntriples, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected = sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines())
    assert sorted(set(canonical_nquads(ntriples + ntriples).splitlines())) == expected


def test_the_union_of_the_fragments_is_kg_nt(dataset: Dataset, tmp_path: Path) -> None:
    fragments = dataset_fragments(dataset)
    first = sorted(fragments)[-1]  # a graph repeating another's triples
    copied = fragments[first].replace(f" <{first}> .".encode(), b" .")
    fragments["https://example.org/graph/copy"] = graph_fragment("https://example.org/graph/copy", copied)
    nquads = joined(fragments)
    triples = {quad.triple for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    expected = b"\n".join(sorted(line for line in written.splitlines() if line.strip())) + b"\n"
    assert union_ntriples(fragments) == expected
    write_union(fragments, tmp_path / "kg.nt")
    assert (tmp_path / "kg.nt").read_bytes() == expected
    assert union_ntriples({}) == b"\n"


def test_an_index_read_again_is_read_from_its_file_when_it_changed(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / "graphs").mkdir(parents=True)
    one = {"https://example.org/graph/a": Fragment("a-0123456789.nq", "1" * 64, 3)}
    write_index(build, one)
    assert read_index(build) == one
    found = read_index(build)
    assert found == one and found is not read_index(build)  # a copy each time: callers may change theirs
    two = {**one, "https://example.org/graph/b": Fragment("b-0123456789.nq", "2" * 64, 4)}
    write_index(build, two)
    assert read_index(build) == two
    (build / "graphs" / "index.json").unlink()
    assert read_index(build) is None


def test_the_version_of_an_index_names_the_bytes_of_its_joined_fragments() -> None:
    a = {"https://example.org/graph/a": Fragment("a-0123456789.nq", "1" * 64, 3)}
    b = {"https://example.org/graph/b": Fragment("b-0123456789.nq", "2" * 64, 4)}
    assert index_version({**a, **b}) == index_version({**b, **a})  # kg.nq's order: by graph IRI
    assert len({index_version(a), index_version(b), index_version({**a, **b})}) == 3
    # The same bytes in another graph:
    moved = {"https://example.org/graph/c": Fragment("a-0123456789.nq", "1" * 64, 3)}
    assert index_version(moved) != index_version(a)


def test_an_index_naming_a_file_outside_its_folder_is_not_read(tmp_path: Path) -> None:
    """The index names the files that are read, loaded and served joined (/downloads/kg.nq before
    --finish): only names kg writes, never a path."""
    build = tmp_path / "build"
    (build / "graphs").mkdir(parents=True)
    graph = "https://example.org/graph/a"
    write_index(build, {graph: Fragment(fragment_name(graph), "1" * 64, 3)})
    assert read_index(build) is not None
    for name in ("../../etc/passwd", "/etc/passwd", "a.nq", "graphs/x-0123456789.nq"):
        write_index(build, {graph: Fragment(name, "1" * 64, 3)})
        assert read_index(build) is None, name
