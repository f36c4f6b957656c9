"""Money on the pages: the figures are the sums of the records, worded with their qualifiers; the charts are
SVG that parses, names itself and holds the numbers of the table beside it; resource pages list the projects
that reach them through units and containing regions (issue 11, item 1)."""

from __future__ import annotations

import doctest
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import kg.figures.model
import kg.figures.queries
from kg.figures.model import Sum
from kg.figures.read import home_figures, scope_figures, store_records
from kg.formats import RdfFormat
from kg.store import KgStore
from kg.vocab import KG, SCHEMA
from kg.web.money import Figure, MoneyPages
from kg.web.pages import Linker, PageBuilder
from kg.web.reader import ResourceReader

BASE = "https://w3id.org/kg-funding/"
SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


@pytest.mark.parametrize("module", [kg.figures.model, kg.figures.queries], ids=lambda m: m.__name__)
def test_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0


def _figure(graph: Graph, amount: URIRef) -> Decimal:
    for predicate in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue):
        value = graph.value(amount, predicate)
        if value is not None:
            return Decimal(str(value))
    raise AssertionError(f"{amount} has no figure")


def _grants(graph: Graph) -> dict[URIRef, tuple[Decimal, str]]:
    """Project -> (figure, qualifier local name), read from the records' graph by triple patterns."""
    found = {}
    for grant in graph.subjects(RDF.type, KG.Contribution):
        project = graph.value(grant, SCHEMA.fundedItem)
        amount = graph.value(grant, SCHEMA.amount)
        assert isinstance(project, URIRef) and isinstance(amount, URIRef)
        qualifier = str(graph.value(amount, KG.qualifier)).rsplit("#", 1)[-1]
        found[project] = (_figure(graph, amount), qualifier)
    return found


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace(NBSP, " ")


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_home_figures_are_the_sums_of_the_records(client: FlaskClient, graph: Graph) -> None:
    grants = _grants(graph)
    total = sum((figure for figure, _ in grants.values()), Decimal(0))
    over = sum(1 for _, q in grants.values() if q == "over")
    approximate = sum(1 for _, q in grants.values() if q == "approximately")
    release = next(graph.subjects(RDF.type, KG.NewsRelease))
    announced = graph.value(release, KG.announcedTotal)
    assert isinstance(announced, URIRef)
    assert (total, over, approximate, len(grants)) == (Decimal(5_276_000), 6, 1, 13)

    html = client.get("/").get_data(as_text=True)
    figures = _text(_section(html, 'class="figures"', "</dl>"))
    assert "News releases 1" in figures and "Projects 13" in figures
    # "over": lower bounds are in both sums, so both are lower bounds, and said to be.
    assert f"Total announced over ${int(_figure(graph, announced)):,}" in figures
    assert f"Sum of the grants over ${int(total):,}" in figures
    assert f"{over} of its figures are stated as “over”" in figures
    assert f"{approximate} of its figures are approximate" in figures


def test_charts_are_svg_with_a_name_and_the_numbers_of_their_table(client: FlaskClient, graph: Graph) -> None:
    html = client.get("/").get_data(as_text=True)
    svgs = {svg.get("id"): svg for svg in _svgs(html)}
    assert set(svgs) == {"chart-program", "chart-implementer", "chart-region", "chart-year", "chart-flow"}
    total = sum((figure for figure, _ in _grants(graph).values()), Decimal(0))
    for chart_id, svg in svgs.items():
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None and svg.get("aria-labelledby") == title.get("id") and title.text
        assert not list(svg.iter(f"{SVG}script"))
        assert not list(svg.iter(f"{SVG}a")), "a link inside an image is a tab stop no one is told about"
        text = ET.tostring(svg, encoding="unicode")
        assert not re.search(r"(href|src)=\"(https?:)?//", text), f"{chart_id} loads something from outside"
        name = chart_id.removeprefix("chart-")
        table = _section(html, f'id="data-{name}"', "</table>")
        values = [Decimal(v) for v in re.findall(r'data-value="([^"]+)"', table)]
        if name == "flow":
            # Every band of the first column leaves the government: together they carry every grant.
            government = values[:2]
            assert sum(government) == total
            continue
        words = [unescape(w) for w in re.findall(r'data-value="[^"]+">([^<]+)</td>', table)]
        drawn = [d.text for d in svg.iter(f"{SVG}desc") if d.get("class") == "value"]
        assert sorted(drawn) == sorted(words), chart_id
        # Each project has one program and its release one year: those bars add up to the grants' sum.
        if name in ("program", "year"):
            assert sum(values) == total


