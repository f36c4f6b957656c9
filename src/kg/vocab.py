"""Namespaces and the one prefix map every serializer and query uses."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD


class _Namespace(Namespace):
    """A namespace whose terms named as attributes (``KG.Project``) are made once, as rdflib's closed
    namespaces (``RDF.type``) are: a build names the same few a hundred thousand times, and rdflib checks
    each new IRI it is given. The term is kept as the attribute, which Python then finds itself."""

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):  # as rdflib's: no special Python name is a term
            raise AttributeError(name)
        term = self.__dict__[name] = self.term(name)
        return term


KG = _Namespace("https://w3id.org/kg-funding/ontology#")
KG_ONTOLOGY = "https://w3id.org/kg-funding/ontology"
SCHEMA = _Namespace("https://schema.org/")
ORG = _Namespace("http://www.w3.org/ns/org#")
OA = _Namespace("http://www.w3.org/ns/oa#")
ELI = _Namespace("http://data.europa.eu/eli/ontology#")
WD = _Namespace("http://www.wikidata.org/entity/")
SH = _Namespace("http://www.w3.org/ns/shacl#")
VANN = _Namespace("http://purl.org/vocab/vann/")

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
