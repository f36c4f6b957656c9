"""The server on a remote store: the real build loaded by `kg build`'s push, served from Oxigraph server and
Virtuoso, answering as the embedded store does; a store that dies gives 503 + Retry-After at once, and
the server recovers when it comes back."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from rdflib import Dataset as RdfDataset
from rdflib import Graph
from rdflib.compare import isomorphic
from store_servers import Server, serve_release, written_build

from kg.settings import Settings
from kg.store.push import push_configured
from kg.web.config import WebOptions

PROJECT = "/project/interpol-mobile-police-training-program"
COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
TYPES = "SELECT DISTINCT ?type WHERE { ?s a ?type } ORDER BY ?type"


@pytest.fixture(scope="module")
def built(dataset: RdfDataset, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return written_build(dataset, tmp_path_factory.mktemp("remote-build"))


@pytest.fixture(scope="module")
def embedded(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield from serve_release(built, WebOptions(store_dir=tmp_path_factory.mktemp("stores"), timeout=5.0))


@pytest.fixture(scope="module")
def remote(
    built: Settings, remote_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    records = tmp_path_factory.mktemp("records")
    env = {"KG_STORE": remote_server.url, "KG_STORE_DIR": str(records)}
    said = push_configured(built, env)
    assert said is not None and "0 deleted" in said
    again = push_configured(built, env)  # nothing changed: nothing is sent again
    assert again is not None and "0 graph(s) replaced" in again
    yield from serve_release(built, WebOptions(store_dir=records, timeout=5.0, store=remote_server.url))


def _sparql(app: Flask, query: str) -> object:
    answer = app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    return json.loads(answer.data)["results"]["bindings"]


def _parts(html: str) -> list[str]:
    """Links and texts of a page, sorted: stores list a node's values in their own orders."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return sorted(re.findall(r'href="[^"]*"|>[^<]+<', html))


def test_pages_and_queries_answer_as_on_the_embedded_store(remote: Flask, embedded: Flask) -> None:
    for path in (f"{PROJECT}.ttl", "/organization/unodc.ttl", "/graph/reference.ttl"):
        mine, theirs = (app.test_client().get(path) for app in (remote, embedded))
        assert (mine.status_code, theirs.status_code) == (200, 200), path
        assert isomorphic(
            Graph().parse(data=mine.text, format="turtle"), Graph().parse(data=theirs.text, format="turtle")
        )
    # The landing page counts every quad; the catalog counts by SPARQL; a graph page reads a whole graph.
    for path in (f"{PROJECT}.html", "/", "/catalog.html", "/graph/reference.html"):
        html = [app.test_client().get(path) for app in (remote, embedded)]
        assert html[0].status_code == 200 and _parts(html[0].text) == _parts(html[1].text), path
    for query in (COUNT, TYPES):
        assert _sparql(remote, query) == _sparql(embedded, query)


def test_a_query_past_the_limit_is_503_and_the_store_goes_on(remote: Flask) -> None:
    client = remote.test_client()
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    answer = client.get("/sparql", query_string={"query": heavy})
    assert answer.status_code == 503 and "timeout" in answer.text.lower()
    assert time.monotonic() - started < 6  # the server's deadline is 5 s; the store stopped it by then
    assert client.get(f"{PROJECT}.ttl").status_code == 200


def test_a_dead_store_gives_503_at_once_and_the_server_recovers(remote: Flask, remote_server: Server) -> None:
    client = remote.test_client()
    assert client.get(f"{PROJECT}.ttl").status_code == 200
    remote_server.kill()
    try:
        started = time.monotonic()
        page = client.get(
            "/organization/government-of-canada.ttl"
        )  # not rendered before: it must ask the store
        query = client.get("/sparql", query_string={"query": "ASK { ?s ?p 42 }"})
        assert time.monotonic() - started < 3
        assert (page.status_code, query.status_code) == (503, 503)
        assert int(page.headers["Retry-After"]) >= 1 and int(query.headers["Retry-After"]) >= 1
    finally:
        remote_server.start()
    deadline = time.monotonic() + 10
    while (
        status := client.get("/organization/government-of-canada.ttl").status_code
    ) == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 200
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p 43 }"}).status_code == 200
