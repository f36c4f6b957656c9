"""The evidence of one fact, compared by graph isomorphism with a golden file."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic, to_isomorphic

from kg.iris import Iris
from kg.mapping.terms import EvidenceWriter
from kg.sources.records import Quote

GOLDEN = Path(__file__).parent / "golden" / "evidence.ttl"


def test_evidence_matches_golden_file() -> None:
    text = "Headline\n\nCanada is contributing $85,000. More text follows here."
    iris = Iris("https://example.org/kg/")
    writer = EvidenceWriter(iris, URIRef("https://example.org/kg/source/r1"), text)
    graph = Graph()
    quote = Quote("Canada is contributing $85,000.", text.index("Canada"), 1)
    writer.add(graph, iris.mint("grant", "p1"), "amount", quote, note="Stated in the backgrounder.")
    expected = Graph().parse(GOLDEN, format="turtle")
    assert isomorphic(to_isomorphic(graph), to_isomorphic(expected)), graph.serialize(format="turtle")
