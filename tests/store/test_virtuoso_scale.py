"""Virtuoso behind `kg serve` at a realistic size: a `kg synth` build of 60 releases (about 10^5 triples in
61 named graphs) loaded by `kg build`'s push and served, answering as the embedded store does.

Issue 12.4: at 52 releases every query through Virtuoso was a 503 (it echoes each graph of a query's dataset
in a response header, and http.client refused more than 100 headers); the scale benchmark waited its 900 s
for a server that never answered, which read as a 15-minute load. The load itself takes seconds.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Graph
from rdflib.compare import isomorphic
from store_servers import VIRTUOSO_INI, Server, VirtuosoServer, fresh_prefix, serve_release

from kg.dumps import write_dumps
from kg.errors import QueryCrashed
from kg.formats import RdfFormat, ResultsFormat
from kg.project import build_project, read_project
from kg.settings import Settings
from kg.store.push import push_configured
from kg.store.remote import RemoteStore
from kg.synth import synth_releases
from kg.web.config import WebOptions

ROOT = Path(__file__).resolve().parents[2]
RELEASES = 60  # over 50 graphs: past the 100 headers of a dataset echoed by Virtuoso
BASE = "https://kg.test/scale/"  # its own graphs on the session's Virtuoso
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
QUERIES = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type",
    "PREFIX schema: <https://schema.org/> SELECT ?p ?v WHERE { ?p a schema:Project ; schema:name ?v } "
    "ORDER BY ?p ?v LIMIT 50",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's data plus RELEASES synthetic releases (as benchmarks/scale.py makes them), built."""
    work = tmp_path_factory.mktemp("virtuoso-scale")
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist", base_iri=BASE)
    project = read_project(settings)
    existing = [release for release, _ in project.releases]
    for synthetic in synth_releases(RELEASES, seed=9, reference=project.reference, existing=existing):
        record, source = synthetic.write(work / "synth")
        record.rename(work / "data" / "releases" / record.name)
        source.rename(work / "data" / "sources" / source.name)
    write_dumps(build_project(settings), settings.dist_dir)
    return settings


