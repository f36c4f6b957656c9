"""Whole ``/sparql`` responses kept for identical requests (``kg.web.answers``), through the real app."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Flask

from kg.web.answers import AnswerCache

PROJECT = "https://w3id.org/kg-funding/project/interpol-mobile-police-training-program"
QUERY = f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


def _cache(app: Flask) -> AnswerCache:
    cache = app.wsgi_app
    assert isinstance(cache, AnswerCache)
    return cache


def test_identical_requests_share_an_answer(sparql_app: Flask) -> None:
    client, cache = sparql_app.test_client(), _cache(sparql_app)
    path = "/sparql?query=" + quote(QUERY + " LIMIT 7")
    first = client.get(path, headers=JSON_RESULTS)
    hits = cache.hits
    second = client.get(path, headers=JSON_RESULTS)
    assert first.status_code == second.status_code == 200
    assert cache.hits == hits + 1
    assert second.data == first.data and len(json.loads(second.data)["results"]["bindings"]) == 7
    assert dict(second.headers) == dict(first.headers)
    # Another Accept is another request: its own answer, in its own format.
    csv = client.get(path, headers={"Accept": "text/csv"})
    assert cache.hits == hits + 1 and csv.content_type.startswith("text/csv")
    # A conditional request goes to the app, which answers 304 to a matching validator.
    etag = first.headers["ETag"]
    assert client.get(path, headers={**JSON_RESULTS, "If-None-Match": etag}).status_code == 304
    assert cache.hits == hits + 1


def test_posted_queries_and_refusals(sparql_app: Flask) -> None:
    client, cache = sparql_app.test_client(), _cache(sparql_app)
    headers = {**JSON_RESULTS, "Content-Type": "application/sparql-query"}
    one = client.post("/sparql", data=QUERY + " LIMIT 2", headers=headers)
    hits = cache.hits
    again = client.post("/sparql", data=QUERY + " LIMIT 2", headers=headers)
    other = client.post("/sparql", data=QUERY + " LIMIT 3", headers=headers)  # the body is read and passed on
    assert cache.hits == hits + 1 and one.data == again.data
    assert len(json.loads(other.data)["results"]["bindings"]) == 3
    for _ in range(2):  # a refusal is answered by the app every time
        assert client.post("/sparql", data="SELECT * WHERE {", headers=headers).status_code == 400
    assert cache.hits == hits + 1


def test_the_key_tells_requests_apart_as_the_app_could() -> None:
    cache = AnswerCache(lambda environ, start_response: [], 1_000)
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": "query=x"}

    def key(**headers: str) -> object:
        return cache._key({**base, **{f"HTTP_{name}": value for name, value in headers.items()}})

    assert key(ACCEPT="a", HOST="h") == key(HOST="h", ACCEPT="a")  # the order headers came in: the same
    assert key(ACCEPT="a", HOST="h") == key(ACCEPT="a", HOST="h", USER_AGENT="other")  # ignored
    assert key(ACCEPT="a", HOST="h") != key(ACCEPT="b", HOST="h")
    assert key(ACCEPT="a", HOST="h") != key(ACCEPT="a")
    assert key(A="HTTP_B", C="d") != key(A="HTTP_B", B="HTTP_C")  # names and values never run together
    assert key(ACCEPT="a") != cache._key({**base, "QUERY_STRING": "query=y", "HTTP_ACCEPT": "a"})