def test_flow_bands_keep_the_money(client: FlaskClient, graph: Graph) -> None:
    figures = home_figures(store_records(_store(graph)))
    total = sum((row.figure for row in figures.flow), Decimal(0))
    assert total == Decimal(5_276_000)
    combos = {row.regions for row in figures.flow}
    # The Interpol project serves Central and South America: one node names both, no figure is split.
    assert (f"{BASE}m49/005", f"{BASE}m49/013") in combos


def _store(graph: Graph) -> KgStore:
    store = KgStore()
    store.load(graph.serialize(format="nt").encode(), RdfFormat.from_path("x.nt"), graph=f"{BASE}graph/g")
    return store


def test_guatemala_page_lists_the_projects_of_the_regions_that_contain_it(
    client: FlaskClient, graph: Graph
) -> None:
    guatemala = URIRef(f"{BASE}country/gt")
    containing = set(graph.transitive_objects(guatemala, SCHEMA.containedInPlace)) - {guatemala}
    expected = {
        p: figure
        for p, (figure, _) in _grants(graph).items()
        if set(graph.objects(p, KG.beneficiaryRegion)) & containing
    }
    assert len(expected) == 11
    html = client.get("/country/gt.html").get_data(as_text=True)
    money = _text(_section(html, 'class="money"', "</table>"))
    assert "Projects 11 projects" in money
    assert f"Sum of the grants over ${int(sum(expected.values())):,}" in money
    for project in expected:
        assert f'href="/{project.removeprefix(BASE)}"' in _section(html, 'class="money"', "</table>")
    assert "through Central America, a region containing it" in money


def test_oas_page_shows_the_projects_of_its_unit(client: FlaskClient, graph: Graph) -> None:
    unit = URIRef(f"{BASE}organization/oas-sms")
    projects = set(graph.subjects(KG.implementer, unit))
    assert len(projects) == 3
    html = client.get("/organization/oas.html").get_data(as_text=True)
    money = _section(html, 'class="money"', "</table>")
    assert "3 projects" in _text(money)
    for project in projects:
        assert f'href="/{project.removeprefix(BASE)}"' in money
    assert "through Secretariat for Multidimensional Security" in _text(money)


def test_project_page_leads_with_the_money(client: FlaskClient) -> None:
    html = client.get("/project/interpol-mobile-police-training-program.html").get_data(as_text=True)
    lead = _section(html, 'class="lead"', "</dl>")
    assert html.index('class="lead"') < html.index(">Properties<")
    text = _text(lead)
    assert "Amount over $2,000,000" in text
    assert "International Criminal Police Organization" in text
    assert "Anti-Crime Capacity Building Program" in text
    assert "Central America" in text and "South America" in text
    assert "Canada Contributes to Improving Security in the Americas" in text
    assert "2011-06-22" in text


def test_release_page_shows_the_announced_total_and_the_grants(client: FlaskClient) -> None:
    html = client.get("/release/news-release-175-2011-06-22.html").get_data(as_text=True)
    money = _text(_section(html, 'class="money"', "</table>"))
    assert "Announced in the release over $5,200,000" in money
    assert "Projects 13 projects" in money and "Sum of the grants over $5,276,000" in money


def test_french_pages(client: FlaskClient) -> None:
    home = client.get("/?lang=fr").get_data(as_text=True)
    text = _text(home)
    assert "En chiffres" in text and "Financement par programme" in text
    assert "Somme des contributions plus de 5 276 000 $" in text
    assert 'id="chart-program"' in home
    page = _text(client.get("/country/gt.html?lang=fr").get_data(as_text=True))
    assert "11 projets" in page and "une région qui le comprend" in page


