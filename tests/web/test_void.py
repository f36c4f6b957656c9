"""kg.void: VoID statistics from the data (pure), and /.well-known/void."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.dumps import DumpInfo
from kg.settings import Settings
from kg.void import STATS_QUERIES, VOID, dataset_iri, dataset_stats, stats_from_answers, void_graph
from kg.web.reader import ResourceReader
from kg.web.runtime import Prepared

A, B = "<http://ex/a>", "<http://ex/b>"
TYPE = str(RDF.type)


def test_statistics() -> None:
    quads = [
        (A, TYPE, "<http://ex/C>", "http://g/1"),
        (A, TYPE, "<http://ex/C>", "http://g/2"),  # the same triple in another graph counts once
        (B, TYPE, "<http://ex/C>", "http://g/1"),
        (A, "http://ex/p", '"x"', "http://g/1"),
        ("_:b", "http://ex/p", A, ""),
    ]
    stats = dataset_stats(quads)
    assert stats.triples == 4
    assert stats.entities == 2
    assert stats.distinct_subjects == 3
    assert stats.distinct_objects == 3
    assert stats.classes == {"http://ex/C": 2}
    assert stats.properties == {"http://ex/p": 2, TYPE: 2}
    assert stats.vocabularies == ("http://ex/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    assert stats.graphs == {"http://g/1": 3, "http://g/2": 1}


def test_void_graph() -> None:
    settings = Settings(base_iri="https://example.org/kg/")
    stats = dataset_stats([(A, TYPE, "<http://ex/C>", "http://g/1")])
    dumps = [
        DumpInfo("kg.nt", "application/n-triples", 10, "0" * 64),
        DumpInfo("kg.nt.gz", "application/n-triples", 5, "1" * 64, "gzip"),
    ]
    graph = void_graph(stats, dumps, settings, "https://example.org/sparql")
    ds = dataset_iri(settings)
    assert (ds, RDF.type, VOID.Dataset) in graph
    assert (ds, VOID.triples, Literal(1, datatype=XSD.integer)) in graph
    assert (ds, VOID.sparqlEndpoint, URIRef("https://example.org/sparql")) in graph
    assert (ds, VOID.dataDump, URIRef("https://example.org/kg/downloads/kg.nt")) in graph
    assert (ds, VOID.dataDump, URIRef("https://example.org/kg/downloads/kg.nt.gz")) in graph
    assert (ds, VOID.vocabulary, URIRef("http://ex/")) in graph


def test_well_known_void(client: FlaskClient, graph: Graph) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = Graph().parse(data=response.data, format="turtle")
    ds = next(void.subjects(RDF.type, VOID.Dataset))

    def number(predicate: URIRef) -> int:
        value = void.value(ds, predicate)
        assert isinstance(value, Literal)
        return int(value)

    assert number(VOID.triples) == len(graph)
    assert number(VOID.classes) == len(set(graph.objects(None, RDF.type)))
    assert number(VOID.properties) == len(set(graph.predicates()))
    assert number(VOID.distinctSubjects) == len(set(graph.subjects()))
    dumps = {str(d).rsplit("/", 1)[1] for d in void.objects(ds, VOID.dataDump)}
    assert {"kg.nt", "kg.ttl.gz", "kg.nq"} <= dumps
    assert (ds, VOID.vocabulary, URIRef("https://schema.org/")) in void
    assert (
        client.get("/.well-known/void", headers={"Accept": "application/ld+json"}).mimetype
        == "application/ld+json"
    )
    assert client.get("/.well-known/void", headers={"Accept": "text/csv"}).status_code == 406


def test_void_lists_rdf_dumps_of_the_dataset_only(client: FlaskClient) -> None:
    """CSV tables, IATI XML, the catalog and the JSON-LD context stay in DCAT; VoID names the RDF dumps."""
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data)
    ds = next(void.subjects(RDF.type, VOID.Dataset))
    dumps = {str(d).rsplit("/", 1)[1] for d in void.objects(ds, VOID.dataDump)}
    kinds = {name.removesuffix(".gz").rsplit(".", 1)[1] for name in dumps}
    assert kinds == {"ttl", "nt", "jsonld", "rdf", "trig", "nq"}
    assert all(name.startswith("kg.") for name in dumps), dumps


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_void_has_an_html_view(client: FlaskClient, lang: str) -> None:
    """A person following the VoID link of a page gets a page, not an RDF/XML download."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(f"/.well-known/void?lang={lang}", headers={"Accept": browser})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.text
    assert ("VoID description" if lang == "en" else "Description VoID") in page
    assert "kg.ttl.gz" in page and "projects.csv" not in page and "https://schema.org/Project" in page
    assert 'href="/.well-known/void?format=ttl"' in page
    # A client without preferences still gets RDF.
    assert client.get("/.well-known/void", headers={"Accept": "*/*"}).mimetype == "text/turtle"


def test_the_store_counts_what_python_counts_over_every_quad(prepared: Prepared) -> None:
    """The served statistics come from SPARQL aggregates (kg.void.STATS_QUERIES); they must equal the
    counts of every quad read one by one, on the real build."""
    reader = ResourceReader(prepared.store)
    answers = {name: prepared.store.query(q, union=True).records() for name, q in STATS_QUERIES.items()}
    from_store = stats_from_answers(answers)
    assert from_store == dataset_stats(reader.all_quads())
    assert from_store.triples > 1000 and len(from_store.graphs) >= 2 and from_store.entities > 100
