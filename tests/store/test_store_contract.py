"""One store contract, run on each implementation: the embedded store, Oxigraph server and Virtuoso.

Loading named graphs, replacing one, the union default graph against named graphs, SELECT / ASK /
CONSTRUCT, the lookups resource pages use, capped answers, errors. The remote ones run on real servers
on loopback (``store_servers``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from store_servers import OxigraphServer, Server, fresh_prefix

from kg.errors import QueryError, QueryTimeout, StoreError, StoreUnavailable
from kg.formats import RdfFormat, ResultsFormat
from kg.store import KgStore, display
from kg.store.endpoints import query_form
from kg.store.remote import RemoteStore

EX = "http://example.org/"
Stores = tuple[KgStore | RemoteStore, str]


def _nquads(prefix: str) -> bytes:
    a, b = f"<{prefix}a>", f"<{prefix}b>"
    return f"""<{EX}grant1> <{EX}amount> "100"^^<http://www.w3.org/2001/XMLSchema#integer> {a} .
<{EX}grant1> <{EX}funds> <{EX}project1> {a} .
<{EX}grant1> <{EX}title> "Subvention été"@fr {a} .
<{EX}grant2> <{EX}amount> "250"^^<http://www.w3.org/2001/XMLSchema#integer> {b} .
<{EX}grant2> <{EX}funds> <{EX}project1> {b} .
<{EX}grant2> <{EX}title> "Line one\\nline \\"two\\"" {b} .
""".encode()


@pytest.fixture
def loaded(any_store: Stores) -> Stores:
    store, prefix = any_store
    store.load(_nquads(prefix), RdfFormat.NQUADS)
    return store, prefix


def _rows(store: KgStore | RemoteStore, text: str, **kw: object) -> list[dict[str, str]]:
    result = store.query(text, **kw)  # type: ignore[arg-type]
    assert result.kind == "solutions"
    return result.records()


def test_named_graphs_are_loaded(loaded: Stores) -> None:
    store, prefix = loaded
    assert store.graphs() == [f"{prefix}a", f"{prefix}b"]


def test_union_default_graph_and_named_graphs(loaded: Stores) -> None:
    store, prefix = loaded
    total = _rows(store, f"SELECT (SUM(?v) AS ?n) WHERE {{ ?g <{EX}amount> ?v }}")
    assert total == [{"n": "350"}]
    per_graph = _rows(
        store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    assert per_graph == [{"g": f"{prefix}a", "n": "3"}, {"g": f"{prefix}b", "n": "3"}]
    only_a = _rows(store, f"SELECT ?v WHERE {{ ?g <{EX}amount> ?v }}", default_graph=[f"{prefix}a"])
    assert only_a == [{"v": "100"}]


def test_select_keeps_terms(loaded: Stores) -> None:
    store, _ = loaded
    result = store.query(f"SELECT ?t WHERE {{ ?s <{EX}title> ?t }} ORDER BY ?t")
    titles = sorted((t.value, t.language) for (t,) in result.rows)  # type: ignore[union-attr]
    assert titles == [('Line one\nline "two"', None), ("Subvention été", "fr")]


def test_ask_and_construct(loaded: Stores) -> None:
    store, _ = loaded
    yes = store.query(f"ASK {{ <{EX}grant1> <{EX}funds> ?p }}")
    no = store.query(f"ASK {{ <{EX}grant1> <{EX}funds> <{EX}nothing> }}")
    assert (yes.kind, yes.boolean, no.boolean) == ("boolean", True, False)
    graph = store.query(f"CONSTRUCT {{ ?p <{EX}fundedBy> ?g }} WHERE {{ ?g <{EX}funds> ?p }}")
    assert graph.kind == "graph"
    assert sorted(str(t) for t in graph.triples) == [
        f"<{EX}project1> <{EX}fundedBy> <{EX}grant1>",
        f"<{EX}project1> <{EX}fundedBy> <{EX}grant2>",
    ]


def test_replace_a_graph(loaded: Stores) -> None:
    store, prefix = loaded
    store.replace_graph(f"{prefix}a", f'<{EX}grant1> <{EX}amount> "7" .\n'.encode())
    assert _rows(store, f"SELECT ?v WHERE {{ <{EX}grant1> ?p ?v }}") == [{"v": "7"}]
    assert len(_rows(store, f"SELECT * WHERE {{ <{EX}grant2> ?p ?v }}")) == 3  # the other graph is kept
    store.delete_graph(f"{prefix}a")
    store.delete_graph(f"{prefix}never-loaded")
    assert store.graphs() == [f"{prefix}b"]


def test_bad_ntriples_change_nothing(loaded: Stores) -> None:
    store, prefix = loaded
    with pytest.raises(StoreError):
        store.replace_graph(f"{prefix}a", b"<not n-triples")
    assert len(_rows(store, f"SELECT * WHERE {{ GRAPH <{prefix}a> {{ ?s ?p ?o }} }}")) == 3


def test_lookups_of_resource_pages(loaded: Stores) -> None:
    store, prefix = loaded
    quads = sorted(
        (q.predicate.value, display(q.object), q.graph_name.value) for q in store.quads(f"{EX}grant1")
    )
    assert quads == [
        (f"{EX}amount", "100", f"{prefix}a"),
        (f"{EX}funds", f"{EX}project1", f"{prefix}a"),
        (f"{EX}title", "Subvention été", f"{prefix}a"),
    ]
    project = next(store.quads(f"{EX}grant1", f"{EX}funds")).object
    assert sorted(q.subject.value for q in store.quads(predicate=f"{EX}funds", obj=project)) == [
        f"{EX}grant1",
        f"{EX}grant2",
    ]
    assert store.predicate_counts(f"{EX}project1", 100) == {f"{EX}funds": 2}
    assert store.predicate_counts(f"{EX}project1", 1) == {f"{EX}funds": 1}  # the cap
    page = store.subjects(f"{EX}funds", f"{EX}project1", offset=0, limit=10)
    assert sorted(t.value for t in page) == [f"{EX}grant1", f"{EX}grant2"]  # type: ignore[union-attr]
    assert len(store.subjects(f"{EX}funds", f"{EX}project1", offset=1, limit=10)) == 1
    assert list(store.quads(f"{EX}nobody")) == []
    every = sorted((q.subject.value, q.predicate.value, q.graph_name.value) for q in store.quads())
    assert len(every) == 6 and every[0] == (f"{EX}grant1", f"{EX}amount", f"{prefix}a")


def test_capped_answers(loaded: Stores) -> None:
    store, prefix = loaded
    graphs = [f"{prefix}a", f"{prefix}b"]
    capped = store.query_capped(
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        default_graph=graphs,
        named_graphs=graphs,
        result_format=ResultsFormat.JSON,
        graph_format=RdfFormat.TURTLE,
        max_rows=4,
        max_bytes=1_000_000,
    )
    assert (capped.kind, capped.rows, capped.truncated) == ("solutions", 4, True)
    assert len(json.loads(capped.body)["results"]["bindings"]) == 4
    ask = store.query_capped(
        f"ASK {{ <{EX}grant2> ?p ?o }}",
        default_graph=[f"{prefix}a"],
        named_graphs=[],
        result_format=ResultsFormat.JSON,
        graph_format=RdfFormat.TURTLE,
        max_rows=4,
        max_bytes=1_000_000,
    )
    assert json.loads(ask.body) == {"head": {}, "boolean": False}  # grant2 is in graph b only
    graph = store.query_capped(
        "CONSTRUCT WHERE { ?s ?p ?o }",
        default_graph=graphs,
        named_graphs=graphs,
        result_format=ResultsFormat.JSON,
        graph_format=RdfFormat.NTRIPLES,
        max_rows=100,
        max_bytes=1_000_000,
        union_of_all_graphs=True,
    )
    assert (graph.kind, graph.rows, graph.truncated) == ("graph", 6, False)
    assert graph.body.count(b"\n") == 6


def test_syntax_error_is_a_query_error(loaded: Stores) -> None:
    store, _ = loaded
    with pytest.raises(QueryError):
        store.query("SELECT ?s WHERE { ?s ?p }")


def test_query_form() -> None:
    assert query_form("PREFIX a: <http://x/select#> # ASK\nSELECT ?ask WHERE { ?s a:ask 'ASK' }") == "SELECT"
    assert query_form("prefix : <http://x/> construct { ?s :p ?o } where { ?s :p ?o }") == "CONSTRUCT"
    assert query_form("ASK {}") == "ASK"


def test_remote_query_time_limit(remote_server: Server) -> None:
    """A query past its deadline is stopped and said so, within the deadline and a margin."""
    prefix = fresh_prefix()
    store = RemoteStore(remote_server.url, graph_prefix=prefix, timeout_s=1.0)
    lines = "".join(f"<{EX}s{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(2000))
    store.replace_graph(f"{prefix}big", lines.encode())
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query_capped(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
            default_graph=[f"{prefix}big"],
            named_graphs=[],
            result_format=ResultsFormat.JSON,
            graph_format=RdfFormat.TURTLE,
            max_rows=10,
            max_bytes=1_000_000,
        )
    assert time.monotonic() - started < 4
    # The store still answers (it was not marked down: a slow query says nothing about the store).
    assert store.query(f"ASK {{ GRAPH <{prefix}big> {{ <{EX}s1> ?p ?o }} }}").boolean is True


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_the_store_itself_stops_a_query_at_its_limit(kind: str, request: pytest.FixtureRequest) -> None:
    """Closing the connection does not stop a query on either server: their own limits do (Oxigraph server
    ``--timeout-s 2`` here; Virtuoso the ``timeout`` parameter sent, half the deadline), reported as a
    timeout before the client's deadline, never as a short answer."""
    server: Server = request.getfixturevalue(f"{kind}_server")
    prefix = fresh_prefix()
    store = RemoteStore(server.url, graph_prefix=prefix, timeout_s=6.0)
    lines = "".join(f"<{EX}s{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(2000))
    store.replace_graph(f"{prefix}big", lines.encode())
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="store's time limit"):
        store.query_capped(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
            default_graph=[f"{prefix}big"],
            named_graphs=[],
            result_format=ResultsFormat.JSON,
            graph_format=RdfFormat.TURTLE,
            max_rows=10,
            max_bytes=1_000_000,
        )
    assert time.monotonic() - started < 6  # the store answered first: its deadline is the client's


