"""What the graph does not state stays absent in the list: a project with no program, region or amount, a
release with no project. And the list's state survives its own links (parse -> link -> parse)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from flask import Flask
from rdflib import Graph, Literal, URIRef

from kg.browse.query import Catalogue, Selection, parse_selection
from kg.browse.records import browse_data
from kg.search_index import INDEX_FILE, SearchIndex, write_index
from kg.vocab import KG, RDF, SCHEMA
from kg.web import create_app
from kg.web.browse_view import selection_csv
from kg.web.state import AppState

from .conftest import BASE

PROJECT = URIRef(f"{BASE}project/interpol-mobile-police-training-program")


def _stripped(graph: Graph) -> Graph:
    """The seed with one project stripped of its program, regions and grant, and a release with none."""
    g = Graph()
    for triple in graph:
        g.add(triple)
    for predicate in (KG.fundedThrough, KG.beneficiaryRegion, SCHEMA.areaServed):
        g.remove((PROJECT, predicate, None))
    for grant in list(g.subjects(SCHEMA.fundedItem, PROJECT)):
        g.remove((grant, None, None))
    empty = URIRef(f"{BASE}release/a-release-with-no-project")
    g.add((empty, RDF.type, KG.NewsRelease))
    g.add((empty, SCHEMA.headline, Literal("A total alone", lang="en")))
    return g


def test_missing_values_are_absent_not_invented(graph: Graph, tmp_path: Path) -> None:
    data = browse_data(_stripped(graph))
    assert len(data.projects) == 13  # the release with no project adds no row
    record = next(p for p in data.projects if p.iri == str(PROJECT))
    assert record.amount is None and record.stated is None and record.currency is None
    assert not [f for f, _ in record.facet_terms if f in ("program", "country", "region")]
    write_index(data, tmp_path / INDEX_FILE)
    reread = SearchIndex(tmp_path / INDEX_FILE).browse_data()
    assert next(p for p in reread.projects if p.iri == str(PROJECT)) == record
    catalogue = Catalogue(reread.projects, reread.terms)
    for sort in ("amount", "-amount"):  # no figure: last, whichever way
        assert catalogue.select(Selection(sort=sort), "en").selected[-1].iri == str(PROJECT)
    outcome = catalogue.select(Selection(), "en")
    programs = {v.term.key: v.count for f in outcome.facets if f.name == "program" for v in f.values}
    assert sum(programs.values()) == 12
    assert str(PROJECT) not in {
        r.iri
        for r in catalogue.select(
            Selection(amount_min=None, amount_max=None, filters=(("program", ("accbp", "gpp")),)), "en"
        ).selected
    }
    row = next(line for line in selection_csv(outcome, catalogue, "en").splitlines() if str(PROJECT) in line)
    assert ",,,," in row  # amount, currency, qualifier, stated as: empty cells


def test_a_selection_survives_its_own_links() -> None:
    pairs = [
        ("country", "gt"),
        ("country", "hn"),
        ("program", "accbp"),
        ("min", "100000"),
        ("max", "2e6"),
        ("q", "sécurité police*"),
        ("sort", "-amount"),
        ("page", "3"),
        ("size", "50"),
        ("more", "theme"),
    ]
    selection = parse_selection(pairs)
    again = parse_selection([tuple(p.split("=", 1)) for p in _decoded(selection.query_string())])
    assert again == selection
    assert selection.toggled("country", "gt").chosen("country") == ("hn",)
    assert selection.toggled("country", "gt").page == 1
    assert selection.toggled("theme", "x").chosen("theme") == ("x",)
    assert "country" not in dict(selection.toggled("country", "gt").toggled("country", "hn").filters)


def _decoded(query: str) -> list[str]:
    from urllib.parse import unquote_plus

    return [unquote_plus(part) for part in query.split("&")]


def test_a_build_without_an_index_is_indexed_from_the_store(browse_app: Flask, tmp_path: Path) -> None:
    """`kg serve FILE` (or a build of an older kg): the list and the search still work, from the store."""
    st: AppState = browse_app.extensions["kg"]
    options = replace(st.options, store_dir=tmp_path / "stores")
    dataset = replace(st.dataset, dist_dir=tmp_path)
    app = create_app(st.settings, store=st.reader.store, dataset=dataset, options=options)
    client = app.test_client()
    assert client.get("/projects.json?country=gt").get_json()["total"] == 11
    assert client.get("/search?q=securite").status_code == 200
    assert [p.name for p in (tmp_path / "stores").iterdir()] == [f"search-{dataset.version[:32]}.sqlite"]
    # A `kg add` build whose index `kg build --finish` is still writing: try again shortly.
    (tmp_path / "manifest.json").write_text(json.dumps({"files": [], "pending": [INDEX_FILE]}))
    app = create_app(st.settings, store=st.reader.store, dataset=dataset, options=options)
    reply = app.test_client().get("/search?q=police")
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