@pytest.fixture(scope="module")
def loaded(built: Settings, virtuoso_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build loaded into Virtuoso as `KG_STORE=... kg build` does; the folder of its push record."""
    records = tmp_path_factory.mktemp("records")
    started = time.monotonic()
    said = push_configured(built, {"KG_STORE": virtuoso_server.url, "KG_STORE_DIR": str(records)})
    took = time.monotonic() - started
    assert said is not None and f"{RELEASES + 3} graph(s) replaced, 0 deleted, 0 unchanged" in said, said
    assert took < 60, f"loading {RELEASES} releases into Virtuoso took {took:.0f} s"
    return records


@pytest.fixture(scope="module")
def remote(built: Settings, loaded: Path, virtuoso_server: Server) -> Iterator[Flask]:
    yield from serve_release(built, WebOptions(store_dir=loaded, timeout=10.0, store=virtuoso_server.url))


@pytest.fixture(scope="module")
def embedded(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield from serve_release(built, WebOptions(store_dir=tmp_path_factory.mktemp("stores"), timeout=10.0))


def _paths(settings: Settings) -> list[str]:
    """Pages of each kind, from the build's N-Quads: a few projects spread over it, and the others."""
    found: dict[str, list[str]] = {}
    pattern = re.compile(rf"^<{re.escape(BASE)}([a-z-]+)/([^>]+)> {TYPE} ")
    with (settings.dist_dir / "kg.nq").open(encoding="utf-8") as lines:
        for line in lines:
            if (match := pattern.match(line)) and match[2] not in found.setdefault(match[1], []):
                found[match[1]].append(match[2])
    projects = sorted(found["project"])
    assert len(projects) > RELEASES
    paths = [f"/project/{key}" for key in projects[:: len(projects) // 4]]
    for kind in ("organization", "program", "place", "theme", "grant"):
        paths += [f"/{kind}/{key}" for key in sorted(found.get(kind, []))[:1]]
    return paths


def _sparql(app: Flask, query: str) -> tuple[int, object]:
    answer = app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text[:300]
    return len(answer.headers.get_all("X-KG-Truncated")), json.loads(answer.data)["results"]["bindings"]


def _parts(html: str) -> list[str]:
    """Links and texts of a page, sorted (stores list a node's values in their own orders). A list of links
    longer than a page shows its first page in store order (``Store.subjects``): its heading, count and
    pager are compared, not which links come first."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    not_end = r"(?:(?!</section>).)*?"
    html = re.sub(
        rf'(<section class="incoming">{not_end})<ul>{not_end}</ul>(\s*<p class="pager">)',
        r"\1\2",
        html,
        flags=re.S,
    )
    return sorted(re.findall(r'href="[^"]*"|>[^<]+<', html))


def test_pages_and_queries_answer_as_on_the_embedded_store(
    built: Settings, remote: Flask, embedded: Flask
) -> None:
    assert remote.test_client().get("/-/health").status_code == 200
    for path in _paths(built):
        mine, theirs = (app.test_client().get(f"{path}.ttl") for app in (remote, embedded))
        assert (mine.status_code, theirs.status_code) == (200, 200), path
        assert isomorphic(Graph().parse(data=mine.text), Graph().parse(data=theirs.text)), path
        html = [app.test_client().get(f"{path}.html") for app in (remote, embedded)]
        assert html[0].status_code == 200 and _parts(html[0].text) == _parts(html[1].text), path
    for path in ("/", "/catalog.html"):
        html = [app.test_client().get(path) for app in (remote, embedded)]
        assert html[0].status_code == 200, path
        # The landing page's Browse lists show the first releases and projects the store finds (kg.web.home):
        # compared as there, the rest (counts, money, classes) as it is.
        first = [re.sub(r"<h2>Browse</h2>.*?<h2>Classes", "", h.text, flags=re.S) for h in html]
        assert _parts(first[0]) == _parts(first[1]), path
    for query in QUERIES:
        assert _sparql(remote, query) == _sparql(embedded, query), query
    counted = _sparql(remote, QUERIES[0])[1]
    assert isinstance(counted, list) and len(counted) == RELEASES + 3  # and the seed's, reference, ontology
    # Over the row limit (10,000 here, under Virtuoso's ResultSetMaxRows): cut and flagged as on the
    # embedded store, not an error.
    every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert _sparql(remote, every)[0] == 1 == _sparql(embedded, every)[0]


def test_an_answer_cut_by_virtuoso_row_limit_is_an_error_naming_it(
    loaded: Path, virtuoso_server: Server
) -> None:
    """Virtuoso cuts answers at its ResultSetMaxRows (100,000 in the tests' ini) and says so only in a
    header: kg must not pass that off as the whole answer."""
    # 100,000 rows take Virtuoso seconds alone, and passed 30 s once on a machine at load 9: the time is not
    # what this test is about.
    store = RemoteStore(virtuoso_server.url, graph_prefix=f"{BASE}graph/", timeout_s=120)
    every = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
    with pytest.raises(
        QueryCrashed, match=r"cut the answer at 100000 rows.*ResultSetMaxRows to at least 200001"
    ):
        store.query_capped(
            every,
            default_graph=[],
            named_graphs=store.graphs(),
            result_format=ResultsFormat.JSON,
            graph_format=RdfFormat.NTRIPLES,
            max_rows=200_000,
            max_bytes=1 << 26,
        )
    with pytest.raises(QueryCrashed, match="ResultSetMaxRows"):
        store.query(every)


class _FewRows(VirtuosoServer):
    """Virtuoso cutting answers at 1,000 rows: below KG_MAX_ROWS + 1, as its sample ini's 10,000 is."""

    ini = VIRTUOSO_INI.replace("ResultSetMaxRows = 100000", "ResultSetMaxRows = 1000")


def test_a_row_limit_below_kg_max_rows_is_named_and_a_lookup_page_at_it_is_whole(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    server = _FewRows(tmp_path_factory.mktemp("virtuoso-few-rows"))
    server.start()
    try:
        prefix = fresh_prefix()
        store = RemoteStore(server.url, graph_prefix=prefix, timeout_s=10)
        lines = "".join(f'<http://ex/s{i}> <http://ex/p> "{i}" .\n' for i in range(1000))
        store.replace_graph(f"{prefix}a", lines.encode())
        # A lookup page of LIMIT 1000 with 1,000 rows: Virtuoso flags it, but nothing was cut.
        assert len(list(store.quads(predicate="http://ex/p"))) == 1000
        with pytest.raises(
            QueryCrashed, match=r"cut the answer at 1000 rows.*ResultSetMaxRows to at least 10001"
        ):
            store.query_capped(
                "SELECT * WHERE { ?s ?p ?o }",
                default_graph=[f"{prefix}a"],
                named_graphs=[],
                result_format=ResultsFormat.JSON,
                graph_format=RdfFormat.NTRIPLES,
                max_rows=10_000,
                max_bytes=1 << 24,
            )
    finally:
        server.stop()
