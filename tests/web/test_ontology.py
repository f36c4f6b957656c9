"""The ontology at its IRI (HTML documentation in en/fr, RDF by negotiation) and /shapes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.vocab import KG, KG_ONTOLOGY


def test_ontology_html(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == "/ontology.html"
    html = response.text
    assert 'id="Project"' in html and 'id="fundedThrough"' in html
    assert "annual cap" in html
    french = client.get("/ontology?lang=fr").text
    assert "plafond annuel" in french


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_ontology_rdf(client: FlaskClient, accept: str, fmt: str) -> None:
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.data, format=fmt)
    assert (URIRef(KG_ONTOLOGY), RDF.type, OWL.Ontology) in graph
    assert (KG.Project, RDF.type, OWL.Class) in graph


def test_ontology_suffixes(client: FlaskClient) -> None:
    assert client.get("/ontology.ttl").mimetype == "text/turtle"
    assert client.get("/ontology.nt").mimetype == "application/n-triples"
    assert client.get("/ontology.html").mimetype == "text/html"
    assert client.get("/ontology.exe").status_code == 404


def test_shapes(client: FlaskClient) -> None:
    turtle = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    Graph().parse(data=turtle.data, format="turtle")
    html = client.get("/shapes", headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert "<h1>Shapes</h1>" in html.text


def test_version_iri_dereferences(client: FlaskClient) -> None:
    response = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == "/ontology.ttl"
    assert client.get("/ontology/9.9.9").status_code == 404


@pytest.mark.parametrize(
    ("path", "accept", "location"),
    [
        ("/ontology", "text/html", "/ontology.html"),
        ("/ontology", "text/turtle", "/ontology.ttl"),
        ("/shapes", "application/ld+json", "/shapes.jsonld"),
    ],
)
def test_304_repeats_content_location(client: FlaskClient, path: str, accept: str, location: str) -> None:
    """A 304 repeats the Content-Location the 200 would send (RFC 9110 §15.4.5)."""
    first = client.get(path, headers={"Accept": accept})
    assert first.headers["Content-Location"] == location
    again = client.get(path, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Content-Location"] == location
    assert again.headers["ETag"] == first.headers["ETag"] and again.headers["Vary"] == first.headers["Vary"]
