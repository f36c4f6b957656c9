"""No query makes an outbound connection: a loopback listener sees nothing while the attacks run (A1–A8).

The first test proves the harness: pyoxigraph itself *does* connect to the listener for SERVICE.
"""

from __future__ import annotations

import json
import time

import pytest
from sparql_data import Listener

from kg.errors import QueryRefused
from kg.formats import ResultsFormat
from kg.sparql import QueryRequest, QueryService
from kg.store import KgStore


def test_the_listener_sees_pyoxigraph_service_calls(listener: Listener) -> None:
    store = KgStore()
    store.query(f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}")
    deadline = time.monotonic() + 2
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections


def attacks(url: str) -> list[QueryRequest]:
    iri = f"<{url}>"
    texts = [
        f"SELECT * WHERE {{ SERVICE {iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ sErViCe\t{iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#c\n{iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ SERVICESILENT{iri}{{ ?s ?p ?o }} }}",
        f"PREFIX : {iri} SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url.replace('127.0.0.1', '[::1]')}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ VALUES ?x {{ {iri} }} SERVICE ?x {{ ?s ?p ?o }} }}",
        f"SELECT * FROM {iri} WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED {iri} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM </etc/hostname> WHERE { ?s ?p ?o }",
        f"LOAD {iri}",
        f"LOAD {iri} INTO GRAPH <http://ex/g>",
        "DROP ALL",
        'INSERT DATA { <http://ex/s> <http://ex/p> "o" }',
    ]
    requests = [QueryRequest(text) for text in texts]
    requests += [
        QueryRequest("SELECT * WHERE { ?s ?p ?o }", default_graphs=("file:///etc/passwd",)),
        QueryRequest("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=(url,)),
    ]
    return requests


def test_attacks_make_no_connection(service: QueryService, listener: Listener) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = json.loads(service.run(QueryRequest(count, result_format=ResultsFormat.JSON)).body)
    pids = service.worker_pids()
    for request in attacks(listener.url):
        with pytest.raises(QueryRefused):
            service.run(request)
    time.sleep(0.5)  # give a stray connection time to arrive
    assert listener.connections == []
    assert service.worker_pids() == pids  # nothing crashed
    start = time.perf_counter()
    after = json.loads(service.run(QueryRequest(count + " ", result_format=ResultsFormat.JSON)).body)
    assert time.perf_counter() - start < 1.0
    assert after == before  # the store is unchanged
