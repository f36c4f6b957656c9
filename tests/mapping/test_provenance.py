"""Every fact traces back to the sentence it came from, and the offsets really point at that text."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from kg.settings import DEFAULT_BASE_IRI
from kg.vocab import KG, OA, PROV, RDF, RDFS, SCHEMA

BASE = DEFAULT_BASE_IRI
SOURCE = Path(__file__).resolve().parents[2] / "data" / "sources" / "news-release-175-2011-06-22.txt"
RELEASE = URIRef(f"{BASE}release/news-release-175-2011-06-22")


def test_source_is_the_seed_byte_for_byte() -> None:
    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / SOURCE.name
    if not seed.exists():
        import pytest

        pytest.skip("../shared/seeds is absent (a user's clone): cannot compare with the seed")
    assert SOURCE.read_bytes() == seed.read_bytes()


def test_every_offset_points_at_its_quote(graph: Graph) -> None:
    text = SOURCE.read_text(encoding="utf-8")
    evidences = list(graph.subjects(RDF.type, KG.Evidence))
    assert len(evidences) > 60
    for evidence in evidences:
        selectors = list(graph.objects(evidence, OA.hasSelector))
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        exact = str(graph.value(quote, OA.exact))
        start, end = (int(graph.value(position, p)) for p in (OA.start, OA.end))  # type: ignore[arg-type]
        assert text[start:end] == exact, evidence
        prefix = graph.value(quote, OA.prefix)
        suffix = graph.value(quote, OA.suffix)
        assert prefix is None or text[:start].endswith(str(prefix))
        assert suffix is None or text[end:].startswith(str(suffix))


def test_projects_and_grants_are_derived_from_the_release_with_sentences(graph: Graph) -> None:
    things = list(graph.subjects(RDF.type, SCHEMA.Project)) + list(
        graph.subjects(RDF.type, SCHEMA.MonetaryGrant)
    )
    assert len(things) == 26
    for thing in things:
        assert (thing, PROV.wasDerivedFrom, RELEASE) in graph, thing
        fields = {str(graph.value(e, KG.evidenceField)) for e in graph.objects(thing, KG.evidence)}
        expected = (
            {"title", "implementer", "region", "program"}
            if (
                thing,
                RDF.type,
                SCHEMA.Project,
            )
            in graph
            else {"amount", "funded-item"}
        )
        assert expected <= fields, (thing, fields)


def test_unocd_typo_is_corrected_and_recorded(graph: Graph) -> None:
    project = URIRef(
        f"{BASE}project/central-american-network-of-anti-organized-crime-and-narcotic-prosecution-units"
    )
    assert graph.value(project, KG.implementer) == URIRef(f"{BASE}organization/unodc")
    corrections = list(graph.subjects(RDF.type, KG.Correction))
    assert len(corrections) == 1
    correction = corrections[0]
    assert graph.value(correction, KG.originalText) == Literal("UNOCD")
    assert graph.value(correction, KG.correctedText) == Literal("UNODC")
    assert graph.value(correction, KG.correctedTo) == URIRef(f"{BASE}organization/unodc")
    assert graph.value(correction, RDFS.comment) is not None
    evidence = graph.value(correction, KG.appliesTo)
    assert graph.value(evidence, KG.evidenceFor) == project
    quote = next(s for s in graph.objects(evidence, OA.hasSelector) if str(s).endswith("#quote"))
    assert "The UNOCD will create" in str(graph.value(quote, OA.exact))


def test_named_graphs_one_per_source_plus_reference_and_ontology(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {
        f"{BASE}graph/news-release-175-2011-06-22",
        f"{BASE}graph/reference",
        f"{BASE}graph/ontology",
    }
    release_graph = dataset.graph(URIRef(f"{BASE}graph/news-release-175-2011-06-22"))
    reference_graph = dataset.graph(URIRef(f"{BASE}graph/reference"))
    assert (RELEASE, RDF.type, SCHEMA.NewsArticle) in release_graph
    assert (URIRef(f"{BASE}organization/unodc"), RDF.type, SCHEMA.Organization) in reference_graph
    assert (URIRef(f"{BASE}organization/unodc"), RDF.type, SCHEMA.Organization) not in release_graph
