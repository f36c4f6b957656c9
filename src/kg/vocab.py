"""Namespaces and the one prefix map every serializer and query uses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

KG = Namespace("https://w3id.org/kg-funding/ontology#")
KG_ONTOLOGY = "https://w3id.org/kg-funding/ontology"
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "oa": str(OA),
    "eli": str(ELI),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
    "sh": str(SH),
    "vann": str(VANN),
}


def sparql_prologue(extra: dict[str, str] | None = None) -> str:
    """PREFIX lines for every known prefix, for queries written by hand."""
    prefixes = {**PREFIXES, **(extra or {})}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes.items()))


__all__ = [
    "DCTERMS",
    "ELI",
    "FOAF",
    "KG",
    "KG_ONTOLOGY",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "VANN",
    "WD",
    "XSD",
    "sparql_prologue",
]
