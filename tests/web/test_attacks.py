"""The attack list of security.md §6, every item that reaches HTTP, against a live server.

Each request asserts its expected status, that nothing connected to a loopback listener standing in for an
internal service (no SSRF), that no query worker died (same process ids) unless the attack is meant to kill
one, that the store did not change, and that a follow-up ``ASK {}`` answers quickly. Items about uploads
(A9-A14, B13, C6-C9) have no HTTP surface here: this server has no write endpoint.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from kg.settings import Settings
from kg.sparql import QueryLimits, QueryService
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.runtime import Prepared

from .support import Reply, fetch, running

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Listener:
    """A loopback TCP port that records every connection made to it."""

    sock: socket.socket = field(default_factory=socket.socket)
    connections: int = 0

    def __post_init__(self) -> None:
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def _count(base: str) -> int:
    reply = fetch(base, "/sparql", method="POST", body=COUNT.encode(), headers=DIRECT)
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def triples(live: str) -> int:
    return _count(live)


def _still_fine(base: str, listener: Listener, triples: int, within: float = 2.0) -> None:
    start = time.perf_counter()
    follow = fetch(base, "/sparql?query=ASK%20%7B%7D")
    assert follow.status == 200 and json.loads(follow.body)["boolean"] is True
    assert time.perf_counter() - start < within
    assert listener.connections == 0
    assert _count(base) == triples


def _query(base: str, query: str, method: str = "GET", **params: str) -> Reply:
    if method == "GET":
        return fetch(base, f"/sparql?{urlencode({'query': query, **params})}")
    if method == "FORM":
        return fetch(
            base, "/sparql", method="POST", body=urlencode({"query": query, **params}).encode(), headers=FORM
        )
    return fetch(base, f"/sparql?{urlencode(params)}", method="POST", body=query.encode(), headers=DIRECT)


REFUSED = {
    "A1": "SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "A2": "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "A3-case": "SELECT * WHERE { sErViCe\t<http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "A3-comment": "SELECT * WHERE { SERVICE#c\n<http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "A3-optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } }",
    "A3-minus": "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } }",
    "A3-exists": "SELECT * { ?a ?b ?c FILTER EXISTS { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } }",
    "A3-subquery": "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } } }",
    "A3-ipv6": "SELECT * WHERE { SERVICE <http://[::1]:PORT/> { ?s ?p ?o } }",
    "A3-decimal": "SELECT * WHERE { SERVICE <http://2130706433:PORT/> { ?s ?p ?o } }",
    "A3-file": "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    "A3-glued": "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "A4": "SELECT * { VALUES ?x {<http://127.0.0.1:PORT/>} SERVICE ?x { ?s ?p ?o } }",
    "A6-file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "A6-http": "SELECT * FROM <http://127.0.0.1:PORT/> WHERE { ?s ?p ?o }",
    "A6-named": "SELECT * FROM NAMED <http://127.0.0.1:PORT/> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "A6-relative": "SELECT * FROM </etc/hostname> WHERE { ?s ?p ?o }",
    "A8": "LOAD <http://127.0.0.1:PORT/>",
    "B1": "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "B2": "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "C2-insert": "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
    "C2-drop": "DROP ALL",
}


@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_queries(live: str, listener: Listener, triples: int, case: str, method: str) -> None:
    query = REFUSED[case].replace("PORT", str(listener.port))
    start = time.perf_counter()
    reply = _query(live, query, method)
    assert reply.status == 400, (case, reply.status, reply.text[:200])
    assert time.perf_counter() - start < 2.0  # refused before any engine runs (well under 0.1 s unloaded)
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    _still_fine(live, listener, triples)


ALLOWED = {
    "A5-variable": "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "A5-literal": 'SELECT * WHERE { ?s ?p "SERVICE <x>" }',
    "A5-comment": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://127.0.0.1:PORT/>",
    "A5-iri": "SELECT * WHERE { ?s <http://ex/SERVICE> ?o }",
    "B6-regex": 'ASK { FILTER regex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$") }',
    "B6-replace": 'ASK { FILTER (replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$", "") = "") }',
    "B6-huge-regex": 'ASK { FILTER regex("a", "(a{1000}){1000}") }',
    "B8-group-concat": "SELECT (GROUP_CONCAT(?o) AS ?x) { ?s ?p ?o }",
    "B8-describe": "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "B8-construct": "CONSTRUCT WHERE { ?s ?p ?o }",
    "B8-offset": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o OFFSET 1000000000",
}


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_harmless_or_bounded_queries_answer(
    live: str, listener: Listener, triples: int, service: QueryService, case: str
) -> None:
    pids = service.worker_pids()
    reply = _query(live, ALLOWED[case].replace("PORT", str(listener.port)))
    # 500 only where the engine itself dies: pyoxigraph 0.5.13 aborts (SIGABRT) on ORDER BY with a huge
    # OFFSET; the worker is replaced and the answer says so, never a short 200.
    expected = (200, 500, 503) if case == "B8-offset" else (200, 503)
    assert reply.status in expected, (case, reply.status, reply.text[:200])
    assert len(reply.body) <= service.limits.max_result_bytes
    _still_fine(live, listener, triples)
    if reply.status == 200:
        assert service.worker_pids() == pids


def test_b4_cartesian_product_is_cut_and_flagged(live: str, listener: Listener, triples: int) -> None:
    reply = _query(live, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
    assert reply.status == 200
    assert reply.header("X-KG-Truncated") == "true"
    _still_fine(live, listener, triples)


def test_a7_protocol_graphs_must_be_public(live: str, listener: Listener, triples: int) -> None:
    port = listener.port
    assert _query(live, "ASK {}", **{"default-graph-uri": "file:///etc/passwd"}).status == 400
    assert _query(live, "ASK {}", **{"named-graph-uri": f"http://127.0.0.1:{port}/"}).status == 400
    _still_fine(live, listener, triples)


def test_b9_values(live: str, listener: Listener, triples: int) -> None:
    rows = " ".join(f"<http://ex/{i}>" for i in range(5000))
    reply = _query(live, f"SELECT * WHERE {{ VALUES ?x {{ {rows} }} }} LIMIT 1", "DIRECT")
    assert reply.status == 200
    huge = " ".join(f"<http://ex/{i}>" for i in range(200_000))
    assert _query(live, f"SELECT * WHERE {{ VALUES ?x {{ {huge} }} }}", "DIRECT").status == 413
    assert _query(live, f"SELECT * WHERE {{ VALUES ?x {{ {huge} }} }}", "FORM").status == 413
    _still_fine(live, listener, triples)


def test_b10_big_bodies_are_413(live: str, listener: Listener, triples: int) -> None:
    body = b"ASK {} #" + b"x" * 10_000_000
    assert fetch(live, "/sparql", method="POST", body=body, headers=DIRECT).status == 413
    form = b"query=" + b"x" * 10_000_000
    assert fetch(live, "/sparql", method="POST", body=form, headers=FORM).status == 413

    def chunks() -> Iterator[bytes]:
        yield b"ASK {} #"
        for _ in range(110):
            yield b"x" * 10_000

    assert fetch(live, "/sparql", method="POST", body=chunks(), headers=DIRECT).status == 413
    _still_fine(live, listener, triples)


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        ("GET", "/sparql?update=DROP%20ALL", {}, None, 400),  # C1
        (
            "POST",
            "/sparql",
            FORM,
            b"update=INSERT%20DATA%20%7B%3Chttp%3A%2F%2Fa%3E%20%3Chttp%3A%2F%2Fb%3E%201%7D",
            400,
        ),
        ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"DROP ALL", 415),  # C3
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", {}, None, 400),  # C4
        ("GET", "/sparql?query=ASK%7B%7D&update=DROP%20ALL", {}, None, 400),  # C4
        (
            "POST",
            "/sparql?query=ASK%7B%7D",
            {"X-HTTP-Method-Override": "DELETE", **FORM},
            b"query=ASK%7B%7D",
            400,
        ),
        ("GET", "/sparql?query=ASK%7B%7D", {"X-HTTP-Method-Override": "DELETE"}, None, 200),  # C5
        ("TRACE", "/sparql", {}, None, 405),
        ("PUT", "/sparql", DIRECT, b"ASK {}", 405),
        ("DELETE", "/sparql", {}, None, 405),
        ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "application/x-evil"}, None, 406),  # D1
        ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "*/*"}, None, 200),
        ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "application/json;q=0, */*;q=0"}, None, 406),
        (
            "GET",
            "/sparql?query=ASK%7B%7D",
            {"Accept": "text/turtle, " * 700 + "*/*"},
            None,
            406,
        ),  # cut at 64 ranges
        ("GET", "/sparql?query=ASK%7B%7D&format=json%0d%0aSet-Cookie:%20a=b", {}, None, 400),  # D2
        ("GET", "/sparql?query=ASK%7B%7D&output=%0d%0aX-Evil:%201", {}, None, 400),
        (
            "GET",
            "/project/x%3E%20?p%20?o%7D%20UNION%20%7BSERVICE%20%3Chttp://127.0.0.1:9/%3E%7B?a?b?c%7D",
            {},
            None,
            404,
        ),
        ("GET", "/resource/" + "a" * 8000, {}, None, 414),  # D7
        ("GET", "/project/a%20b", {}, None, 404),
        ("GET", "/project/%2e%2e/", {}, None, 404),
    ],
)
def test_protocol_attacks(
    live: str,
    listener: Listener,
    triples: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None,
    status: int,
) -> None:
    reply = fetch(live, path, method=method, headers=headers, body=body)
    assert reply.status == status, reply.text[:200]
    assert reply.header("Set-Cookie") is None and reply.header("X-Evil") is None
    assert reply.header("Access-Control-Allow-Credentials") is None
    if status == 406:
        assert "Accept" in (reply.header("Vary") or "")
    _still_fine(live, listener, triples)


def test_d3_callback_is_ignored(live: str) -> None:
    reply = fetch(live, "/sparql?query=ASK%7B%7D&callback=alert")
    assert reply.status == 200
    assert reply.header("Content-Type") == "application/sparql-results+json"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert not reply.body.startswith(b"alert")


def test_d5_errors_never_echo_html(live: str) -> None:
    query = "SELECT * WHERE { <img src=x onerror=alert(1)> "
    reply = _query(live, query)
    assert reply.status == 400
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    # A page keeps the failed query beside its error (issue 11), escaped: the input is text, never markup.
    html = fetch(live, f"/sparql?query={quote(query)}&format=html")
    assert html.status == 400 and html.header("Content-Type") == "text/html; charset=utf-8"
    assert "<img" not in html.text and "&lt;img src=x onerror=alert(1)&gt;" in html.text
    assert 'id="query-error"' in html.text


# --- attacks that must hit the deadline: a service with one worker and a short time limit ----------------


@pytest.fixture(scope="module")
def slow(
    web_settings: Settings, prepared: Prepared, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, QueryService]]:
    limits = QueryLimits(timeout_s=1.5, workers=1, queue_timeout_s=0.3)
    options = WebOptions(store_dir=Path(tmp_path_factory.mktemp("slow")), timeout=1.5, workers=1)
    with QueryService(
        prepared.store_path,
        dataset_version=prepared.dataset.version,
        public_graphs=prepared.dataset.public_graphs,
        limits=limits,
    ) as service:
        app = create_app(
            web_settings, store=prepared.store, dataset=prepared.dataset, queries=service, options=options
        )
        with running(app) as url:
            yield url, service


SLOW = {
    "B3": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "B5-negated": "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://ex/p>|!<http://ex/p>)* ?o . ?x ?y ?z }",
    "B5-plus": "SELECT (COUNT(*) AS ?n) WHERE { ?s (!<http://ex/x>)+ ?o . ?a ?b ?c }",
    "B7": 'SELECT ?v27 WHERE { BIND("ab" AS ?v0) '
    + " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(27))
    + " }",
}


@pytest.mark.parametrize("case", sorted(SLOW))
def test_runaway_queries_are_stopped(
    slow: tuple[str, QueryService], listener: Listener, triples: int, case: str
) -> None:
    url, service = slow
    start = time.perf_counter()
    reply = _query(url, SLOW[case])
    elapsed = time.perf_counter() - start
    assert reply.status in (500, 503), (case, reply.status, reply.text[:200])
    assert elapsed < 6
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    _still_fine(url, listener, triples, within=5.0)
    assert service.stats()["workers_alive"] == 1


def test_b12_more_slow_queries_than_workers(
    slow: tuple[str, QueryService], listener: Listener, triples: int
) -> None:
    """One client's slow queries past its share wait for its own slot, one per slot, or get 429 (issue 12)."""
    url, _ = slow
    query = SLOW["B3"]
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(_query, url, query) for _ in range(3)]
        time.sleep(0.5)
        health = fetch(url, "/-/health", timeout=2)
        replies = [f.result() for f in futures]
    assert health.status == 200
    over = [r for r in replies if r.status == 429 and r.header("Retry-After")]
    # One runs into its deadline (503); one waits for that slot (then runs, or gives up at one deadline: 429);
    # the third is refused at once (429). None takes the slot of another client.
    assert 1 <= len(over) <= 2, [r.status for r in replies]
    assert sorted(r.status for r in replies if r not in over) in ([503], [503, 503])
    _still_fine(url, listener, triples, within=5.0)