def test_a_stopped_store_times_out_then_fails_at_once_then_recovers(remote_server: Server) -> None:
    """A store that hangs (SIGSTOP): the first lookup waits its deadline, the next fail at once (503 with
    Retry-After upstairs), and once the store answers again so does the next call after Retry-After."""
    assert remote_server.process is not None
    store = RemoteStore(remote_server.url, graph_prefix=fresh_prefix(), lookup_timeout_s=1.0, retry_after_s=1)
    assert store.graphs() == []
    os.kill(remote_server.process.pid, signal.SIGSTOP)
    try:
        _wait_stopped(remote_server.process.pid)
        started = time.monotonic()
        try:
            found = store.graphs()
        except StoreUnavailable as exc:
            first = exc
        else:
            ss = ["ss", "-ltnpH"] if shutil.which("ss") else ["true"]
            listening = subprocess.run(ss, capture_output=True, text=True).stdout
            pytest.fail(
                f"the stopped store (pid {remote_server.process.pid}) answered {found!r}; listening: "
                + " | ".join(line for line in listening.splitlines() if f":{remote_server.port} " in line)
            )
        assert 0.9 < time.monotonic() - started < 3  # its deadline, plus a margin for a loaded machine
        assert first.retry_after_s == 1
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.predicate_counts(f"{EX}x", 10)
        assert time.monotonic() - started < 0.2
    finally:
        os.kill(remote_server.process.pid, signal.SIGCONT)
    deadline = time.monotonic() + 10  # a store just woken up works off what it was sent while stopped
    while True:
        time.sleep(1.1)
        try:
            assert store.graphs() == []
            break
        except StoreUnavailable:
            if time.monotonic() > deadline:
                raise


