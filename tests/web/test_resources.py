"""Dereferencing: every minted IRI answers; 303 to a document per format (Cool URIs §4.3); HTML pages."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.iris import Iris
from kg.vocab import KG, SCHEMA

from .conftest import BASE, PROJECT

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROJECT_IRI = URIRef(BASE + PROJECT)


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (BROWSER, "html"),
        (None, "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("text/turtle;q=0.4, application/ld+json;q=0.8", "jsonld"),
        ("application/json", "jsonld"),
    ],
)
def test_a_thing_answers_303_to_its_document(client: FlaskClient, accept: str | None, suffix: str) -> None:
    response = client.get(f"/{PROJECT}", headers={"Accept": accept} if accept else {})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/{PROJECT}.{suffix}"
    assert "Accept" in response.headers["Vary"]
    links = response.headers["Link"]
    for ext, media in (
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
    ):
        assert f'</{PROJECT}.{ext}>; rel="alternate"; type="{media}"' in links


def test_format_parameter_and_language_survive_the_redirect(client: FlaskClient) -> None:
    response = client.get(f"/{PROJECT}?format=ttl")
    assert response.headers["Location"] == f"/{PROJECT}.ttl"
    response = client.get(f"/{PROJECT}?lang=fr", headers={"Accept": "text/html"})
    assert response.headers["Location"] == f"/{PROJECT}.html?lang=fr"


def test_406_lists_what_is_offered(client: FlaskClient) -> None:
    response = client.get(f"/{PROJECT}", headers={"Accept": "application/x-evil"})
    assert response.status_code == 406
    assert "Accept" in response.headers["Vary"]
    assert "text/turtle" in response.text and "application/ld+json" in response.text


@pytest.mark.parametrize(
    ("suffix", "media_type", "rdflib_format"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("nt", "application/n-triples", "nt"),
        ("rdf", "application/rdf+xml", "xml"),
    ],
)
def test_documents_describe_the_thing(
    client: FlaskClient, graph: Graph, suffix: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get(f"/{PROJECT}.{suffix}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    served = Graph().parse(data=response.data, format=rdflib_format)
    expected = set(graph.triples((PROJECT_IRI, None, None)))
    assert expected and expected <= set(served)
    assert "Link" in response.headers and "ETag" in response.headers


def test_hash_children_travel_with_their_document(client: FlaskClient) -> None:
    evidence = "evidence/grant-interpol-mobile-police-training-program-amount"
    served = Graph().parse(data=client.get(f"/{evidence}.ttl").data, format="turtle")
    quote = URIRef(f"{BASE}{evidence}#quote")
    assert (quote, RDF.type, URIRef("http://www.w3.org/ns/oa#TextQuoteSelector")) in served


def test_every_minted_iri_dereferences(client: FlaskClient, graph: Graph) -> None:
    iris = Iris(BASE)
    subjects = {str(s).split("#", 1)[0] for s in graph.subjects() if isinstance(s, URIRef)}
    minted = sorted(s for s in subjects if iris.parse(s) is not None)
    assert len(minted) > 100
    for iri in minted:
        path = "/" + iri[len(BASE) :]
        assert client.get(f"{path}.ttl").status_code == 200, iri
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code in (200, 303), iri


@pytest.mark.parametrize(
    "path",
    [
        "/project/no-such-project",
        "/project/no-such-project.ttl",
        f"/{PROJECT}.exe",
        "/resource/x",
        "/nokind/x",
        "/project/a%20b",
        "/project/Interpol",
        "/project/%2e%2e/",
        "/project/x>%20?p%20?o%7D%20UNION%20%7BSERVICE%20<http://127.0.0.1:9/>%7B?a?b?c%7D",  # A15
        "/project/" + "a" * 8000,  # D7
    ],
)
def test_unknown_iris_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 414)
    assert response.status_code < 500


def test_html_page(client: FlaskClient) -> None:
    response = client.get(f"/{PROJECT}.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.text
    assert "<h1>Interpol Mobile Police Training Program</h1>" in html
    assert 'href="/program/accbp"' in html  # a labelled link to a minted IRI, served locally
    assert "Anti-Crime Capacity Building Program" in html
    assert "Source sentences" in html
    assert 'href="/ontology#implementer"' in html  # property links go to the ontology's anchors
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="/{PROJECT}.{ext}"' in html
    assert "<script>" not in html and "src=" not in html  # no scripts, no external resources


def test_page_embeds_schema_org_json_ld(client: FlaskClient) -> None:
    html = client.get(f"/{PROJECT}.html").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == {"@vocab": "https://schema.org/"}  # inline: expands offline, to https terms
    assert data["@id"] == str(PROJECT_IRI)
    assert data["@type"] == "Project"
    assert any(n.get("@value") == "Interpol Mobile Police Training Program" for n in data["name"])
    # The block is RDF: a JSON-LD processor (rdflib's, offline) reads the graph's own terms and the money.
    page = Graph().parse(data=blocks[0], format="json-ld")
    assert (PROJECT_IRI, RDF.type, SCHEMA.Project) in page
    grant = URIRef(BASE + "grant/interpol-mobile-police-training-program")
    assert (PROJECT_IRI, SCHEMA.funding, grant) in page
    amount = page.value(grant, SCHEMA.amount)
    assert page.value(amount, SCHEMA.minValue).toPython() == 2_000_000
    assert str(page.value(amount, SCHEMA.currency)) == "CAD"
    assert all(str(p).startswith(("https://schema.org/", str(RDF))) for p in page.predicates())


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "nt", "rdf"])
def test_follow_your_nose_to_the_figure(client: FlaskClient, suffix: str) -> None:
    """One GET of a project's document tells how much it got: its grant and the grant's amount are in it;
    a grant's document holds its amount."""
    fmt = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}[suffix]
    project = Graph().parse(data=client.get(f"/{PROJECT}.{suffix}").data, format=fmt)
    grant = URIRef(BASE + "grant/interpol-mobile-police-training-program")
    assert (grant, SCHEMA.fundedItem, PROJECT_IRI) in project
    amount = project.value(grant, SCHEMA.amount)
    assert amount is not None
    assert project.value(amount, SCHEMA.minValue).toPython() == 2_000_000
    assert str(project.value(amount, SCHEMA.currency)) == "CAD"
    assert str(project.value(amount, KG.statedAs)) == "over $2 million"
    alone = Graph().parse(
        data=client.get(f"/grant/interpol-mobile-police-training-program.{suffix}").data, format=fmt
    )
    assert alone.value(alone.value(grant, SCHEMA.amount), SCHEMA.minValue).toPython() == 2_000_000


