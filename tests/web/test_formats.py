"""Answers at the edges of negotiation: junk format names, every advertised format, validators."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset


@pytest.mark.parametrize(
    "path",
    [
        "/ontology",
        "/shapes",
        "/catalog",
        "/.well-known/void",
        "/downloads/",
        "/sparql",
        "/project/interpol-mobile-police-training-program",
        "/source/news-release-175-2011-06-22",
    ],
)
def test_a_format_parameter_that_is_no_name_is_a_client_error(client: FlaskClient, path: str) -> None:
    reply = client.get(path, query_string={"format": "a;b"})
    assert reply.status_code == 400
    assert "format parameter" in reply.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/ontology.nq", "/shapes.nq", "/ontology.trig", "/shapes.trig"])
def test_every_advertised_ontology_format_is_served(client: FlaskClient, path: str) -> None:
    advertised = client.get(path.rsplit(".", 1)[0]).headers["Link"]
    assert f"<{path}>" in advertised
    reply = client.get(path)
    assert reply.status_code == 200
    data = Dataset()
    data.parse(data=reply.get_data(), format="nquads" if path.endswith(".nq") else "trig")
    assert len(data) > 100


def test_the_source_texts_303_may_be_cached(client: FlaskClient) -> None:
    reply = client.get("/source/news-release-175-2011-06-22", headers={"Accept": "text/turtle"})
    assert reply.status_code == 303
    assert "max-age" in reply.headers.get("Cache-Control", "")


def test_a_download_answers_304_to_a_weak_validator(client: FlaskClient) -> None:
    first = client.get("/downloads/kg.nt")
    first.close()  # the file is streamed: close it, as a server does once it is sent
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get("/downloads/kg.nt", headers={"If-None-Match": f"W/{etag}"})
    assert again.status_code == 304  # RFC 9110 §13.1.2: If-None-Match uses the weak comparison