def _wait_stopped(pid: int) -> None:
    """Until the kernel shows the process stopped (a signal is delivered when the process next runs). In one
    CI run the store answered after SIGSTOP (not reproduced in isolation): if it happens again, this says
    whether the process was stopped at all, and who else answers on the port."""
    deadline = time.monotonic() + 2
    state = "?"
    while time.monotonic() < deadline:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("T", "t"):
            return
        time.sleep(0.01)
    pytest.fail(f"process {pid} not stopped 2 s after SIGSTOP (state {state})")


def test_oxigraph_reads_its_union_default_graph_when_every_graph_is_served(tmp_path: Path) -> None:
    """A server holding only the served graphs is asked for its union default graph (one seek per pattern,
    kg.sparql.guard) instead of a list of graphs; the answers are the same."""
    server = OxigraphServer(tmp_path)
    server.start()
    try:
        prefix = fresh_prefix()
        store = RemoteStore(server.url, graph_prefix=prefix)
        store.load(_nquads(prefix), RdfFormat.NQUADS)
        graphs = store.graphs()
        assert store._dataset(graphs, graphs, every=True) == [("union-default-graph", "")]
        assert store._dataset(graphs[:1], graphs[:1], every=True)[0] == ("default-graph-uri", graphs[0])
        answer = store.query_capped(
            f"SELECT (SUM(?v) AS ?n) WHERE {{ ?g <{EX}amount> ?v }}",
            default_graph=graphs,
            named_graphs=graphs,
            result_format=ResultsFormat.CSV,
            graph_format=RdfFormat.TURTLE,
            max_rows=10,
            max_bytes=10_000,
            union_of_all_graphs=True,
        )
        assert answer.body.split() == [b"n", b"350"]
    finally:
        server.stop()
