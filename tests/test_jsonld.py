"""kg.jsonld: compacted JSON-LD written directly, read back by rdflib as the same graph."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from kg.jsonld import Term, compacted_jsonld, ntriples_jsonld, write_ntriples_jsonld

CONTEXT = {"ex": "https://example.org/ns#", "schema": "https://schema.org/", "xsd": str(XSD)}
EX = Namespace("https://example.org/ns#")
SCHEMA = Namespace("https://schema.org/")


def _plain(term: object) -> Term:
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return Term(
            "literal", str(term), datatype or (None if term.language else str(XSD.string)), term.language
        )
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    return Term("iri", str(term))


def _write(graph: Graph) -> bytes:
    triples = sorted(graph, key=lambda t: tuple(str(x) for x in t))
    return compacted_jsonld([tuple(_plain(x) for x in t) for t in triples], CONTEXT)


def test_compaction_rules_and_round_trip() -> None:
    g = Graph()
    thing, node = URIRef("https://data.example.org/project/x"), BNode("b0")
    g.add((thing, RDF.type, SCHEMA.Project))
    g.add((thing, RDF.type, EX.Project))
    g.add((thing, SCHEMA.name, Literal("Réseau", lang="fr")))
    g.add((thing, SCHEMA.name, Literal("Network", lang="en")))
    g.add((thing, SCHEMA.description, Literal('A "quoted"\nline')))
    g.add((thing, EX.start, Literal("3074", datatype=XSD.nonNegativeInteger)))
    g.add((thing, EX.amount, Literal("5200000.0", datatype=XSD.decimal)))
    g.add((thing, EX.odd, Literal("x", datatype=URIRef("https://data.example.org/type"))))
    g.add((thing, EX.part, node))
    g.add((node, SCHEMA.url, URIRef("https://schema.org/")))  # the namespace itself: not "schema:"
    g.add((node, EX.kind, Literal("plain")))  # given as xsd:string (RDF 1.1), as pyoxigraph gives it
    g.add((node, RDF.type, Literal("not a class")))  # a literal rdf:type stays a property
    data = _write(g)
    doc = json.loads(data)
    assert doc["@context"] == CONTEXT
    nodes = {n["@id"]: n for n in doc["@graph"]}
    x = nodes["https://data.example.org/project/x"]
    assert list(x)[:2] == ["@id", "@type"] and x["@type"] == ["ex:Project", "schema:Project"]
    assert x["schema:name"] == [
        {"@value": "Network", "@language": "en"},
        {"@value": "Réseau", "@language": "fr"},
    ]
    assert x["ex:start"] == {"@value": "3074", "@type": "xsd:nonNegativeInteger"}
    assert x["ex:odd"] == {"@value": "x", "@type": "https://data.example.org/type"}
    assert x["ex:part"] == {"@id": "_:b0"}
    b0 = nodes["_:b0"]
    assert b0["schema:url"] == {"@id": "https://schema.org/"} and b0["ex:kind"] == "plain"
    assert b0[str(RDF.type)] == "not a class" and "@type" not in b0  # no "rdf" prefix in this context
    assert isomorphic(Graph().parse(data=data, format="json-ld"), g)
    assert _write(g) == data  # the same triples, the same bytes


def _ox_terms(lines: list[str]) -> list[tuple[Term, ...]]:
    """The triples of N-Triples lines as pyoxigraph reads them, as :class:`Term` (the old way to the dump)."""

    def term(t: object) -> Term:
        if isinstance(t, ox.Literal):
            return Term("literal", t.value, t.datatype.value, t.language)
        return Term("bnode" if isinstance(t, ox.BlankNode) else "iri", t.value)  # type: ignore[attr-defined]

    parsed = ox.parse("\n".join(lines) + "\n", format=ox.RdfFormat.N_TRIPLES)
    return [(term(t.subject), term(t.predicate), term(t.object)) for t in parsed]


def _canonical_lines(graph: Graph) -> list[str]:
    """The graph as sorted canonical N-Triples lines, as ``kg.nt`` holds them (written by Oxigraph)."""
    text = ox.serialize(
        ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES
    )
    assert text is not None
    return sorted(line for line in text.decode("utf-8").split("\n") if line)


# Invented: every escape N-Triples has, and characters str.splitlines would split at.
ODD = 'a "quoted" \\ back\nslash\r\tand é ✓ \U0001f600 \u2028 \x1c \x85 \x00 \x7f end'


def test_canonical_lines_give_the_bytes_of_their_terms() -> None:
    g = Graph()
    b0 = BNode("b0")
    g.add((EX.x, RDF.type, SCHEMA.Thing))
    g.add((EX.x, RDF.type, b0))
    g.add((EX.x, SCHEMA.name, Literal(ODD)))
    g.add((EX.x, SCHEMA.name, Literal(ODD, lang="fr-ca")))
    g.add((EX.x, EX.start, Literal("3074", datatype=XSD.nonNegativeInteger)))
    g.add((EX.x, EX.odd, Literal("x", datatype=URIRef("https://data.example.org/type"))))
    g.add((EX.x, EX.part, b0))
    g.add((EX.x, EX.link, URIRef("https://example.org/o?x=1#y")))
    g.add((b0, RDF.type, Literal("not a class")))
    g.add((b0, SCHEMA.url, SCHEMA[""]))
    g.add((URIRef("https://example.org/ns#y"), EX.part, b0))
    lines = _canonical_lines(g)
    expected = compacted_jsonld(_ox_terms(lines), CONTEXT)
    assert ntriples_jsonld(lines, CONTEXT) == expected
    assert ntriples_jsonld([*lines, ""], CONTEXT) == expected  # the file's last line feed
    assert isomorphic(Graph().parse(data=expected, format="json-ld"), g)
    assert ntriples_jsonld([], CONTEXT) == compacted_jsonld([], CONTEXT)


def test_the_project_s_graph_gives_the_bytes_of_its_terms(graph: Graph) -> None:
    lines = _canonical_lines(graph)
    assert ntriples_jsonld(lines, CONTEXT) == compacted_jsonld(_ox_terms(lines), CONTEXT)


def test_a_subject_beginning_another_and_blank_nodes_are_in_order() -> None:
    g = Graph()
    for subject in (EX.a, URIRef(f"{EX.a}b"), URIRef(f"{EX.a}/c"), BNode("x"), BNode("xy")):
        g.add((subject, SCHEMA.name, Literal("A"))).add((subject, EX.part, BNode("x")))
    lines = _canonical_lines(g)
    assert ntriples_jsonld(lines, CONTEXT) == compacted_jsonld(_ox_terms(lines), CONTEXT)


@pytest.mark.parametrize("size", [0, 1, None])
def test_the_document_written_node_by_node_is_the_same_bytes(graph: Graph, size: int | None) -> None:
    lines = _canonical_lines(graph)[:size]
    out = io.BytesIO()
    write_ntriples_jsonld(iter(lines), CONTEXT, out)
    assert out.getvalue() == ntriples_jsonld(lines, CONTEXT)


def test_lines_out_of_order_or_not_canonical_are_refused() -> None:
    lines = _canonical_lines(
        Graph().add((EX.a, SCHEMA.name, Literal("A"))).add((EX.b, SCHEMA.name, Literal("B")))
    )
    with pytest.raises(ValueError, match="not grouped"):
        ntriples_jsonld([*lines, lines[0]], CONTEXT)
    with pytest.raises(ValueError, match="not grouped"):  # grouped, not sorted: kg.nt is sorted
        ntriples_jsonld(lines[::-1], CONTEXT)
    for line in (
        "<https://example.org/a> <https://schema.org/name> 'A' .",
        "@prefix ex: <x> .",
        '"a" <p> <o> .',
    ):
        with pytest.raises(ValueError, match="not a line of canonical N-Triples"):
            ntriples_jsonld([line], CONTEXT)
    with pytest.raises(ValueError, match="not an N-Triples escape"):
        ntriples_jsonld(['<https://example.org/a> <https://schema.org/name> "\\x" .'], CONTEXT)
