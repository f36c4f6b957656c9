"""The query service with real worker processes: answers, dataset scoping, cache, concurrency, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sparql_data import EX, GRAPH_A, GRAPH_B, ITEMS, PUBLIC, SECRET, make_service

from kg.errors import QueryError, QueryRefused, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.sparql import QueryAnswer, QueryBusy, QueryLimits, QueryRequest, QueryService, prepare_store
from kg.store import KgStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(service: QueryService, request: QueryRequest) -> int:
    answer = service.run(request)
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def test_select_answers_sparql_json(service: QueryService) -> None:
    answer = service.run(QueryRequest(f"SELECT ?l WHERE {{ <{EX}a/item/7> <{EX}label> ?l }}"))
    assert answer.kind == "solutions" and answer.media_type == "application/sparql-results+json"
    assert (answer.rows, answer.truncated) == (1, False)
    binding = json.loads(answer.body)["results"]["bindings"][0]["l"]
    assert binding == {"type": "literal", "value": "item a 7", "xml:lang": "en"}


def test_ask_and_construct(service: QueryService) -> None:
    ask = service.run(QueryRequest(f"ASK {{ <{EX}b/item/1> ?p ?o }}"))
    assert (ask.kind, json.loads(ask.body)["boolean"], ask.rows) == ("boolean", True, 0)
    query = f"CONSTRUCT {{ ?s <{EX}tag> ?t }} WHERE {{ ?s <{EX}graphTag> ?t }} "
    graph = service.run(QueryRequest(query, graph_format=RdfFormat.NTRIPLES))
    assert (graph.kind, graph.media_type, graph.rows) == ("graph", "application/n-triples", 2 * ITEMS)
    assert len(graph.body.decode().strip().splitlines()) == 2 * ITEMS


@pytest.mark.parametrize("fmt", [ResultsFormat.XML, ResultsFormat.CSV, ResultsFormat.TSV])
def test_other_result_formats(service: QueryService, fmt: ResultsFormat) -> None:
    query = f"SELECT ?s ?r WHERE {{ ?s <{EX}rank> ?r FILTER(?r < 3) }} ORDER BY ?s"
    answer = service.run(QueryRequest(query, result_format=fmt))
    assert answer.media_type == fmt.media_type and answer.rows == 6
    text = answer.body.decode()
    if fmt is ResultsFormat.XML:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert len(ET.fromstring(text).findall(f"{ns}results/{ns}result")) == 6
    else:
        rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt is ResultsFormat.CSV else "\t"))
        assert len(rows) == 7  # header + 6


def test_default_graph_is_the_union_of_public_graphs_only(service: QueryService) -> None:
    assert count(service, QueryRequest(COUNT)) == 2 * 5 * ITEMS
    query = f'ASK {{ {{ ?s ?p "{SECRET}" }} UNION {{ GRAPH ?g {{ ?s ?p "{SECRET}" }} }} }}'
    assert json.loads(service.run(QueryRequest(query)).body)["boolean"] is False
    graphs = service.run(QueryRequest("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"))
    values = [b["g"]["value"] for b in json.loads(graphs.body)["results"]["bindings"]]
    assert values == sorted(PUBLIC)


def test_protocol_dataset_parameters(service: QueryService) -> None:
    assert count(service, QueryRequest(COUNT, default_graphs=(GRAPH_A,))) == 5 * ITEMS
    only_b = QueryRequest("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", named_graphs=(GRAPH_B,))
    assert [b["g"]["value"] for b in json.loads(service.run(only_b).body)["results"]["bindings"]] == [GRAPH_B]
    with pytest.raises(QueryRefused):
        service.run(QueryRequest(COUNT, default_graphs=("file:///etc/passwd",)))


def test_from_clause_on_a_public_graph(service: QueryService) -> None:
    assert (
        count(service, QueryRequest(f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_B}> {{ ?s ?p ?o }}")) == 5 * ITEMS
    )
    query = f"SELECT DISTINCT ?t FROM <{GRAPH_B}> WHERE {{ ?s <{EX}graphTag> ?t }}"
    from_b = service.run(QueryRequest(query))
    protocol_wins = service.run(QueryRequest(query, default_graphs=(GRAPH_A,)))  # Protocol §2.1.4
    assert [b["t"]["value"] for b in json.loads(from_b.body)["results"]["bindings"]] == ["b"]
    assert [b["t"]["value"] for b in json.loads(protocol_wins.body)["results"]["bindings"]] == ["a"]


def test_syntax_error_keeps_position_and_stays_short(service: QueryService) -> None:
    with pytest.raises(QueryError) as caught:
        service.run(QueryRequest("SELECT *\nWHERE { ?s ?p }"))
    # Oxigraph reports where parsing failed furthest: here just past the `}` at line 2, column 15.
    assert (caught.value.line, caught.value.column) == (2, 16)
    huge = "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o = 1) " * 5000 + "?oops }"
    with pytest.raises(QueryError) as caught:
        service.run(QueryRequest(huge))
    message = str(caught.value)
    assert "\n" not in message and len(message) < 300 and caught.value.line == 1


def test_errors_keep_the_worker(service: QueryService) -> None:
    pids = service.worker_pids()
    for text in ("SELECT * WHERE { ?s ?p }", "SELECT * WHERE { ?s ?p ?o } LIMIT -1", "ASK { FILTER(?x = ) }"):
        with pytest.raises(QueryError):
            service.run(QueryRequest(text))
    assert service.worker_pids() == pids
    assert service.stats()["crashes"] == 0


def test_cache_hit_on_repeat(prepared: tuple[Path, str]) -> None:
    with make_service(prepared, workers=1) as service:
        query = f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o . ?s <{EX}next> ?x }} GROUP BY ?s"
        start = time.perf_counter()
        first = service.run(QueryRequest(query))
        cold = time.perf_counter() - start
        start = time.perf_counter()
        again = service.run(QueryRequest("  " + query.replace(" ", "  ") + "  # same query\n"))
        warm = time.perf_counter() - start
        assert (first.cached, again.cached) == (False, True)
        assert again.body == first.body and warm < cold / 5 and warm < 0.01
        other_format = service.run(QueryRequest(query, result_format=ResultsFormat.CSV))
        assert not other_format.cached
        stats = service.stats()
        assert (stats["cache_hits"], stats["cache_misses"], stats["queries"]) == (1, 2, 2)


def test_concurrent_callers_all_answered(prepared: tuple[Path, str]) -> None:
    with make_service(prepared, workers=2, cache_entries=0) as service:
        results: dict[tuple[int, int], int] = {}
        errors: list[BaseException] = []

        def caller(thread: int) -> None:
            for i in range(6):
                rank = thread * 10 + i
                query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}rank> ?r FILTER(?r < {rank}) }}"
                try:
                    results[(thread, i)] = count(service, QueryRequest(query))
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

        threads = [threading.Thread(target=caller, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors
        assert results == {(t, i): 2 * (t * 10 + i) for t in range(4) for i in range(6)}
        assert service.stats()["queries"] == 24


def test_busy_when_every_worker_is_taken(prepared: tuple[Path, str]) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with make_service(prepared, workers=1, timeout_s=1.5, queue_timeout_s=0.2) as service:
        outcome: list[BaseException] = []

        def hold() -> None:
            try:
                service.run(QueryRequest(slow))
            except QueryError as exc:
                outcome.append(exc)

        holder = threading.Thread(target=hold)
        holder.start()
        time.sleep(0.3)
        start = time.perf_counter()
        with pytest.raises(QueryBusy) as caught:
            service.run(QueryRequest("ASK {}"))
        assert time.perf_counter() - start < 0.5 and caught.value.retry_after_s >= 1
        holder.join(timeout=10)
        assert [type(e).__name__ for e in outcome] == ["QueryTimeout"]
        assert service.run(QueryRequest("ASK {}")).kind == "boolean"
        assert service.stats()["busy"] == 1


def test_closed_service_refuses(prepared: tuple[Path, str]) -> None:
    service = make_service(prepared, workers=1)
    pids = service.worker_pids()
    service.close()
    with pytest.raises(QueryBusy):
        service.run(QueryRequest("ASK { ?s ?p ?o }"))
    time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def test_real_build(tmp_path: Path) -> None:
    from kg.dumps import write_dumps
    from kg.project import build_project
    from kg.settings import Settings

    root = Path(__file__).resolve().parents[2]
    write_dumps(build_project(Settings(data_dir=root / "data")), tmp_path / "dist")
    nquads = tmp_path / "dist" / "kg.nq"
    path, version = prepare_store(nquads, tmp_path / "stores")
    again = prepare_store(nquads, tmp_path / "stores")
    assert again == (path, version) and path.name == f"kg-{version}" and len(version) == 64
    lines = nquads.read_text(encoding="utf-8").splitlines()
    graphs = frozenset(line.rsplit(" ", 2)[-2].strip("<>") for line in lines if line)
    with QueryService(path, dataset_version=version, public_graphs=graphs) as service:
        total = count(service, QueryRequest(COUNT))
        assert total == len(lines)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_missing_store_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        QueryService(tmp_path / "nothing-here", dataset_version="x", public_graphs=PUBLIC)


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="workers >= 1"):
        QueryLimits(workers=0)
    with pytest.raises(ValueError, match="memory_mb >= 256"):
        QueryLimits(memory_mb=10)


ORPHAN_SCRIPT = """
import os, sys, time
from pathlib import Path
from kg.sparql import QueryLimits, QueryService

