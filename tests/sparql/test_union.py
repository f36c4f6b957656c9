"""The default dataset of a query with no dataset of its own: the engine's union graph when it is safe.

Listing every public graph costs the engine one index seek per graph for each triple pattern (issue 12:
98 s against 131 ms of CPU for one aggregate over 630 release graphs). When every graph of the store is
public, the worker asks for the union default graph instead; when a graph is not public it must not.
"""

from __future__ import annotations

import json
from pathlib import Path

from sparql_data import EX, GRAPH_A, GRAPH_B, ITEMS, PUBLIC, SECRET, make_service, write_nquads

from kg.formats import RdfFormat, ResultsFormat
from kg.sparql import QueryRequest, prepare_store
from kg.sparql.guard import inspect_query, resolve_dataset
from kg.sparql.types import QueryLimits
from kg.sparql.worker import Job, _covers, execute
from kg.store import KgStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _job(text: str, *, default: tuple[str, ...], named: tuple[str, ...], every: bool) -> Job:
    return Job(text, ResultsFormat.JSON, RdfFormat.NTRIPLES, default, named, 1000, 10**6, every)


def _count(store: KgStore, job: Job, graphs: frozenset[str]) -> int:
    reply, body = execute(store, job, graphs)
    assert reply.status == "ok", reply.message
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_no_dataset_of_its_own_is_every_public_graph() -> None:
    limits = QueryLimits()
    assert resolve_dataset(inspect_query(COUNT, limits, PUBLIC), (), (), PUBLIC).every_public_graph
    with_from = f"SELECT * FROM <{GRAPH_A}> WHERE {{ ?s ?p ?o }}"
    assert not resolve_dataset(inspect_query(with_from, limits, PUBLIC), (), (), PUBLIC).every_public_graph
    assert not resolve_dataset(
        inspect_query(COUNT, limits, PUBLIC), (GRAPH_A,), (), PUBLIC
    ).every_public_graph


def test_union_is_used_only_when_every_graph_of_the_store_is_public() -> None:
    store = KgStore()
    nquads = "\n".join(
        f'<{EX}s{i}> <{EX}p> "{i}" <{graph}> .' for graph in (GRAPH_A, GRAPH_B) for i in range(ITEMS)
    )
    store.load(nquads.encode(), RdfFormat.NQUADS)
    graphs = frozenset(store.graphs())
    # An empty default-graph list reads nothing; the union reads everything: which one ran is visible.
    assert _count(store, _job(COUNT, default=(), named=tuple(PUBLIC), every=True), graphs) == 2 * ITEMS
    assert _count(store, _job(COUNT, default=(), named=tuple(PUBLIC), every=False), graphs) == 0
    # A graph the job does not name (a private one) forbids the union.
    assert _count(store, _job(COUNT, default=(), named=(GRAPH_A,), every=True), graphs) == 0


def test_service_answers_alike_and_hides_private_graphs(tmp_path: Path) -> None:
    """The service over a store with a private graph (no union) and over one without (union): same counts."""
    with_private = prepare_store(write_nquads(tmp_path / "all.nq"), tmp_path / "stores-a")
    public_only = tmp_path / "public.nq"
    public_only.write_text(
        "".join(line + "\n" for line in (tmp_path / "all.nq").read_text().splitlines() if SECRET not in line)
    )
    only = prepare_store(public_only, tmp_path / "stores-b")
    answers = []
    for prepared in (with_private, only):
        with make_service(prepared) as service:
            body = service.run(QueryRequest(COUNT)).body
            answers.append(int(json.loads(body)["results"]["bindings"][0]["n"]["value"]))
            secret = service.run(QueryRequest(f'ASK {{ ?s ?p "{SECRET}" }}')).body
            assert json.loads(secret)["boolean"] is False
    assert answers == [2 * 5 * ITEMS, 2 * 5 * ITEMS]


def test_the_cover_is_remembered_for_the_same_objects_only() -> None:
    public = ("http://g/a", "http://g/b")
    store_graphs = frozenset(public)
    assert _covers(public, store_graphs) and _covers(public, store_graphs)
    assert not _covers(public, frozenset({*public, "http://g/secret"}))  # other objects: asked again
    assert _covers(public, store_graphs)
    assert not _covers(("http://g/a",), store_graphs)
