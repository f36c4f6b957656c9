"""The SPARQL tokenizer (SPARQL 1.1 Query §19.8 terminals) and the cache-key normal form."""

from __future__ import annotations

import doctest

import pytest

import kg.sparql.lexer
from kg.errors import QueryError
from kg.sparql.lexer import normalise, tokens


def test_doctests() -> None:
    failures, tried = doctest.testmod(kg.sparql.lexer)
    assert tried > 0 and failures == 0


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("?a<?b", ["var", "punct", "var"]),  # no IRIREF: `?` is allowed but nothing closes it before `?b`
        ("?a < ?b", ["var", "punct", "var"]),
        ("<http://ex/a#b>", ["iri"]),
        ("<http://ex/\\u0041>", ["iri"]),
        ("<http://ex/a b>", ["punct", "pname", "punct", "punct", "word", "punct", "word", "word", "punct"]),
        ('"a\\"b" \'c\'', ["string", "string"]),
        ("'''x ' '' y'''", ["string"]),
        ('"""a\n"b"\n"""', ["string"]),
        ("ex:a.b ex:c. _:x1", ["pname", "pname", "punct", "bnode"]),
        ("ex:a\\#b", ["pname"]),
        ("1 1.5 .5 1e10 1SERVICE", ["number", "number", "number", "number", "number", "word"]),
        ('"x"@en-GB "y"^^xsd:int', ["string", "langtag", "string", "punct", "punct", "pname"]),
        ("? $ @", ["punct", "punct", "punct"]),
        ("GROUP_CONCAT SHA256", ["word", "word"]),
    ],
)
def test_token_kinds(text: str, kinds: list[str]) -> None:
    assert [t.kind for t in tokens(text)] == kinds


@pytest.mark.parametrize("text", ['"open', "'open\nclose'", '"""never closed', '"trailing backslash\\'])
def test_unclosed_strings(text: str) -> None:
    with pytest.raises(QueryError, match="string literal not closed") as caught:
        list(tokens("SELECT * { ?s ?p " + text))
    assert (caught.value.line, caught.value.column) == (1, 18)


def test_normal_form_keeps_literals_and_token_boundaries() -> None:
    a = "SELECT ?x\n# comment\nWHERE  {\t?x ?p 'a  b' . FILTER(?x<?y) }"
    b = "SELECT ?x WHERE { ?x ?p 'a  b' . FILTER(?x<?y) }"
    assert normalise(a) == normalise(b) == b
    assert normalise("SELECT ?x WHERE { ?x ?p 'a b' }") != normalise(b)
    assert normalise('ASK { FILTER("x"^^<http://ex/t> = 1) }') == 'ASK { FILTER("x"^^<http://ex/t> = 1) }'