if __name__ == "__main__":
    service = QueryService(Path(sys.argv[1]), dataset_version=sys.argv[2], public_graphs=frozenset(),
                           limits=QueryLimits(workers=2))
    print(" ".join(str(p) for p in service.worker_pids()), flush=True)
    time.sleep(60)
"""


def test_workers_do_not_outlive_a_killed_server(prepared: tuple[Path, str], tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    command = [sys.executable, str(script), str(prepared[0]), prepared[1]]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            pids = [int(p) for p in server.stdout.readline().split()]
            assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        finally:
            server.kill()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


@pytest.mark.parametrize("max_rows", [3, 5, 1000])
@pytest.mark.parametrize("fmt", [ResultsFormat.JSON, ResultsFormat.TSV])
def test_lean_answers_are_the_workers_answers(
    prepared: tuple[Path, str], max_rows: int, fmt: ResultsFormat
) -> None:
    # A lean lookup runs in this process, its answer serialised by the engine at once unless it is over the
    # row limit (then pulled and cut): the same answer as a worker's, cut or not. ITEMS' subjects have 5
    # triples, so 3 rows cut it, 5 just fit.
    lookups = [
        f"SELECT ?p ?o WHERE {{ <{EX}a/item/{max_rows % 50}> ?p ?o }}",
        f"SELECT * WHERE {{ <{EX}b/item/9> ?p ?o }} # a comment ends it",
        f"SELECT ?p ?o WHERE {{ <{EX}a/item/8> ?p ?o }} LIMIT 4",
    ]
    with make_service(prepared, max_rows=max_rows) as by_worker:
        # Opened as a server opens it (from memory when small, as its workers read it).
        local = KgStore.open_served(prepared[0], by_worker.limits.memory_copy_mb)
        here = QueryService(
            prepared[0],
            dataset_version=prepared[1],
            public_graphs=PUBLIC,
            limits=by_worker.limits,
            local_store=local,
        )
        with here:
            for query in lookups:
                request = QueryRequest(query, result_format=fmt)
                mine, theirs = here.run(request), by_worker.run(request)
                assert (mine.body, mine.rows, mine.truncated) == (theirs.body, theirs.rows, theirs.truncated)
                available = 4 if "LIMIT" in query else 5
                assert (mine.rows, mine.truncated) == (min(max_rows, available), max_rows < available)
            assert (here.stats()["lean"], here.stats()["queries"]) == (3, 0)


def _at_once(service: QueryService, query: str, callers: int) -> list[object]:
    """``callers`` threads asking ``query`` at the same moment: their answers or errors."""
    outcomes: list[object] = []
    start = threading.Barrier(callers)

    def ask() -> None:
        start.wait()
        try:
            outcomes.append(service.run(QueryRequest(query)))
        except QueryError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return outcomes


def test_the_same_heavy_query_at_the_same_time_runs_once(prepared: tuple[Path, str]) -> None:
    # Four callers ask one heavy query at once: one worker runs it, the others wait for its answer (two
    # workers were free, so without sharing two would have run it). A query that fails, fails for each.
    heavy = f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o . ?o ?q ?r . ?s <{EX}next> ?x }} GROUP BY ?s"
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with make_service(prepared, workers=2, timeout_s=1.5) as service:
        answers = _at_once(service, heavy, 4)
        assert len(answers) == 4 and len({a.body for a in answers if isinstance(a, QueryAnswer)}) == 1
        assert sum(a.cached for a in answers if isinstance(a, QueryAnswer)) == 3
        failures = _at_once(service, slow, 4)
        assert [type(f).__name__ for f in failures] == ["QueryTimeout"] * 4
        assert len({id(f) for f in failures}) == 4  # each caller raised an error of its own
        stats = service.stats()
        assert (stats["queries"], stats["timeouts"], stats["shared"]) == (2, 1, 6)


def _store_files_open(pid: int, store: Path) -> int:
    """How many of a process's open files are in the store's folder."""
    folder = str(store.resolve())
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd).startswith(folder))


@pytest.mark.parametrize("copy_mb", [0, 32])
def test_a_small_store_is_answered_from_a_copy_in_each_workers_memory(
    prepared: tuple[Path, str], copy_mb: int
) -> None:
    """Under ``memory_copy_mb`` a worker copies the store into its memory and closes the on-disk store
    (pyoxigraph answers from memory three to four times faster); the answers are the same."""
    path, version = prepared
    limits = QueryLimits(memory_copy_mb=copy_mb)
    with QueryService(path, dataset_version=version, public_graphs=PUBLIC, limits=limits) as service:
        total = count(service, QueryRequest(COUNT))
        named = service.run(
            QueryRequest("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        )
        pids = service.worker_pids()
        assert pids and all((_store_files_open(pid, path) == 0) == (copy_mb > 0) for pid in pids), [
            (pid, _store_files_open(pid, path)) for pid in pids
        ]
    with QueryService(path, dataset_version=version, public_graphs=PUBLIC, limits=QueryLimits()) as other:
        assert count(other, QueryRequest(COUNT)) == total > 0
        again = other.run(
            QueryRequest("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        )
        assert sorted(again.body.splitlines()) == sorted(named.body.splitlines())
