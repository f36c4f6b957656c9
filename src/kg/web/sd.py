"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

Pure: settings, endpoint URL, graph names and limits in, rdflib ``Graph`` out. Served at the endpoint URL
when a request carries no query (§2, "Accessing a Service Description").
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.formats import RdfFormat, ResultsFormat
from kg.settings import Settings
from kg.void import SD, VOID, dataset_iri

FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

_FORMAT_IRIS = {
    ResultsFormat.JSON: FORMATS.SPARQL_Results_JSON,
    ResultsFormat.XML: FORMATS.SPARQL_Results_XML,
    ResultsFormat.CSV: FORMATS.SPARQL_Results_CSV,
    ResultsFormat.TSV: FORMATS.SPARQL_Results_TSV,
    RdfFormat.TURTLE: FORMATS.Turtle,
    RdfFormat.NTRIPLES: FORMATS["N-Triples"],
    RdfFormat.JSONLD: FORMATS["JSON-LD"],
    RdfFormat.RDFXML: FORMATS.RDF_XML,
    RdfFormat.TRIG: FORMATS.TriG,
    RdfFormat.NQUADS: FORMATS["N-Quads"],
}


def service_description(
    settings: Settings,
    endpoint_url: str,
    graphs: Iterable[str],
    *,
    triples: int | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> Graph:
    """Describe the endpoint: language, result formats, the union default graph, each named graph."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(f"{endpoint_url}#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for iri in _FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, iri))
    limits = ["read-only: SPARQL Update, SERVICE and remote FROM are refused"]
    if timeout is not None:
        limits.append(f"queries are stopped after {timeout:g} s (HTTP 503)")
    if max_rows is not None:
        limits.append(f"results are cut at {max_rows} rows, flagged by the X-KG-Truncated header")
    graph.add((service, DCTERMS.description, Literal("; ".join(limits) + ".", lang="en")))

    dataset = dataset_iri(settings)
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, DCTERMS.description, Literal("The union of all named graphs.", lang="en")))
    if triples is not None:
        graph.add((default, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for name in sorted(graphs):
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph
