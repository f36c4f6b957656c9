"""The ontology file ontology/kg.ttl: metadata, labels, and agreement with docs/data-model.md."""

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "kg.ttl"
DATA_MODEL = ROOT / "docs" / "data-model.md"

KG = Namespace("https://w3id.org/kg-funding/ontology#")
SCHEMA = Namespace("https://schema.org/")
ONTOLOGY = URIRef("https://w3id.org/kg-funding/ontology")
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
# Terms the ontology needs although the data model does not name them.
EXTRA_TERMS = {KG.AmountQualifierScheme}
QUALIFIER_FIGURE = {
    KG.exact: SCHEMA.value,
    KG.over: SCHEMA.minValue,
    KG.approximately: SCHEMA.value,
    KG.upTo: SCHEMA.maxValue,
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def is_kg(node) -> bool:
    return isinstance(node, URIRef) and node.startswith(str(KG))


def declared_terms(graph: Graph) -> set[URIRef]:
    return {s for t in DECLARATIONS for s in graph.subjects(RDF.type, t) if is_kg(s)}


def languages(graph: Graph, subject, predicate) -> Counter:
    return Counter(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def test_file_parses(graph):
    assert len(graph) > 0
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph


def test_ontology_metadata(graph):
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert languages(graph, ONTOLOGY, predicate) == Counter({"en": 1, "fr": 1}), predicate
    assert graph.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/kg-funding/ontology/0.1.0")
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert graph.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://open.canada.ca/en/open-government-licence-canada"
    )
    assert graph.value(ONTOLOGY, DCTERMS.creator) is not None


def test_no_owl_imports(graph):
    assert not list(graph.triples((None, OWL.imports, None)))


def test_every_term_is_labelled_and_defined(graph):
    problems = []
    for term in sorted(declared_terms(graph)):
        if languages(graph, term, RDFS.label) != Counter({"en": 1, "fr": 1}):
            problems.append(f"{term}: needs one rdfs:label @en and one @fr")
        if set(languages(graph, term, SKOS.definition)) != {"en", "fr"}:
            problems.append(f"{term}: needs skos:definition @en and @fr")
        if graph.value(term, RDFS.isDefinedBy) != ONTOLOGY:
            problems.append(f"{term}: needs rdfs:isDefinedBy the ontology")
    assert not problems, "\n".join(problems)


def test_each_term_is_declared_once(graph):
    for term in declared_terms(graph):
        kinds = [t for t in DECLARATIONS if (term, RDF.type, t) in graph]
        assert len(kinds) == 1, (term, kinds)


def test_no_kg_term_is_used_undeclared(graph):
    used = {node for triple in graph for node in triple if is_kg(node)}
    assert used - declared_terms(graph) == set()


def test_language_tags_are_en_or_fr(graph):
    tags = {o.language for o in graph.objects() if isinstance(o, Literal) and o.language}
    assert tags == {"en", "fr"}


def test_terms_match_the_data_model(graph):
    names = set(re.findall(r"\bkg:([A-Za-z][A-Za-z0-9]*)", DATA_MODEL.read_text("utf-8")))
    documented = {KG[name] for name in names}
    declared = declared_terms(graph)
    assert documented - declared == set(), "documented but not declared"
    assert declared - documented == EXTRA_TERMS, "declared but not documented"


def test_evidence_properties_are_inverse(graph):
    assert (KG.evidenceFor, OWL.inverseOf, KG.evidence) in graph


def test_amount_qualifiers(graph):
    members = set(graph.subjects(SKOS.inScheme, KG.AmountQualifierScheme))
    assert members == set(QUALIFIER_FIGURE)
    assert (KG.AmountQualifierScheme, RDF.type, SKOS.ConceptScheme) in graph
    for qualifier, figure in QUALIFIER_FIGURE.items():
        assert (qualifier, RDF.type, KG.AmountQualifier) in graph
        assert (qualifier, RDF.type, SKOS.Concept) in graph
        assert graph.value(qualifier, SKOS.notation) is not None
        assert set(languages(graph, qualifier, SKOS.prefLabel)) == {"en", "fr"}
        comment = str(graph.value(qualifier, RDFS.comment))
        assert f"schema:{figure.removeprefix(str(SCHEMA))}." in comment, qualifier
