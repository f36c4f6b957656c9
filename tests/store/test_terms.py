"""kg.store.terms: the embedded store's results written term by term are the bytes the generic path writes."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.formats import ResultsFormat
from kg.store.terms import capped_bindings, capped_solutions, term_json

EX = "http://example.org/"
# Every kind of term a solution can hold, with the characters JSON must escape or must leave alone.
DATA = f"""
<{EX}a> <{EX}name> "Canada \\"Contributes\\"\\n\\t\\\\ é ✓ \\u0001"@en .
<{EX}a> <{EX}name> "Sécurité"@fr-CA .
<{EX}a> <{EX}amount> "5200000"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<{EX}a> <{EX}note> "plain" .
<{EX}a> <{EX}link> <{EX}b%20c?d=é> .
<{EX}a> <{EX}node> _:n1 .
<{EX}a> <{EX}odd> "x"^^<{EX}dt-\\u00e9> .
"""
QUERIES = [
    f"SELECT ?p ?o WHERE {{ <{EX}a> ?p ?o }} ORDER BY ?p ?o",
    f"SELECT ?o ?missing WHERE {{ <{EX}a> ?p ?o OPTIONAL {{ ?o ?q ?missing }} }} ORDER BY ?o",
    f"SELECT ?x WHERE {{ OPTIONAL {{ <{EX}nothing> ?p ?x }} }}",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 0",
    f'SELECT ?t WHERE {{ BIND(<<( <{EX}a> <{EX}p> "o"@en )>> AS ?t) }}',
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


def _generic(store: ox.Store, query: str, fmt: ResultsFormat, max_rows: int, max_bytes: int) -> object:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = ({n: term_json(t) for n, t in zip(names, s, strict=True) if t is not None} for s in result)
    return capped_bindings(names, rows, fmt, max_rows, max_bytes)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("fmt", list(ResultsFormat))
@pytest.mark.parametrize(("max_rows", "max_bytes"), [(1000, 1_000_000), (3, 1_000_000), (1000, 400)])
def test_solutions_are_the_generic_bytes_and_cut(
    store: ox.Store, query: str, fmt: ResultsFormat, max_rows: int, max_bytes: int
) -> None:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    fast = capped_solutions(result, fmt, max_rows, max_bytes)
    assert fast == _generic(store, query, fmt, max_rows, max_bytes)


def test_every_term_kind_is_written_as_json_reads_it(store: ox.Store) -> None:
    result = store.query(QUERIES[0])
    assert isinstance(result, ox.QuerySolutions)
    doc = json.loads(capped_solutions(result, ResultsFormat.JSON, 100, 1_000_000).body)
    objects = [row["o"] for row in doc["results"]["bindings"]]
    assert {"type": "literal", "value": "Sécurité", "xml:lang": "fr-ca"} in objects
    assert {"type": "uri", "value": f"{EX}b%20c?d=é"} in objects
    assert any(o["type"] == "bnode" for o in objects)
    assert {"type": "literal", "value": "x", "datatype": f"{EX}dt-é"} in objects
    assert {"type": "literal", "value": "plain"} in objects
