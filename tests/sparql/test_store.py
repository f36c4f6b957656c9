"""The store side of the engine, in process: capped serialisation, explicit datasets, preparing a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sparql_data import EX, GRAPH_A, GRAPH_B, PRIVATE, write_nquads

from kg.errors import QueryError, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.sparql import dataset_version, prepare_store
from kg.sparql.cache import AnswerCache
from kg.sparql.lean import pattern_variables
from kg.sparql.types import QueryAnswer
from kg.store import Bounded, KgStore
from kg.store.embedded import _counted


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KgStore:
    memory = KgStore()
    memory.load_file(write_nquads(tmp_path_factory.mktemp("store") / "data.nq"))
    return memory


def capped(store: KgStore, query: str, **options: object) -> tuple[str, bytes, int, bool]:
    settings: dict[str, object] = {
        "default_graph": (GRAPH_A, GRAPH_B),
        "named_graphs": (GRAPH_A, GRAPH_B),
        "result_format": ResultsFormat.JSON,
        "graph_format": RdfFormat.TURTLE,
        "max_rows": 10,
        "max_bytes": 100_000,
    }
    settings.update(options)
    result = store.query_capped(query, **settings)  # type: ignore[arg-type]
    return result.kind, result.body, result.rows, result.truncated


def test_explicit_dataset_overrides_from_clauses(store: KgStore) -> None:
    # The guard refuses FROM <private>; this proves that even if one slipped through, the engine would not
    # read it, because the service always passes the dataset explicitly.
    query = (
        f"SELECT ?o FROM <{PRIVATE}> FROM NAMED <{PRIVATE}> WHERE {{ {{ ?s ?p ?o }} "
        "UNION { GRAPH ?g { ?s ?p ?o } } FILTER(isLiteral(?o) && CONTAINS(?o, 'SECRET')) }"
    )
    assert capped(store, query)[2] == 0
    everything = capped(store, query, default_graph=(PRIVATE,), named_graphs=())
    assert everything[2] == 1


def test_triple_terms_and_directions_survive(store: KgStore) -> None:
    query = (
        'SELECT ?t ?l WHERE { BIND(<<( <http://ex/s> <http://ex/p> "o" )>> AS ?t) '
        'BIND(STRLANGDIR("a", "en", "rtl") AS ?l) }'
    )
    for fmt in ResultsFormat:
        kind, body, rows, truncated = capped(store, query, result_format=fmt)
        assert (kind, rows, truncated) == ("solutions", 1, False) and body


def test_row_cap_pulls_one_extra_row(store: KgStore) -> None:
    assert capped(store, f"SELECT ?s WHERE {{ ?s <{EX}rank> ?r }} LIMIT 10")[2:] == (10, False)
    assert capped(store, f"SELECT ?s WHERE {{ ?s <{EX}rank> ?r }} LIMIT 11")[2:] == (10, True)


def test_graph_formats(store: KgStore) -> None:
    for fmt in RdfFormat:
        if fmt.supports_datasets and fmt is not RdfFormat.JSONLD:
            continue
        kind, body, rows, truncated = capped(store, "CONSTRUCT WHERE { ?s ?p ?o }", graph_format=fmt)
        assert (kind, rows, truncated) == ("graph", 10, True) and body


def test_ask_in_every_results_format(store: KgStore) -> None:
    for fmt in ResultsFormat:
        kind, body, rows, truncated = capped(store, "ASK { ?s ?p ?o }", result_format=fmt)
        assert (kind, rows, truncated) == ("boolean", 0, False) and b"true" in body.lower()


def test_syntax_error_is_one_line(store: KgStore) -> None:
    with pytest.raises(QueryError) as caught:
        capped(store, "SELECT * WHERE {\n ?s ?p }")
    assert caught.value.line == 2 and "\n" not in str(caught.value)


def test_prepare_store_is_keyed_by_content(tmp_path: Path) -> None:
    nquads = write_nquads(tmp_path / "a.nq")
    path, version = prepare_store(nquads, tmp_path / "stores")
    assert version == dataset_version(nquads) and path == tmp_path / "stores" / f"kg-{version}"
    assert prepare_store(nquads, tmp_path / "stores") == (path, version)
    assert [p.name for p in (tmp_path / "stores").iterdir()] == [path.name]  # no temp dir left behind
    with nquads.open("a", encoding="utf-8") as handle:
        handle.write(f'<{EX}x> <{EX}p> "new" <{GRAPH_A}> .\n')
    newer, newer_version = prepare_store(nquads, tmp_path / "stores")
    assert newer_version != version and newer != path
    reader = KgStore.open(newer, read_only=True)
    assert len(reader) == len(nquads.read_text(encoding="utf-8").splitlines())


def test_prepare_store_compacts_what_it_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compacted: list[int] = []
    optimize = KgStore.optimize

    def spy(self: KgStore) -> None:
        optimize(self)
        compacted.append(len(self))

    monkeypatch.setattr(KgStore, "optimize", spy)
    nquads = write_nquads(tmp_path / "a.nq")
    path, _ = prepare_store(nquads, tmp_path / "stores")
    assert compacted == [len(nquads.read_text(encoding="utf-8").splitlines())]
    prepare_store(nquads, tmp_path / "stores")  # an existing store is used as it is
    assert len(compacted) == 1
    assert len(KgStore.open(path, read_only=True)) == compacted[0]


def test_prepare_store_rejects_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://ex/a> <http://ex/b> .\n", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot load"):
        prepare_store(bad, tmp_path / "stores")
    assert list((tmp_path / "stores").iterdir()) == []
    with pytest.raises(StoreError, match="cannot read"):
        prepare_store(tmp_path / "missing.nq", tmp_path / "stores")


def test_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = AnswerCache(max_entries=3, max_bytes=100)

    def answer(size: int) -> QueryAnswer:
        return QueryAnswer("solutions", b"x" * size, "text/csv", False, 1, False)

    for key in range(5):
        cache.put(key, answer(10))
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) is not None
    cache.put("big", answer(90))
    assert len(cache) == 2 and cache.get(4) is not None  # 4 was used last, so 2 and 3 went first
    cache.put("too big", answer(101))
    assert cache.get("too big") is None
    assert (cache.hits, cache.misses) == (2, 2)


def test_json_body_is_valid_when_cut(store: KgStore) -> None:
    body = capped(store, "SELECT * WHERE { ?s ?p ?o }", max_bytes=2_000, max_rows=1000)[1]
    assert len(body) <= 2_000 and json.loads(body)["results"]["bindings"]


@pytest.fixture(scope="module")
def crowded() -> KgStore:
    """``hub`` linked from 50 subjects in the default graph and 50 in a named graph, one link in both."""
    lines = [f"<{EX}s{i}> <{EX}link> <{EX}hub> ." for i in range(50)]
    lines += [f"<{EX}t{i}> <{EX}link> <{EX}hub> <{GRAPH_A}> ." for i in range(50)]
    lines += [f"<{EX}s0> <{EX}link> <{EX}hub> <{GRAPH_B}> .", f"<{EX}u> <{EX}other> <{EX}hub> <{GRAPH_B}> ."]
    lines.append(f"<{EX}hub> <{EX}link> <{EX}elsewhere> <{GRAPH_A}> .")
    memory = KgStore()
    memory.load("\n".join(lines).encode(), RdfFormat.NQUADS)
    return memory


def test_predicate_counts_count_statements_in_every_graph(crowded: KgStore) -> None:
    # Statements, as ``quads`` lists them: s0's link is stated twice (default graph and GRAPH_B).
    hub = next(crowded.quads(subject=f"{EX}hub")).subject
    listed = sum(1 for _ in crowded.quads(predicate=f"{EX}link", obj=hub))
    assert crowded.predicate_counts(f"{EX}hub", 1_000) == {f"{EX}link": listed, f"{EX}other": 1}
    assert listed == 101
    assert crowded.predicate_counts(f"{EX}nobody", 1_000) == {}


def test_predicate_counts_stop_at_the_cap(crowded: KgStore) -> None:
    counts = crowded.predicate_counts(f"{EX}hub", 30)
    assert sum(counts.values()) == 30


def test_subjects_pages_cover_every_subject_once(crowded: KgStore) -> None:
    pages = [crowded.subjects(f"{EX}link", f"{EX}hub", offset=n, limit=20) for n in range(0, 120, 20)]
    assert [len(p) for p in pages] == [20, 20, 20, 20, 20, 0]
    names = [str(term.value) for page in pages for term in page]  # type: ignore[union-attr]
    assert len(names) == len(set(names)) == 100  # s0, stated twice, is listed once
    again = crowded.subjects(f"{EX}link", f"{EX}hub", offset=40, limit=20)
    assert [t.value for t in again] == [t.value for t in pages[2]]  # type: ignore[union-attr]
    assert crowded.subjects(f"{EX}link", f"{EX}hub", offset=-5, limit=0) == []


WHOLE_QUERIES = (
    f"SELECT ?p ?o WHERE {{ <{EX}a/item/7> ?p ?o }}",
    f"SELECT * WHERE {{ <{EX}a/item/7> <{EX}label> ?l ; <{EX}rank> ?r ; <{EX}next> ?n }}",
    f"SELECT ?missing ?o WHERE {{ <{EX}a/item/7> <{EX}label> ?o }}",  # ?missing: unbound in every row
    f"SELECT ?o WHERE {{ <{EX}nothing> ?p ?o }}",
    f"SELECT ?prédicat ?объект_1 WHERE {{ <{EX}a/item/7> ?prédicat ?объект_1 }}",  # names read from the bytes
    'SELECT ?t ?l WHERE { BIND(<<( <http://ex/s> <http://ex/p> "o" )>> AS ?t) '
    'BIND(STRLANGDIR("a", "en", "rtl") AS ?l) }',
)


@pytest.mark.parametrize("fmt", list(ResultsFormat))
@pytest.mark.parametrize("query", WHOLE_QUERIES)
def test_whole_answers_are_the_pulled_answers(store: KgStore, query: str, fmt: ResultsFormat) -> None:
    # The engine's serialisation at once (the lean path) and the rows pulled one by one give the same answer,
    # byte for byte, rows, and unbound variables.
    dataset = {"default_graph": (GRAPH_A, GRAPH_B), "named_graphs": (GRAPH_A, GRAPH_B), "result_format": fmt}
    whole = store.query_whole(Bounded(query), **dataset, max_rows=10, max_bytes=100_000)  # type: ignore[arg-type]
    # Counted from the bytes (each row binds the pattern's variables) as parsed:
    counted = store.query_whole(
        Bounded(query, pattern_variables(query)),
        **dataset,  # type: ignore[arg-type]
        max_rows=10,
        max_bytes=100_000,
    )
    assert counted == whole
    if fmt is ResultsFormat.JSON and b'"triple"' not in whole.body:  # type: ignore[union-attr]
        # and the count was read from the bytes, not parsed (None would mean: parse it)
        assert _counted(whole.body, pattern_variables(query)) == (whole.rows, whole.unbound)  # type: ignore[union-attr]
    pulled = store.query_capped(
        query,
        **dataset,  # type: ignore[arg-type]
        graph_format=RdfFormat.TURTLE,
        max_rows=10,
        max_bytes=100_000,
    )
    assert whole == pulled


def test_whole_answers_over_a_limit_are_left_to_the_puller(store: KgStore) -> None:
    dataset = {"default_graph": (GRAPH_A,), "named_graphs": (), "result_format": ResultsFormat.JSON}
    query = f"SELECT ?p ?o WHERE {{ <{EX}a/item/7> ?p ?o }}"  # 5 rows
    assert store.query_whole(Bounded(query), **dataset, max_rows=5, max_bytes=100_000) is not None  # type: ignore[arg-type]
    assert store.query_whole(Bounded(query), **dataset, max_rows=4, max_bytes=100_000) is None  # type: ignore[arg-type]
    assert store.query_whole(Bounded(query), **dataset, max_rows=5, max_bytes=200) is None  # type: ignore[arg-type]
    ask = f"ASK {{ <{EX}a/item/7> ?p ?o }}"
    assert store.query_whole(Bounded(ask), **dataset, max_rows=5, max_bytes=100_000) is None  # type: ignore[arg-type]
    with pytest.raises(QueryError) as caught:
        store.query_whole(Bounded("SELECT ?o WHERE { ?s ?p ?o "), **dataset, max_rows=5, max_bytes=9)  # type: ignore[arg-type]
    assert caught.value.line == 1
