"""English and French: every name, title and description a page or portal shows exists in both languages,
and French the kg project translated is marked as such, in a form a program can test."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.settings import DEFAULT_BASE_IRI
from kg.vocab import KG, SCHEMA

BASE = DEFAULT_BASE_IRI
SHOWN = (SCHEMA.name, SCHEMA.headline, SCHEMA.description, SKOS.prefLabel)


def test_every_shown_text_is_in_english_and_french_exactly_once(graph: Graph) -> None:
    problems = []
    for predicate in SHOWN:
        for subject in set(graph.subjects(predicate, None)):
            langs = Counter(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))
            if not langs or set(langs) == {None}:
                continue  # names of people are not language-tagged (a name is not a text)
            if langs != Counter({"en": 1, "fr": 1}):
                problems.append(f"{subject} {predicate.n3()}: {dict(langs)}")
    assert not problems, "\n".join(sorted(problems)[:20])


def test_translated_resources_carry_an_unofficial_translation_marker(graph: Graph) -> None:
    project = URIRef(f"{BASE}project/interpol-mobile-police-training-program")
    node = graph.value(project, KG.translation)
    assert node == URIRef(f"{BASE}translation/project-interpol-mobile-police-training-program-fr")
    assert (node, RDF.type, KG.Translation) in graph
    assert graph.value(node, KG.translationOf) == project
    assert graph.value(node, DCTERMS.language) == Literal("fr")
    assert set(graph.objects(node, KG.translatedProperty)) == {SCHEMA.name, SCHEMA.description}
    sources = set(graph.objects(node, PROV.wasDerivedFrom))
    assert URIRef(f"{BASE}evidence/project-interpol-mobile-police-training-program-title") in sources
    assert all((s, RDF.type, KG.Evidence) in graph for s in sources)
    comments = {c.language: str(c) for c in graph.objects(node, RDFS.comment) if isinstance(c, Literal)}
    assert comments["en"] == "Translation by the kg project; not the official French text."
    assert set(comments) == {"en", "fr"}


def test_every_translated_literal_is_covered_by_a_marker(graph: Graph) -> None:
    """Only official names (reference data) may carry French without a kg:Translation saying otherwise."""
    marked = {
        (graph.value(t, KG.translationOf), p)
        for t in graph.subjects(RDF.type, KG.Translation)
        for p in graph.objects(t, KG.translatedProperty)
    }
    for kind in ("project", "grant"):
        for subject in graph.subjects(
            RDF.type, SCHEMA.Project if kind == "project" else SCHEMA.MonetaryGrant
        ):
            assert (subject, SCHEMA.name) in marked, subject
    release = URIRef(f"{BASE}release/news-release-175-2011-06-22")
    assert {(release, SCHEMA.headline), (release, SCHEMA.name)} <= marked
    assert (URIRef(f"{BASE}organization/unodc"), KG.translation, None) not in graph  # an official name