def test_amounts_read_with_their_qualifier(client: FlaskClient) -> None:
    grant = client.get("/grant/interpol-mobile-police-training-program.html").text
    assert "over $2,000,000" in grant
    assert (
        "close to $40,000"
        in client.get("/amount/grant-police-training-for-the-prevention-of-violence-against-women.html").text
    )
    program = client.get("/program/accbp.html").text
    assert "up to $15,000,000 a year" in program
    french = client.get("/program/accbp.html?lang=fr").text
    assert "jusqu&#39;à 15\u00a0000\u00a0000\u00a0$ par année" in french


def test_source_sentence_is_shown(client: FlaskClient) -> None:
    html = client.get("/grant/interpol-mobile-police-training-program.html").text
    assert "<q>Canada is contributing over $2 million.</q>" in html
    assert 'href="/source/news-release-175-2011-06-22"' in html


def test_language_by_accept_language_and_switch(client: FlaskClient) -> None:
    english = client.get("/program/accbp.html")
    assert "<h1>Anti-Crime Capacity Building Program</h1>" in english.text
    assert "Accept-Language" in english.headers["Vary"]
    french = client.get("/program/accbp.html", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert "<h1>Programme d&#39;aide au renforcement des capacités anticriminelles</h1>" in french.text
    assert 'lang="fr"' in french.text
    assert "?lang=en" in french.text  # the visible switch
    assert english.headers["ETag"] != french.headers["ETag"]
    forced = client.get("/program/accbp.html?lang=en", headers={"Accept-Language": "fr"})
    assert "<h1>Anti-Crime Capacity Building Program</h1>" in forced.text
    assert "Accept-Language" not in forced.headers.get("Vary", "")


def test_incoming_links_with_counts(client: FlaskClient, graph: Graph) -> None:
    html = client.get("/program/accbp.html").text
    funded = len(set(graph.subjects(KG.fundedThrough, URIRef(BASE + "program/accbp"))))
    assert funded > 5
    assert f"({funded} links)" in html
    assert "Linked from" in html


def test_graph_iris_dereference(client: FlaskClient, graph: Graph) -> None:
    response = client.get("/graph/reference", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    turtle = client.get("/graph/reference.ttl")
    assert turtle.status_code == 200
    assert len(Graph().parse(data=turtle.data, format="turtle")) > 100
    assert "triples" in client.get("/graph/reference.html").text


def test_source_text_is_verbatim(client: FlaskClient, web_settings: object) -> None:
    from kg.settings import Settings

    assert isinstance(web_settings, Settings)
    response = client.get("/source/news-release-175-2011-06-22", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    expected = (web_settings.sources_dir / "news-release-175-2011-06-22.txt").read_bytes()
    assert response.data == expected
    assert client.get("/source/news-release-175-2011-06-22.txt").data == expected
    rdf = client.get("/source/news-release-175-2011-06-22", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 303 and rdf.headers["Location"].endswith(".ttl")
    description = Graph().parse(
        data=client.get("/source/news-release-175-2011-06-22.ttl").data, format="turtle"
    )
    assert (None, SCHEMA.encodingFormat, None) in description


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get(f"/{PROJECT}.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    assert client.get(f"/{PROJECT}.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/{PROJECT}.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(f"/{PROJECT}.ttl", headers={"If-None-Match": '"other"'}).status_code == 200


def test_content_negotiation_200_mode(app: Flask) -> None:
    from dataclasses import replace

    from kg.web import create_app
    from kg.web.state import state

    with app.app_context():
        st = state()
    other = create_app(
        st.settings, store=st.reader.store, dataset=st.dataset, options=replace(st.options, redirect="200")
    )
    response = other.test_client().get(f"/{PROJECT}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == f"/{PROJECT}.ttl"
    assert "Accept" in response.headers["Vary"]