def test_releases_without_projects_total_or_program_are_shown_honestly(graph: Graph) -> None:
    """A release with a total alone, one with neither, and a project with no program or region: counted,
    never given a made-up figure or program."""
    store = _store(graph)
    extra = f"""
    @prefix kg: <https://w3id.org/kg-funding/ontology#> . @prefix schema: <https://schema.org/> .
    <{BASE}release/total-only> a kg:NewsRelease ; schema:datePublished "2012-01-01" ;
        kg:announcedTotal <{BASE}amount/total-only> .
    <{BASE}amount/total-only> kg:qualifier kg:upTo ; schema:maxValue 1000000 ; schema:currency "CAD" .
    <{BASE}release/bare> a kg:NewsRelease ; schema:datePublished "2013-02-02" .
    <{BASE}project/bare-project> a kg:Project ; kg:announcedIn <{BASE}release/bare> ;
        kg:implementer <{BASE}organization/iom> .
    <{BASE}grant/bare-project> a kg:Contribution ; schema:fundedItem <{BASE}project/bare-project> ;
        schema:amount <{BASE}amount/grant-bare-project> .
    <{BASE}amount/grant-bare-project> kg:qualifier kg:exact ; schema:value 1000 ; schema:currency "CAD" .
    """
    store.load(extra.encode(), RdfFormat.from_path("x.ttl"), graph=f"{BASE}graph/extra")
    figures = home_figures(store_records(store))
    assert figures.counts.releases == 3 and figures.counts.with_total == 2
    assert figures.counts.with_projects == 2
    page = MoneyPages(PageBuilder(ResourceReader(store), Linker(BASE), "en")).home(figures)
    assert page.figures[0] == Figure("News releases", "3", ("1 states no total", "1 announces no project"))
    # The project stating no program is a bar of its own, said to state none.
    program_bars = {bar.label: bar.words for bar in page.charts[0].bars}
    assert program_bars["not stated"] == "$1,000"
    assert page.figures[2].value == "$6,200,000"  # "over" 5.2 million + "up to" 1 million: neither bound
    assert "neither bound: 1 figures are stated as “over” and 1 as “up to”" in page.figures[2].notes
    assert figures.announced[0] == Sum("CAD", Decimal(6_200_000), 2, 1, 1, 0, 0)
    assert figures.announced[0].kind == "mixed"
    programs = {s.key: s.total.figure for s in figures.breakdowns["program"].slices}
    assert programs[None] == Decimal(1000)
    years = {s.key: s.total.figure for s in figures.breakdowns["year"].slices}
    assert years["2013"] == Decimal(1000)
    bare = scope_figures(store_records(store), "release", f"{BASE}release/total-only")
    assert bare.projects == 0 and bare.sums == ()


def test_home_links_keep_the_chosen_language(client: FlaskClient) -> None:
    chosen = client.get("/?lang=fr").get_data(as_text=True)
    negotiated = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    table = 'id="data-program"'
    assert 'href="/program/accbp?lang=fr"' in _section(chosen, table, "</table>")
    assert 'href="/program/accbp"' in _section(negotiated, table, "</table>")


_KINDS = {  # the class of the resources of each kind of money page, in the seed graph
    "organization": "http://www.w3.org/ns/org#Organization",
    "program": f"{KG}FundingProgram",
    "country": "https://schema.org/Country",
    "region": "https://schema.org/Place",
    "theme": "http://www.w3.org/2004/02/skos/core#Concept",
    "release": f"{KG}NewsRelease",
    "project": f"{KG}Project",
}


def test_scope_figures_from_listed_projects_equal_the_one_query_form(graph: Graph) -> None:
    # scope_figures reads the projects in scope first, then their grants from that list (the fast form);
    # the one-query form (the projects as a subquery) is what it must equal, on every page that has money.
    run = store_records(_store(graph))
    compared = 0
    for kind, cls in _KINDS.items():
        for resource in sorted(set(graph.subjects(RDF.type, URIRef(cls)))):
            if not isinstance(resource, URIRef):
                continue
            fast = scope_figures(run, kind, str(resource))
            pattern = kg.figures.queries.scope(kind, str(resource))
            rows = [kg.figures.model.ProjectRow.from_row(r) for r in run(kg.figures.queries.ledger(pattern))]
            counted = run(kg.figures.queries.project_count(pattern))
            projects = int(counted[0]["projects"]) if counted else 0
            slow = kg.figures.model.ScopeFigures.of(projects, rows, 100) if projects else fast
            assert fast == slow, resource
            compared += bool(projects)
    assert compared >= 25  # organisations, programs, places, themes, releases and projects with money
