"""The lexical pre-check: security.md §6 attacks refused before any engine, no false positives (A5)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sparql_data import GRAPH_A, GRAPH_B, PRIVATE, PUBLIC
from test_lexer import REAL, _texts

from kg.errors import QueryError, QueryRefused
from kg.sparql import QueryLimits, guard, inspect_query
from kg.sparql.guard import QueryInfo, resolve_dataset

LIMITS = QueryLimits()
PORT = 8999
LOOP = f"<http://127.0.0.1:{PORT}/>"

ATTACKS = {
    "A1 service": f"SELECT * WHERE {{ SERVICE {LOOP} {{ ?s ?p ?o }} }}",
    "A2 silent": f"SELECT * WHERE {{ SERVICE SILENT {LOOP} {{ ?s ?p ?o }} }}",
    "A3 mixed case tab": f"SELECT * WHERE {{ sErViCe\t{LOOP} {{ ?s ?p ?o }} }}",
    "A3 comment": f"SELECT * WHERE {{ SERVICE#c\n{LOOP} {{ ?s ?p ?o }} }}",
    "A3 optional": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE {LOOP} {{ ?s ?p ?x }} }} }}",
    "A3 minus": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE {LOOP} {{ ?s ?p ?o }} }} }}",
    "A3 filter exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {LOOP} {{ ?s ?p ?o }} }} }}",
    "A3 subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE {LOOP} {{ ?s ?p ?o }} }} }} }}",
    "A3 ipv6": f"SELECT * WHERE {{ SERVICE <http://[::1]:{PORT}/> {{ ?s ?p ?o }} }}",
    "A3 decimal ip": f"SELECT * WHERE {{ SERVICE <http://2130706433:{PORT}/> {{ ?s ?p ?o }} }}",
    "A3 file": "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    "A3 glued silent": f"SELECT * WHERE {{ SERVICESILENT{LOOP}{{ ?s ?p ?o }} }}",
    "A3 glued after brace": f"SELECT * WHERE {{ OPTIONAL{{}}SERVICE{LOOP}{{}} }}",
    "A3 prefix trick": f"PREFIX : {LOOP} SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "A3 after pname escape": f"PREFIX ex: <http://ex/> SELECT * {{ ?s ex:a\\# SERVICE {LOOP} {{}} }}",
    "A3 newline": f"SELECT * WHERE {{\nSERVICE\n\n{LOOP}\n{{ ?s ?p ?o }} }}",
    "A4 variable": f"SELECT * {{ VALUES ?x {{ {LOOP} }} SERVICE ?x {{ ?s ?p ?o }} }}",
    "A6 file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "A6 loopback": f"SELECT * FROM {LOOP} WHERE {{ ?s ?p ?o }}",
    "A6 named": f"SELECT * FROM NAMED {LOOP} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "A6 relative": "SELECT * FROM </etc/hostname> WHERE { ?s ?p ?o }",
    "A6 private graph": f"SELECT * FROM <{PRIVATE}> WHERE {{ ?s ?p ?o }}",
    "A6 glued named": f"SELECT * FROMNAMED<{PRIVATE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "A6 prefixed private": "PREFIX g: <http://example.org/graph/> SELECT * FROM g:private { ?s ?p ?o }",
    "A8 load": f"LOAD {LOOP}",
    "C1 drop": "DROP ALL",
    "C2 insert data": 'INSERT DATA { <http://ex/s> <http://ex/p> "o" }',
    "C2 delete where": "DELETE WHERE { ?s ?p ?o }",
    "C2 with": "WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "C2 after query": 'SELECT * {} ; INSERT DATA { <http://ex/s> <http://ex/p> "o" }',
    "C4 clear": "CLEAR DEFAULT",
    "C4 create": "CREATE GRAPH <http://ex/g>",
    "C4 add/move/copy": "ADD DEFAULT TO <http://ex/g> ; MOVE <http://ex/a> TO <http://ex/b>",
    "C4 copy": "COPY DEFAULT TO <http://ex/g>",
}


@pytest.mark.parametrize("query", ATTACKS.values(), ids=ATTACKS.keys())
def test_attacks_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused) as caught:
        inspect_query(query, LIMITS, PUBLIC)
    assert "\n" not in str(caught.value)
    assert caught.value.line is not None and caught.value.column is not None


NOT_ATTACKS = {
    "A5 variable": "SELECT ?service WHERE { ?service ?p ?o }",
    "A5 dollar variable": "SELECT $service WHERE { $service ?p ?o }",
    "A5 literal": 'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1/>" }',
    "A5 long literal": "SELECT * WHERE { ?s ?p '''a\nSERVICE <x> {}\n''' }",
    "A5 escaped quote": 'SELECT * WHERE { ?s ?p "a \\" SERVICE <x> {}" }',
    "A5 comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1/> { }",
    "A5 iri": "SELECT * WHERE { ?s <http://ex/SERVICE> ?o }",
    "A5 prefixed local": "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:service ?o . ?s ex:SERVICE ?x }",
    "A5 language tag": 'SELECT * WHERE { ?s ?p "x"@en }',
    "A5 words in strings": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "DROP ALL; LOAD <x>; INSERT") }',
    "less-than is not an iri": "SELECT * WHERE { ?s ?p ?a . ?s ?p ?b FILTER(?a<?b) }",
    "public FROM": f"SELECT * FROM <{GRAPH_A}> FROM NAMED <{GRAPH_B}> WHERE {{ ?s ?p ?o }}",
    "prefixed FROM": "PREFIX g: <http://example.org/graph/> SELECT * FROM g:a WHERE { ?s ?p ?o }",
    "base and prefix": "BASE <http://ex/> PREFIX ex: <http://ex/> ASK { ?s ex:p ?o }",
    "glued ask": "ASKWHERE{}",
}


@pytest.mark.parametrize("query", NOT_ATTACKS.values(), ids=NOT_ATTACKS.keys())
def test_no_false_positives(query: str) -> None:
    inspect_query(query, LIMITS, PUBLIC)


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * {}", "SELECT"),
        ("PREFIX ex: <http://ex/> ask {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://ex/> DESCRIBE <a>", "DESCRIBE"),
        ("# a comment\nSELECT * {}", "SELECT"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert inspect_query(query, LIMITS, PUBLIC).form == form


def test_depth_is_measured() -> None:
    assert inspect_query("SELECT * { { ?s ?p ?o FILTER((1)) } }", LIMITS, PUBLIC).depth == 4
    assert inspect_query('SELECT * { ?s ?p "{{{{" }', LIMITS, PUBLIC).depth == 1


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,  # B1: segfaults pyoxigraph 0.5.13
        "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",  # B2
        "SELECT * WHERE { ?s ?p " + "[ <http://ex/p> " * 100 + "1" + " ]" * 100 + " }",
    ],
    ids=["B1 braces", "B2 parens", "brackets"],
)
def test_deep_nesting_is_refused_fast(query: str) -> None:
    start = time.perf_counter()
    with pytest.raises(QueryRefused, match="nesting is deeper than 64"):
        inspect_query(query, LIMITS, PUBLIC)
    assert time.perf_counter() - start < 0.05


def test_long_query_is_refused() -> None:
    query = "SELECT * { ?s ?p ?o } # " + "x" * 100_000
    with pytest.raises(QueryRefused, match="the limit is 100000 bytes") as caught:
        inspect_query(query, LIMITS, PUBLIC)
    assert len(str(caught.value)) < 200


def test_long_query_within_limit_is_quick() -> None:
    values = " ".join(f'"v{i}"' for i in range(9000))  # ~ 80 KB of VALUES (B9)
    start = time.perf_counter()
    inspect_query(f"SELECT ?x {{ VALUES ?x {{ {values} }} }}", LIMITS, PUBLIC)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "query", ["", "   ", "hello world", "{ ?s ?p ?o }", 'SELECT ?x { BIND("open AS ?x) }']
)
def test_not_a_query(query: str) -> None:
    with pytest.raises(QueryError) as caught:
        inspect_query(query, LIMITS, PUBLIC)
    assert not isinstance(caught.value, QueryRefused)


def test_from_clauses_are_reported() -> None:
    query = f"SELECT * FROM <{GRAPH_A}> FROM NAMED <{GRAPH_B}> {{ ?s ?p ?o }}"
    info = inspect_query(query, LIMITS, PUBLIC)
    assert (info.from_graphs, info.from_named_graphs) == ((GRAPH_A,), (GRAPH_B,))


def test_dataset_defaults_to_every_public_graph() -> None:
    info = inspect_query("SELECT * { ?s ?p ?o }", LIMITS, PUBLIC)
    dataset = resolve_dataset(info, (), (), PUBLIC)
    assert dataset.default_graphs == dataset.named_graphs == (GRAPH_A, GRAPH_B)


def test_protocol_graphs_take_precedence_over_from() -> None:
    info = inspect_query(f"SELECT * FROM <{GRAPH_A}> {{ ?s ?p ?o }}", LIMITS, PUBLIC)
    assert resolve_dataset(info, (), (), PUBLIC).default_graphs == (GRAPH_A,)
    assert resolve_dataset(info, (), (), PUBLIC).named_graphs == ()
    dataset = resolve_dataset(info, (GRAPH_B,), (), PUBLIC)
    assert (dataset.default_graphs, dataset.named_graphs) == ((GRAPH_B,), ())


@pytest.mark.parametrize(
    ("default", "named"),
    [(("file:///etc/passwd",), ()), ((), (f"http://127.0.0.1:{PORT}/",)), ((PRIVATE,), ())],
    ids=["A7 file default graph", "A7 loopback named graph", "private graph"],
)
def test_protocol_graphs_must_be_public(default: tuple[str, ...], named: tuple[str, ...]) -> None:
    info = inspect_query("SELECT * { ?s ?p ?o }", LIMITS, PUBLIC)
    with pytest.raises(QueryRefused, match="not a public graph"):
        resolve_dataset(info, default, named, PUBLIC)


def test_every_public_graph_is_one_dataset_made_once() -> None:
    """The default dataset (every public graph, sorted) is made once per set of graphs, not per query: with
    hundreds of release graphs, sorting them on every lookup cost more than the lookup."""
    public = frozenset(f"https://example.org/graph/{n}" for n in range(500))
    info = inspect_query("SELECT * WHERE { ?s ?p ?o }", QueryLimits(), public)
    first = resolve_dataset(info, (), (), public)
    assert first.every_public_graph and first.named_graphs == tuple(sorted(public))
    assert resolve_dataset(info, (), (), frozenset(public)) is first


# The plain path (a text without SERVICE, update keywords, FROM or PREFIX anywhere) against the full scan: the
# same answer or the same exception, on the queries above, the lexer's fuzz texts and those texts as the body
# of a query, with a depth limit the fuzz texts reach.
def _scanned(inspect: Callable[..., QueryInfo], *args: object) -> object:
    try:
        return inspect(*args)
    except QueryError as exc:
        return (type(exc), str(exc), exc.line, exc.column)


@pytest.mark.parametrize("seed", range(3))
def test_the_plain_path_answers_as_the_full_scan(seed: int) -> None:
    limits = QueryLimits(max_depth=3)
    fuzz = list(_texts(seed, 3_000))
    texts = [*ATTACKS.values(), *NOT_ATTACKS.values(), *REAL, *fuzz, *(f"SELECT * {{ {t} }}" for t in fuzz)]
    plain = [text for text in texts if guard._plain(text)]
    assert len(plain) > len(texts) / 3
    for text in plain:
        for lim in (limits, LIMITS):
            full = _scanned(guard._scan, text, lim, PUBLIC)
            assert _scanned(guard._inspect_plain, text, lim) == full, text


WATCHED = [
    "sErViCe",
    "x:service",
    "'insert'",
    "<http://ex/drop>",
    "# from",
    "$Prefix",
    "usingx",
    "SERV\u0131CE",
]


@pytest.mark.parametrize("text", WATCHED)
def test_any_watched_word_anywhere_takes_the_full_scan(text: str) -> None:
    assert not guard._plain(f"SELECT * {{ {text} }}")
