"""The projects list's facet counts are the graph's: each is computed here again by a SPARQL query of its own
(rdflib, over the union of the named graphs) and compared with what `/projects.json` and the page say."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from kg.vocab import KG, ORG, PREFIXES, RDF

from .conftest import BASE

# One query per facet: ?value is the facet value, ?p a project it selects.
FACET_QUERIES = {
    "program": "?p kg:fundedThrough ?value .",
    "implementer": "?p kg:implementer/org:unitOf* ?value .",  # a unit's projects are its organisation's
    # A place facet finds a project through every region on its line of the M49 tree: the regions that
    # contain the place and the places the region contains.
    "country": """?p kg:beneficiaryRegion ?r . ?value a schema:Country .
                  { ?value schema:containedInPlace* ?r } UNION { ?r schema:containedInPlace* ?value }""",
    "region": """?p kg:beneficiaryRegion ?r . ?value a kg:Region .
                  { ?value schema:containedInPlace* ?r } UNION { ?r schema:containedInPlace* ?value }""",
    "theme": "?p kg:theme ?value .",
    "dac": "?p kg:dacSector ?value .",
    "year": "?p kg:announcedIn/schema:datePublished ?d . BIND(SUBSTR(STR(?d), 1, 4) AS ?value)",
    "release": "?p kg:announcedIn ?value .",
}


def _expected(graph: Graph, facet: str) -> dict[str, int]:
    query = f"""SELECT ?value (COUNT(DISTINCT ?p) AS ?n) WHERE {{
        ?p a kg:Project . {FACET_QUERIES[facet]} }} GROUP BY ?value"""
    rows = graph.query(query, initNs=PREFIXES)
    return {str(row[0]): int(row[1]) for row in rows}  # type: ignore[index]


def _facets(client: FlaskClient, query: str = "") -> dict[str, Any]:
    reply = client.get(f"/projects.json?{query}")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    body = reply.get_json()
    assert isinstance(body, dict)
    return body


@pytest.mark.parametrize("facet", list(FACET_QUERIES))
def test_every_facet_count_is_the_graphs(browse: FlaskClient, graph: Graph, facet: str) -> None:
    expected = _expected(graph, facet)
    assert expected, f"the seed has no {facet}: the test would prove nothing"
    shown = {v["iri"]: v["count"] for v in _facets(browse)["facets"][facet]}
    assert shown == expected


def test_projects_in_guatemala_are_found_through_the_regions_that_contain_it(browse: FlaskClient) -> None:
    body = _facets(browse, "country=gt")
    assert body["total"] == 11
    assert len(body["projects"]) == 11
    # ... and the country page's question has the same answer on the HTML page, with its facet count.
    page = browse.get("/projects?country=gt").get_data(as_text=True)
    assert '<strong id="result-count">11 projects</strong>' in page
    assert re.search(r'aria-current="true">.*Guatemala</a> <span class="count">\(11, selected\)', page)
    assert page.count("<tr>") == 11 + 1  # the rows and the head


def test_facets_combine_or_within_and_across(browse: FlaskClient, graph: Graph) -> None:
    """Two programs: either; a program and a country: both. Counts are those of the other facets' choice."""
    both_programs = _facets(browse, "program=accbp&program=gpp")
    all_projects = len(set(graph.subjects(RDF.type, KG.Project)))
    assert both_programs["total"] == all_projects == 13
    accbp_gt = _facets(browse, "program=accbp&country=gt")
    expected = {
        str(row[0])
        for row in graph.query(
            f"""SELECT DISTINCT ?p WHERE {{ ?p kg:fundedThrough <{BASE}program/accbp> ;
                kg:beneficiaryRegion ?r . <{BASE}country/gt> schema:containedInPlace* ?r }}""",
            initNs=PREFIXES,
        )
    }
    assert {p["iri"] for p in accbp_gt["projects"]} == expected
    assert 0 < len(expected) < 11
    # The program facet, with Guatemala chosen, counts what each program gives with Guatemala.
    programs = {v["key"]: v["count"] for v in accbp_gt["facets"]["program"]}
    gt_only = _facets(browse, "country=gt")
    assert programs["accbp"] == len(expected)
    assert sum(programs.values()) >= len(gt_only["projects"])


def test_amount_range_selects_by_the_figure_stated(browse: FlaskClient, graph: Graph) -> None:
    body = _facets(browse, "min=500000&max=1000000")
    figures = {
        str(row[0]): float(row[1])
        for row in graph.query(
            """SELECT ?p ?v WHERE { ?g schema:fundedItem ?p ; schema:amount ?a .
               ?a schema:value|schema:minValue|schema:maxValue ?v }""",
            initNs=PREFIXES,
        )
    }
    expected = {p for p, v in figures.items() if 500_000 <= v < 1_000_000}
    assert expected and {p["iri"] for p in body["projects"]} == expected
    buckets = {(b["min"], b["max"]): b["count"] for b in _facets(browse)["amounts"]}
    assert buckets[(500000, 1000000)] == len(expected)
    assert sum(buckets.values()) == len(figures)


def test_a_unit_s_projects_are_its_organisation_s(browse: FlaskClient, graph: Graph) -> None:
    """The OAS implements through its Secretariat: the OAS facet finds those projects."""
    oas = _facets(browse, "implementer=oas")
    units = {str(u) for u in graph.subjects(ORG.unitOf, URIRef(f"{BASE}organization/oas"))}
    assert units and oas["total"] > 0
    for project in oas["projects"]:
        assert {i["iri"] for i in project["implementers"]} & (units | {f"{BASE}organization/oas"})
