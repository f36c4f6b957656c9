"""kg.web.lane: light /sparql requests answered by kg serve's handler before a WSGI environ is made give the
app's answer, byte for byte; every other request reaches the app as it was sent. Over real sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from werkzeug.serving import make_server

from kg.settings import Settings
from kg.sparql import QueryService
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.lane import EXTENSION as LANE
from kg.web.live import LiveApp, Served
from kg.web.runtime import Prepared
from kg.web.serve import LimitedRequestHandler

from .conftest import BASE, PROJECT

JSON = "application/sparql-results+json"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{BASE}{PROJECT}> ?p ?o }}"
HEAVY = "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type"


class Counted:
    """The app's own WSGI stack, counting the requests that reach it (the lane's never do)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    def __call__(self, environ: Any, start_response: Any) -> Any:
        self.calls += 1
        return self.app(environ, start_response)


def _app(settings: Settings, prepared: Prepared, options: WebOptions, service: QueryService) -> Flask:
    app = create_app(
        settings, store=prepared.store, dataset=prepared.dataset, queries=service, options=options
    )
    app.wsgi_app = Counted(app.wsgi_app)  # type: ignore[method-assign]
    return app


@pytest.fixture(scope="module")
def servers(
    web_settings: Settings,
    prepared: Prepared,
    options: WebOptions,
    service: QueryService,
    tmp_path_factory: Any,
) -> Iterator[dict[str, Any]]:
    """kg serve's handler in front of a LiveApp (with the lane) and of the bare Flask app (without), for
    the default options and for a public URL with a path prefix."""
    found: dict[str, Any] = {}
    started = []
    for name, opts in (
        ("plain", replace(options, answer_cache_bytes=0)),
        ("public", replace(options, answer_cache_bytes=0, public_url="https://data.example.org/kg/")),
        ("cached", replace(options, answer_cache_bytes=1 << 20)),
    ):
        laned = _app(web_settings, prepared, opts, service)
        bare = _app(web_settings, prepared, opts, service)
        live = LiveApp(
            lambda a=laned: Served(a, None, "", "v"),
            Path(str(tmp_path_factory.mktemp("d"))),
            interval=0,
            retire_after=0,
        )
        ports = []
        for wsgi in (live, bare):
            server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=LimitedRequestHandler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            started.append(server)
            ports.append(server.port)
        found[name] = {"lane": ports[0], "app": ports[1], "laned": laned, "bare": bare}
    yield found
    for server in started:
        server.shutdown()
        server.server_close()


def _request(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers)]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _read_answer(stream: Any, head: bool) -> tuple[str, list[str], bytes]:
    status = stream.readline().decode("latin-1").rstrip("\r\n")
    fields = []
    length = 0
    chunked = False
    while (line := stream.readline()) not in (b"\r\n", b""):
        text = line.decode("latin-1").rstrip("\r\n")
        name, _, value = text.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        if name.lower() == "transfer-encoding":
            chunked = True
        if name.lower() != "date":
            fields.append(text)
    if head:
        return status, sorted(fields), b""
    if chunked:
        body = b""
        while (size := int(stream.readline().strip(), 16)) > 0:
            body += stream.read(size)
            stream.readline()
        stream.readline()
    else:
        body = stream.read(length)
    return status, sorted(fields), body


