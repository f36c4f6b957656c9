"""kg.jsonld: compacted JSON-LD written directly, read back by rdflib as the same graph."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from kg.jsonld import Term, compacted_jsonld, grouped_jsonld

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


def test_grouped_subjects_stream_to_the_same_bytes() -> None:
    a, b = Term("iri", "https://schema.org/a"), Term("bnode", "c14n0")
    name, kind = Term("iri", "https://schema.org/name"), Term("iri", str(RDF.type))
    triples = [
        (a, name, Term("literal", "A", None, "en")),
        (a, kind, Term("iri", "https://schema.org/Thing")),
        (b, name, Term("literal", "B", "http://www.w3.org/2001/XMLSchema#string")),
        (b, name, Term("literal", "1", "http://www.w3.org/2001/XMLSchema#integer")),
    ]
    context = {"schema": "https://schema.org/"}
    assert grouped_jsonld(triples, context) == compacted_jsonld(triples, context)
    assert grouped_jsonld([], context) == compacted_jsonld([], context)
    with pytest.raises(ValueError, match="not grouped"):
        grouped_jsonld([*triples, triples[0]], context)
