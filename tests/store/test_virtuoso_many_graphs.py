"""Virtuoso behind `kg serve` with 6,000 release graphs: past the ~5,000 graphs at which Virtuoso 7.2 refused
a dataset listing each (`SP030: Too many arguments for standard built-in function`, issue 12: every /sparql
query a 400 and every page a 500 at 10^7 triples). Over `kg.store.virtuoso.LISTED_MAX` graphs a query over
every served graph names none and leaves the store's other graphs out by name; answers equal the embedded
store's.

The graphs are small (two triples each) and bulk-loaded (`ld_dir` + `rdf_loader_run`, as docs/serving.md
advises for a first load) in well under a second, with the real build's graphs pushed as `kg build` does.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from rdflib import Dataset as RdfDataset
from store_servers import VirtuosoServer, serve_release, unavailable, written_build

from kg.errors import QueryError
from kg.settings import Settings
from kg.store.push import push_configured
from kg.store.remote import RemoteStore
from kg.store.virtuoso import LISTED_MAX
from kg.web.config import WebOptions

MANY = 6_000
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
UNION = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {LABEL} ?label FILTER(STRSTARTS(?label, 'many ')) }}"
PER_GRAPH = (
    "SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    "FILTER(CONTAINS(STR(?g), '/graph/many-')) }"
)
TYPES = "SELECT DISTINCT ?type WHERE { ?s a ?type } ORDER BY ?type"


def _many(base: str) -> str:
    """MANY release-like graphs of two triples each, as N-Quads."""
    lines = []
    for i in range(MANY):
        s, g = f"<{base}thing/many-{i}>", f"<{base}graph/many-{i:05d}>"
        lines.append(f'{s} {LABEL} "many {i}" {g} .\n{s} a <https://schema.org/Thing> {g} .\n')
    return "".join(lines)


@pytest.fixture(scope="module")
def built(dataset: RdfDataset, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return written_build(dataset, tmp_path_factory.mktemp("many-build"))


@pytest.fixture(scope="module")
def server(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso of its own holding the build (pushed) and MANY more graphs (bulk-loaded)."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-many"))
    server.start()
    try:
        records = tmp_path_factory.mktemp("records")
        said = push_configured(built, {"KG_STORE": server.url, "KG_STORE_DIR": str(records)})
        assert said is not None and "0 deleted" in said
        db = server.folder / "db"  # the ini's DirsAllowed
        (db / "many.nq").write_text(_many(built.base_iri), encoding="utf-8")
        started = time.monotonic()
        load = f"ld_dir('{db}', 'many.nq', 'http://kg.test/unused'); rdf_loader_run(); checkpoint;"
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{server.sql_port}", "dba", "dba", f"exec={load}"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            unavailable(f"Virtuoso's bulk loader failed: {done.stdout[-500:]!r}")
        assert time.monotonic() - started < 30
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def remote(
    built: Settings, server: VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    options = WebOptions(store_dir=tmp_path_factory.mktemp("stores"), timeout=10.0, store=server.url)
    yield from serve_release(built, options)


def _sparql(app: Flask, query: str) -> list[dict[str, str]]:
    answer = app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text[:500]
    rows = json.loads(answer.data)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def test_thousands_of_graphs_are_served_with_only_ours_visible(
    built: Settings, server: VirtuosoServer, remote: Flask
) -> None:
    store = RemoteStore(server.url, graph_prefix=f"{built.base_iri}graph/")
    graphs = store.graphs()
    assert len(graphs) > MANY > LISTED_MAX
    assert _sparql(remote, UNION) == [{"n": str(MANY)}]
    assert _sparql(remote, PER_GRAPH) == [{"graphs": str(MANY), "n": str(2 * MANY)}]
    # Only the served graphs: none of Virtuoso's own (its virtrdf# graph holds ~2,500 triples).
    named = _sparql(remote, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert sorted(row["g"] for row in named) == graphs
    virtrdf = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'http://www.openlinksw.com/')) }"
    )
    assert _sparql(remote, virtrdf) == [{"n": "0"}]
    assert {"type": "https://schema.org/Thing"} in _sparql(remote, TYPES)
    # A resource page of the real build, and one of the many graphs.
    page = remote.test_client().get("/project/interpol-mobile-police-training-program.ttl")
    assert page.status_code == 200 and "interpol" in page.text.lower()
    graph = remote.test_client().get("/graph/many-00042.ttl")
    assert graph.status_code == 200 and '"many 42"' in graph.text


def test_a_constant_graph_is_refused_with_the_forms_that_work(
    built: Settings, server: VirtuosoServer
) -> None:
    """Virtuoso 7.2.5 answers GRAPH <iri> with nothing when graphs are excluded: refused, not empty."""
    store = RemoteStore(server.url, graph_prefix=f"{built.base_iri}graph/")
    with pytest.raises(QueryError, match="VALUES"):
        store.query(f"SELECT * WHERE {{ GRAPH <{built.base_iri}graph/many-00001> {{ ?s ?p ?o }} }}")
    values = (
        f"SELECT ?s WHERE {{ VALUES ?g {{ <{built.base_iri}graph/many-00001> }} GRAPH ?g {{ ?s a ?t }} }}"
    )
    assert store.query(values).records() == [{"s": f"{built.base_iri}thing/many-1"}]
