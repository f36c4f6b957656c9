"""kg.web.light_queries: lookups and cached answers skip Flask and answer what the blueprint answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from kg.settings import Settings
from kg.sparql import QueryService
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.fairness import ClientShares
from kg.web.light_queries import LightQueries
from kg.web.runtime import Prepared
from kg.web.state import EXTENSION

from .conftest import BASE, PROJECT

JSON = "application/sparql-results+json"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{BASE}{PROJECT}> ?p ?o }}"
HEAVY = "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type"


@pytest.fixture
def sparql_app(
    web_settings: Settings, prepared: Prepared, options: WebOptions, service: QueryService
) -> Flask:
    """An app of its own (no whole-answer cache: every request reaches the middleware)."""
    return create_app(
        web_settings,
        store=prepared.store,
        dataset=prepared.dataset,
        queries=service,
        options=replace(options, answer_cache_bytes=0),
    )


def _lane(app: Flask) -> LightQueries:
    found: Any = app.wsgi_app
    while not isinstance(found, LightQueries):
        found = found.app
    return found


def _call(wsgi: Any, builder: EnvironBuilder) -> tuple[str, list[tuple[str, str]], bytes]:
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        captured[:] = [status, headers]

    body: Iterable[bytes] = wsgi(builder.get_environ(), start_response)
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    status, headers = captured
    return status, sorted((k, v) for k, v in headers if k != "Date"), data


def _pair(app: Flask, **request: Any) -> tuple[Any, Any, int]:
    """The middleware's answer, the blueprint's answer to the same request, and how many it answered."""
    lane = _lane(app)
    before = lane.answered
    light = _call(lane, EnvironBuilder(**request))
    answered = lane.answered - before
    blueprint = _call(lane.app, EnvironBuilder(**request))
    return light, blueprint, answered


def _post(query: str, accept: str = JSON, **extra: Any) -> dict[str, Any]:
    headers = {"Accept": accept, **extra.pop("headers", {})}
    content_type = extra.pop("content_type", "application/sparql-query")
    return {
        "method": "POST",
        "path": "/sparql",
        "data": query,
        "content_type": content_type,
        "headers": headers,
        **extra,
    }


def _get(query: str, accept: str = JSON, **extra: Any) -> dict[str, Any]:
    params = {"query": query, **extra.pop("params", {})}
    headers = {"Accept": accept, **extra.pop("headers", {})}
    return {"method": "GET", "path": "/sparql", "query_string": params, "headers": headers, **extra}


ANSWERED = {
    "direct POST": _post(LOOKUP),
    "POST with a charset": _post(LOOKUP, content_type="application/sparql-query; charset=UTF-8"),
    "form POST": _post("", content_type="application/x-www-form-urlencoded", data={"query": LOOKUP}),
    "GET, XML": _get(LOOKUP, "application/sparql-results+xml"),
    "GET, TSV by q-values": _get(LOOKUP, "text/csv;q=0.5, text/tab-separated-values"),
    "GET, SPARQLWrapper's format names": _get(
        LOOKUP, "*/*", params={"format": "csv", "output": "csv", "results": "csv"}
    ),
    "GET, another host and port": _get(LOOKUP, headers={"Host": "localhost:8080"}),
    "GET under a prefix": _get(LOOKUP, environ_overrides={"SCRIPT_NAME": "/kg"}),
    "ASK": _post(f"ASK {{ <{BASE}{PROJECT}> a ?type }}"),
    "CONSTRUCT as Turtle": _post(f"CONSTRUCT WHERE {{ <{BASE}{PROJECT}> ?p ?o }}", "text/turtle"),
    "CONSTRUCT as N-Triples": _get(f"CONSTRUCT WHERE {{ <{BASE}{PROJECT}> ?p ?o }}", "application/n-triples"),
    "relative IRI": _get("SELECT ?p ?o WHERE { <../project/x> ?p ?o }"),
    "http schema.org": _post(
        f"PREFIX s: <http://schema.org/> SELECT ?n WHERE {{ <{BASE}{PROJECT}> s:name ?n }}"
    ),
}


@pytest.mark.parametrize("request_args", ANSWERED.values(), ids=ANSWERED.keys())
def test_light_answers_are_the_blueprints(sparql_app: Flask, request_args: dict[str, Any]) -> None:
    light, blueprint, answered = _pair(sparql_app, **request_args)
    assert answered == 1
    assert light[0] == "200 OK"
    assert light == blueprint


def test_a_heavy_query_runs_on_a_worker_from_here_then_comes_from_the_cache(
    sparql_app: Flask, service: QueryService
) -> None:
    heavy = _post(HEAVY + " LIMIT 52")  # a text no other test sends
    before = service.stats()["queries"]
    first, blueprint, answered = _pair(sparql_app, **heavy)
    assert answered == 1 and first[0] == "200 OK" and first == blueprint
    assert service.stats()["queries"] - before == 1  # the blueprint's answer came from the cache
    again, _, answered = _pair(sparql_app, **heavy)
    assert answered == 1 and again == first and service.stats()["queries"] - before == 1


def test_a_client_over_its_share_gets_the_blueprints_429(sparql_app: Flask) -> None:
    st = sparql_app.extensions[EXTENSION]
    shares = ClientShares(1)  # no waiting for a slot: refused at once
    sparql_app.extensions[EXTENSION] = replace(st, shares=shares)
    with shares.take("192.0.2.7") as granted:
        assert granted
        heavy = _post(HEAVY + " LIMIT 53", environ_base={"REMOTE_ADDR": "192.0.2.7"})
        light, blueprint, answered = _pair(sparql_app, **heavy)
    assert answered == 0 and light == blueprint
    assert light[0].startswith("429 ") and ("Retry-After", "5") in light[1]


PASSED_ON = {
    "an HTML page": _get(LOOKUP, "text/html"),
    "a conditional GET": _get(LOOKUP, headers={"If-None-Match": 'W/"x"'}),
    "HEAD": {**_get(LOOKUP), "method": "HEAD"},
    "a syntax error": _post("SELECT ?p WHERE { <x> ?p }}"),
    "a refused query": _post("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"),
    "a graph that is not public": _get(LOOKUP, params={"default-graph-uri": "http://example.org/secret"}),
    "the service description": {"method": "GET", "path": "/sparql", "headers": {"Accept": "text/turtle"}},
    "an update": _post("DELETE WHERE { ?s ?p ?o }", content_type="application/sparql-update"),
    "a format nobody offers": _get(LOOKUP, "image/png"),
}


@pytest.mark.parametrize("request_args", PASSED_ON.values(), ids=PASSED_ON.keys())
def test_everything_else_is_the_blueprints(sparql_app: Flask, request_args: dict[str, Any]) -> None:
    light, blueprint, answered = _pair(sparql_app, **request_args)
    assert answered == 0  # so both answers are the blueprint's
    assert light[0] == blueprint[0]


def test_a_cut_answer_goes_to_the_blueprint_for_its_headers(
    web_settings: Settings, prepared: Prepared, options: WebOptions, service: QueryService
) -> None:
    small = replace(service.limits, max_rows=2)
    cut = QueryService(
        prepared.store_path,
        dataset_version=prepared.dataset.version,
        public_graphs=prepared.dataset.public_graphs,
        limits=replace(small, workers=1),
        local_store=prepared.store,
    )
    with cut:
        app = create_app(
            web_settings,
            store=prepared.store,
            dataset=prepared.dataset,
            queries=cut,
            options=replace(options, answer_cache_bytes=0),
        )
        light, blueprint, answered = _pair(app, **_post(LOOKUP))
    assert answered == 0
    assert light == blueprint
    assert ("X-KG-Truncated", "true") in light[1]