def _exchange(port: int, *requests: bytes) -> list[tuple[str, list[str], bytes]]:
    """Send the requests on one connection, one after the other; their answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        stream = sock.makefile("rb")
        answers = []
        for request in requests:
            sock.sendall(request)
            answers.append(_read_answer(stream, head=request.startswith(b"HEAD ")))
        return answers


def _both(servers: dict[str, Any], which: str, *requests: bytes) -> tuple[Any, Any, int]:
    """The answers through the lane and through the app alone, and how many requests the lane took."""
    pair = servers[which]
    before = pair["laned"].wsgi_app.calls
    through_lane = _exchange(pair["lane"], *requests)
    taken = len(requests) - (pair["laned"].wsgi_app.calls - before)
    return through_lane, _exchange(pair["app"], *requests), taken


HOST = [("Host", "127.0.0.1:8080")]


def _post(
    query: str, accept: str = JSON, content_type: str = "application/sparql-query", extra: Any = ()
) -> bytes:
    headers = [*HOST, ("Accept", accept), ("Content-Type", content_type), *extra]
    return _request("POST", "/sparql", headers, query.encode())


def _get(query: str, accept: str = JSON, params: str = "", extra: Any = ()) -> bytes:
    target = "/sparql?" + urlencode({"query": query}, quote_via=quote) + params
    return _request("GET", target, [*HOST, ("Accept", accept), *extra])


TAKEN = {
    "direct POST": _post(LOOKUP),
    "POST with a charset": _post(LOOKUP, content_type="application/sparql-query; charset=UTF-8"),
    "form POST": _post(urlencode({"query": LOOKUP}), content_type="application/x-www-form-urlencoded"),
    "GET, XML": _get(LOOKUP, "application/sparql-results+xml"),
    "GET, TSV by q-values": _get(LOOKUP, "text/csv;q=0.5, text/tab-separated-values"),
    "GET, SPARQLWrapper's format names": _get(LOOKUP, "*/*", params="&format=csv&output=csv&results=csv"),
    "GET, another host and port": _request(
        "GET", "/sparql?query=" + quote(LOOKUP), [("Host", "localhost:1")]
    ),
    "GET, non-ASCII in the query string": _get(f"SELECT ?p ?o WHERE {{ <{BASE}{PROJECT}> ?p ?o }} # é"),
    "ASK": _post(f"ASK {{ <{BASE}{PROJECT}> a ?type }}"),
    "CONSTRUCT as Turtle": _post(f"CONSTRUCT WHERE {{ <{BASE}{PROJECT}> ?p ?o }}", "text/turtle"),
    "relative IRI": _get("SELECT ?p ?o WHERE { <../project/x> ?p ?o }"),
    "no Accept": _request(
        "POST", "/sparql", [*HOST, ("Content-Type", "application/sparql-query")], LOOKUP.encode()
    ),
    "a heavy query (a worker runs it)": _post(HEAVY + " LIMIT 50"),
}


@pytest.mark.parametrize("which", ["plain", "public", "cached"])
@pytest.mark.parametrize("request_bytes", TAKEN.values(), ids=TAKEN.keys())
def test_the_lane_answers_light_requests_as_the_app(
    servers: dict[str, Any], which: str, request_bytes: bytes
) -> None:
    through_lane, through_app, taken = _both(servers, which, request_bytes, request_bytes)
    assert taken == 2  # the lane answered both, and the connection stayed open for the second
    assert through_lane == through_app
    assert through_lane[0][0] == "HTTP/1.1 200 OK" and through_lane[0] == through_lane[1]


PASSED_ON = {
    "an HTML page": _get(LOOKUP, "text/html"),
    "a conditional GET": _get(LOOKUP, extra=[("If-None-Match", 'W/"x"')]),
    "a ranged GET": _get(LOOKUP, extra=[("Range", "bytes=0-10")]),
    "HEAD": _request("HEAD", "/sparql?query=" + quote(LOOKUP), HOST),
    "a syntax error": _post("SELECT ?p WHERE { <x> ?p }}"),
    "a refused query": _post("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"),
    "a graph that is not public": _get(LOOKUP, params="&default-graph-uri=http%3A%2F%2Fexample.org%2Fs"),
    "the service description": _request("GET", "/sparql", [*HOST, ("Accept", "text/turtle")]),
    "an update": _post("DELETE WHERE { ?s ?p ?o }", content_type="application/sparql-update"),
    "a format nobody offers": _get(LOOKUP, "image/png"),
    "Accept sent twice": _get(LOOKUP, extra=[("Accept", "text/csv")]),
    "Host sent twice": _get(LOOKUP, extra=[("Host", "localhost")]),
    "a host that is not allowed": _request(
        "GET", "/sparql?query=" + quote(LOOKUP), [("Host", "evil.example")]
    ),
    "another path": _request("GET", "/sparqlx?query=" + quote(LOOKUP), HOST),
    "a path with an escape": _request("GET", "/sp%61rql?query=" + quote(LOOKUP), HOST),
    "a chunked POST": _request(
        "POST",
        "/sparql",
        [*HOST, ("Content-Type", "application/sparql-query"), ("Transfer-Encoding", "chunked")],
        b"%x\r\n%s\r\n0\r\n\r\n" % (len(LOOKUP), LOOKUP.encode()),
    ).replace(b"Content-Length: %d\r\n" % (len(LOOKUP) + 10 + len(b"%x" % len(LOOKUP))), b""),
}


@pytest.mark.parametrize("request_bytes", PASSED_ON.values(), ids=PASSED_ON.keys())
def test_everything_else_reaches_the_app_as_it_was_sent(
    servers: dict[str, Any], request_bytes: bytes
) -> None:
    through_lane, through_app, taken = _both(servers, "plain", request_bytes)
    assert taken == 0
    if request_bytes == PASSED_ON["the service description"]:  # blank nodes: new labels at every answer
        assert through_lane[0][0] == through_app[0][0] == "HTTP/1.1 200 OK"
    else:
        assert through_lane == through_app


def test_a_body_read_and_declined_is_the_apps_and_the_connection_goes_on(servers: dict[str, Any]) -> None:
    page = _post(HEAVY + " LIMIT 51", "text/html")  # read by the lane, declined: a page is the app's
    through_lane, through_app, taken = _both(servers, "plain", page, _post(LOOKUP), page)
    assert taken == 1  # the lookup
    assert [a[0] for a in through_lane] == ["HTTP/1.1 200 OK"] * 3
    assert through_lane == through_app


def test_a_heavy_query_the_lane_ran_is_written_by_the_app_without_running_it_again(
    servers: dict[str, Any], service: QueryService
) -> None:
    # GROUP_CONCAT over IRIs is unbound (an error SPARQL answers as unbound): the X-KG-Unbound header of
    # such an answer is the blueprint's to write, so the lane hands the app the answer its worker gave.
    unbound = _post("SELECT (GROUP_CONCAT(?type) AS ?types) (COUNT(*) AS ?n) WHERE { ?s a ?type }")
    before = service.stats()
    through_lane = _exchange(servers["plain"]["lane"], unbound)
    after = service.stats()
    assert after["queries"] - before["queries"] == 1  # a worker ran it once...
    assert after["cache_hits"] == before["cache_hits"]  # ...and the app did not ask the service again
    status, fields, _ = through_lane[0]
    assert status == "HTTP/1.1 200 OK" and "X-KG-Unbound: types" in fields
    assert through_lane == _exchange(servers["plain"]["app"], unbound)


def test_a_repeated_light_request_is_answered_from_the_answer_cache(servers: dict[str, Any]) -> None:
    lane = servers["cached"]["laned"].extensions[LANE]
    lookup = _post(LOOKUP.replace("?o", "?kept"))
    other = _post(LOOKUP.replace("?o", "?kept"), "text/csv")  # the same query, another format: not a hit
    before = lane.answers.hits
    through_lane, through_app, taken = _both(servers, "cached", lookup, other, lookup, other)
    assert taken == 4 and lane.answers.hits - before == 2
    assert through_lane == through_app
    assert through_lane[0] == through_lane[2] and through_lane[0] != through_lane[1]
    assert through_lane[1][2].startswith(b"p,kept")
