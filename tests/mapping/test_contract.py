"""The public schema.org contract: a consumer who knows only schema.org gets the core facts, stated directly.

Every check here queries the built graph without inference, so a fact that exists only through a
subclass or subproperty axiom of our ontology fails.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.settings import DEFAULT_BASE_IRI
from kg.vocab import KG, RDF, SCHEMA

BASE = DEFAULT_BASE_IRI
GOVERNMENT = URIRef(f"{BASE}organization/government-of-canada")
ACCBP = URIRef(f"{BASE}program/accbp")
GPP = URIRef(f"{BASE}program/gpp")

# Worked out by hand from the backgrounder: (number, figure, schema.org property, qualifier, program).
EXPECTED_GRANTS = [
    (1, "85000", SCHEMA.value, KG.exact, GPP),
    (2, "2000000", SCHEMA.minValue, KG.over, ACCBP),
    (3, "743000", SCHEMA.value, KG.exact, ACCBP),
    (4, "542000", SCHEMA.minValue, KG.over, ACCBP),
    (5, "530000", SCHEMA.minValue, KG.over, ACCBP),
    (6, "253000", SCHEMA.minValue, KG.over, ACCBP),
    (7, "430000", SCHEMA.value, KG.exact, ACCBP),
    (8, "98000", SCHEMA.minValue, KG.over, ACCBP),
    (9, "263000", SCHEMA.minValue, KG.over, ACCBP),
    (10, "40000", SCHEMA.value, KG.approximately, ACCBP),
    (11, "77000", SCHEMA.value, KG.exact, ACCBP),
    (12, "64000", SCHEMA.value, KG.exact, ACCBP),
    (13, "151000", SCHEMA.value, KG.exact, ACCBP),
]
FIGURES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)


def _projects(graph: Graph) -> dict[int, URIRef]:
    projects = {}
    for project in graph.subjects(RDF.type, SCHEMA.Project):
        position = graph.value(project, SCHEMA.position)
        assert isinstance(project, URIRef) and position is not None
        projects[int(position)] = project
    return projects


def test_thirteen_projects_with_an_english_name(graph: Graph) -> None:
    projects = _projects(graph)
    assert sorted(projects) == list(range(1, 14))
    for project in projects.values():
        names = [n for n in graph.objects(project, SCHEMA.name) if isinstance(n, Literal)]
        assert [n.language for n in names if n.language == "en"] == ["en"], project


def test_one_monetary_grant_per_project_with_exact_figures(graph: Graph) -> None:
    projects = _projects(graph)
    for number, figure, prop, qualifier, program in EXPECTED_GRANTS:
        grants = list(graph.subjects(SCHEMA.fundedItem, projects[number]))
        assert len(grants) == 1, number
        grant = grants[0]
        assert (grant, RDF.type, SCHEMA.MonetaryGrant) in graph
        assert set(graph.objects(grant, SCHEMA.funder)) == {program, GOVERNMENT}
        amounts = list(graph.objects(grant, SCHEMA.amount))
        assert len(amounts) == 1
        amount = amounts[0]
        assert (amount, RDF.type, SCHEMA.MonetaryAmount) in graph
        assert graph.value(amount, SCHEMA.currency) == Literal("CAD")
        stated = [(p, o) for p in FIGURES for o in graph.objects(amount, p)]
        assert len(stated) == 1, (number, stated)
        assert stated[0][0] == prop
        value = stated[0][1]
        assert isinstance(value, Literal) and value.datatype == XSD.decimal
        assert Decimal(str(value)) == Decimal(figure)
        assert graph.value(amount, KG.qualifier) == qualifier


def test_stated_figures_add_up_to_5276000(graph: Graph) -> None:
    total = sum(
        Decimal(str(v))
        for grant in graph.subjects(RDF.type, SCHEMA.MonetaryGrant)
        for amount in graph.objects(grant, SCHEMA.amount)
        for p in (SCHEMA.value, SCHEMA.minValue)
        for v in graph.objects(amount, p)
    )
    assert total == Decimal(5_276_000)


def test_announced_total_and_program_cap(graph: Graph) -> None:
    release = next(graph.subjects(RDF.type, SCHEMA.NewsArticle))
    total = graph.value(release, KG.announcedTotal)
    assert graph.value(total, SCHEMA.minValue) == Literal("5200000.0", datatype=XSD.decimal)
    assert graph.value(total, KG.qualifier) == KG.over
    assert graph.value(total, KG.statedAs) == Literal("over $5.2\u00a0million")
    cap = graph.value(ACCBP, KG.annualCap)
    assert graph.value(cap, SCHEMA.maxValue) == Literal("15000000.0", datatype=XSD.decimal)
    assert graph.value(cap, KG.qualifier) == KG.upTo
    assert graph.value(cap, KG.period) == Literal("P1Y")
    assert graph.value(cap, SCHEMA.currency) == Literal("CAD")


def test_schema_types_of_the_other_things(graph: Graph) -> None:
    def types(iri: str) -> set[URIRef]:
        return {t for t in graph.objects(URIRef(BASE + iri), RDF.type) if isinstance(t, URIRef)}

    for org in ("unodc", "interpol", "oas", "oas-sms", "iom", "cfatf", "sica", "un-1540-committee", "carin"):
        assert SCHEMA.Organization in types(f"organization/{org}"), org
    for gov in ("government-of-canada", "dfait", "office-of-the-minister-of-state-americas"):
        assert SCHEMA.GovernmentOrganization in types(f"organization/{gov}"), gov
    for place in ("place/guatemala-city", "country/gt", "m49/013", "m49/019", "region/latin-america"):
        assert SCHEMA.Place in types(place), place
    assert SCHEMA.Person in types("person/diane-ablonczy")
    event = "event/international-conference-in-support-of-the-central-america-security-strategy"
    assert SCHEMA.Event in types(event)
    release = URIRef(f"{BASE}release/news-release-175-2011-06-22")
    assert SCHEMA.NewsArticle in types("release/news-release-175-2011-06-22")
    published = graph.value(release, SCHEMA.datePublished)
    assert published == Literal("2011-06-22T20:45:00-04:00", datatype=XSD.dateTime)
    resolution = URIRef(f"{BASE}instrument/unscr-1540")
    assert SCHEMA.Legislation in types("instrument/unscr-1540")
    assert graph.value(resolution, SCHEMA.legislationIdentifier) == Literal("S/RES/1540 (2004)")


def test_who_announced_where(graph: Graph) -> None:
    release = URIRef(f"{BASE}release/news-release-175-2011-06-22")
    assert graph.value(release, KG.announcedBy) == URIRef(f"{BASE}person/diane-ablonczy")
    assert graph.value(release, SCHEMA.locationCreated) == URIRef(f"{BASE}place/guatemala-city")
    assert graph.value(release, SCHEMA.publisher) == URIRef(f"{BASE}organization/dfait")
