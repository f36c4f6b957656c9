"""``kg serve`` without a proxy in front (issue 12): a slowloris of 1,000 connections and 50 concurrent heavy
queries from one client leave ``/-/health``, pages and another client's light queries answering.

A real ``kg serve`` process on a loopback port, real sockets. The other client is a second loopback address
(127.0.0.2, part of 127.0.0.0/8), so the server tells the two apart by remote address, as it would two hosts.
"""

from __future__ import annotations

import http.client
import json
import resource
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from rdflib import Graph

from kg.sparql import QueryLimits, QueryRequest, QueryService
from kg.sparql.lean import is_lean
from kg.web.fairness import ClientShares, default_share
from kg.web.runtime import Prepared
from kg.web.serve import raise_descriptor_limit

from .support import Reply, server

BIN = Path(sys.executable).parent
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PROJECT = "https://w3id.org/kg-funding/project/interpol-mobile-police-training-program"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}"
OTHER = "127.0.0.2"
TIMEOUT = 4.0  # the query deadline of the server under test


def get(base: str, path: str, *, source: str = "127.0.0.1", timeout: float = 10.0) -> tuple[Reply, float]:
    """GET from a chosen source address; the reply and how long it took."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(
        parts.hostname or "", parts.port, timeout=timeout, source_address=(source, 0)
    )
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        reply = Reply(response.status, response.headers, response.read())
    finally:
        conn.close()
    return reply, time.perf_counter() - started


def sparql(query: str) -> str:
    return "/sparql?query=" + quote(query)


@pytest.fixture(scope="module")
def served(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "KG_DIST_DIR": str(dist),
        "KG_STORE_DIR": str(tmp_path_factory.mktemp("fair-stores")),
        "KG_RELOAD_INTERVAL": "0",
    }
    args = [str(BIN / "kg"), "serve", "--port", "0", "--workers", "2", "--timeout", str(TIMEOUT)]
    with server(args, env) as url:
        yield url


def test_slowloris_and_heavy_queries_leave_the_rest_answering(served: str) -> None:
    host, port = urlsplit(served).hostname or "", urlsplit(served).port or 0
    idle: list[socket.socket] = []
    try:
        for _ in range(1000):  # half-open requests: a request line and one header, never finished
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            idle.append(sock)
        with ThreadPoolExecutor(50) as pool:
            started = time.perf_counter()
            heavy = [pool.submit(get, served, sparql(HEAVY), timeout=30) for _ in range(50)]
            time.sleep(0.5)  # the granted heavy query is running now
            health, health_s = get(served, "/-/health", source=OTHER)
            page, page_s = get(served, "/project/interpol-mobile-police-training-program.ttl", source=OTHER)
            lookup, lookup_s = get(served, sparql(LOOKUP), source=OTHER)
            ask, ask_s = get(served, sparql("ASK { ?s a ?t }"), source=OTHER)  # light, but needs a worker
            own_lookup, own_s = get(served, sparql(LOOKUP + " LIMIT 3"))  # the heavy client's lookups too
            during = time.perf_counter() - started
            replies = [f.result()[0] for f in heavy]
        assert during < TIMEOUT, "the checks ran while the heavy queries still held their worker"
        assert health.status == 200 and health_s < 2.0
        assert page.status in (200, 303) and page_s < 2.0
        assert lookup.status == 200 and lookup_s < 2.0
        assert json.loads(lookup.body)["results"]["bindings"]
        assert ask.status == 200 and ask_s < 3.0
        assert own_lookup.status == 200 and own_s < 2.0
        statuses = sorted(r.status for r in replies)
        # One client holds at most its share (one of two workers); the rest are refused at once, not queued.
        assert statuses.count(429) >= 49 - default_share(2), statuses
        assert all(r.header("Retry-After") for r in replies if r.status == 429)
        assert set(statuses) <= {429, 503}, statuses  # 503: the granted ones ran into the deadline
        # The idle connections are all still open and the server still answers.
        assert get(served, "/-/health")[0].status == 200
    finally:
        for sock in idle:
            sock.close()


def test_client_shares() -> None:
    shares = ClientShares(1)
    with shares.take("a") as first, shares.take("a") as second, shares.take("b") as other:
        assert (first, second, other) == (True, False, True)
        assert shares.held("a") == 1 and shares.clients() == 2
    assert shares.clients() == 0 and shares.refused == 1


def test_a_client_queues_one_more_per_slot() -> None:
    shares = ClientShares(1, wait_s=5.0)
    outcomes: list[tuple[bool, float]] = []

    def queued() -> None:
        started = time.perf_counter()
        with shares.take("a") as granted:
            outcomes.append((granted, time.perf_counter() - started))

    with shares.take("a") as first:
        waiter = threading.Thread(target=queued)
        waiter.start()
        time.sleep(0.3)
        with shares.take("a") as third:  # one already waits: refused at once
            assert (first, third) == (True, False)
    waiter.join(5)
    assert outcomes and outcomes[0][0] and 0.25 < outcomes[0][1] < 2.0  # it ran once the first finished
    short = ClientShares(1, wait_s=0.2)
    with short.take("a"), short.take("a") as late:
        assert not late  # waited its 0.2 s, then refused
    assert default_share(1) == 1 and default_share(2) == 1 and default_share(8) == 4


@pytest.mark.parametrize(
    ("query", "lean"),
    [
        (LOOKUP, True),
        (f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}", True),
        (f"CONSTRUCT WHERE {{ <{PROJECT}> ?p ?o }}", True),
        (f"ASK {{ <{PROJECT}> a ?t }}", True),
        (f'SELECT * {{ <{PROJECT}> <http://ex/p> "x"@en , "y"^^<http://ex/t> , 3 ; a ?t . }} LIMIT 5', True),
        (f"PREFIX s: <https://schema.org/> SELECT DISTINCT ?n {{ <{PROJECT}> s:name ?n }}", True),
        (f"SELECT DISTINCT ?n {{ <{PROJECT}> ?p ?n ; ?q ?m }}", False),  # DISTINCT over a join
        ("SELECT * { ?s ?p ?o }", False),  # no constant subject
        (f"SELECT * {{ <{PROJECT}> ?p ?o . <http://ex/other> ?q ?r }}", False),  # two subjects
        (f"SELECT * {{ <{PROJECT}> <http://ex/p>/<http://ex/q> ?o }}", False),  # property path
        (f"SELECT * {{ <{PROJECT}> ?p ?o FILTER(?o > 1) }}", False),
        (f"SELECT * {{ <{PROJECT}> ?p ?o }} ORDER BY ?o", False),
        (f"SELECT (COUNT(*) AS ?n) {{ <{PROJECT}> ?p ?o }}", False),
        (f"SELECT * {{ GRAPH ?g {{ <{PROJECT}> ?p ?o }} }}", False),
        (f"SELECT * {{ <{PROJECT}> ?p [ ?q ?r ] }}", False),  # a blank node hides a second subject
        ("SELECT * { s:x ?p ?o }", False),  # undeclared prefix
        ("PREFIX FILTERx: <http://ex/> SELECT * { FILTERx:a ?p ?o }", False),  # keyword-like prefix
        (f"SELECT * {{ <{PROJECT}> ?p ?o }} LIMIT 1 LIMIT 2", False),
        (f"SELECT * {{ {'<' + PROJECT + '> ?p ?o . ' * 9}}}", False),  # more than MAX_PATTERNS
    ],
)
def test_lean_grammar(query: str, lean: bool) -> None:
    assert is_lean(query) is lean


def test_descriptor_limit_is_raised() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
        assert (
            raise_descriptor_limit(4096) == min(4096, hard) == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        )
        assert raise_descriptor_limit(512) == min(4096, hard)  # never lowered
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


LEAN_AND_WORKER = [
    LOOKUP,
    f"CONSTRUCT WHERE {{ <{PROJECT}> ?p ?o }}",
    f"ASK {{ <{PROJECT}> a ?t }}",
    f"SELECT * {{ <{PROJECT}> a ?t ; ?p ?o }} LIMIT 4",
    f"SELECT * {{ <{PROJECT}> ?p ?o }} LIMIT 2 OFFSET 3",
    f"SELECT ?o {{ <{PROJECT}> <http://ex/nothing> ?o }}",
]


@pytest.mark.parametrize("query", LEAN_AND_WORKER)
def test_lean_answers_are_the_workers_answers(prepared: Prepared, service: QueryService, query: str) -> None:
    """The same query in this process and in a worker: the same answer; only the lean one skips workers."""
    limits = QueryLimits(workers=1, cache_entries=0)
    with QueryService(
        prepared.store_path,
        dataset_version=prepared.dataset.version,
        public_graphs=prepared.dataset.public_graphs,
        limits=limits,
    ) as workers_only:
        by_worker = workers_only.run(QueryRequest(query))
    before = service.stats()
    here = service.light(QueryRequest(query))
    after = service.stats()
    assert here is not None and not here.cached
    assert after["lean"] == before["lean"] + 1 and after["queries"] == before["queries"]
    assert (here.kind, here.rows, here.truncated) == (by_worker.kind, by_worker.rows, by_worker.truncated)
    if here.kind == "graph":
        assert (
            Graph()
            .parse(data=here.body, format="turtle")
            .isomorphic(Graph().parse(data=by_worker.body, format="turtle"))
        )
    else:
        assert json.loads(here.body) == json.loads(by_worker.body)


def test_heavy_queries_never_take_the_lean_path(service: QueryService) -> None:
    assert service.light(QueryRequest(HEAVY)) is None
    assert service.light(QueryRequest("SELECT * { ?s ?p ?o } LIMIT 1")) is None
