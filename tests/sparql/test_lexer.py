"""The SPARQL tokenizer (SPARQL 1.1 Query §19.8 terminals) and the cache-key normal form."""

from __future__ import annotations

import doctest
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lexer_oracle
import pytest

import kg.sparql.lexer
from kg.errors import QueryError
from kg.sparql.lexer import Token, normalise, tokens, tokens_with_gaps


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


# The one-regex lexer against the lexer it replaced (tests/sparql/lexer_oracle.py): the same tokens, gaps
# and errors on real queries, on real queries cut and spliced, and on random text made of the pieces the
# terminals are made of (quotes, escapes, IRI and prefix characters, non-ASCII letters and digits).
PIECES = (
    *" \t\r\n#<>?$@_:.,;{}()[]'\"\\-+*/=!%^|`~&",
    *"aAeEzZ019",
    "'''", '"""', "''", '""', "\\'", '\\"', "\\\\", "\\u0041", "\\U0001F600", "%4A", "%g", "\\#", "\\~",
    "SERVICE", "service", "PREFIX", "FROM", "NAMED", "SELECT", "ask", "1.5e-3", ".5", "1.", "e10",
    "<http://ex/a>", "<a b>", "ex:", ":x", "ex:a.b", "_:b1", "_:", "?x", "$y", "@en-GB", "@", "^^",
    "é", "·", "\u0300", "\u203f", "\u0663", "²", "\U0001d538", "\u2028", "\x00", "\x0c", "\ufeff",
    "a.", "a-", "a.a", ".:", "..:", "a.:", "ex.a:b",
)  # fmt: skip
QUERIES = Path(__file__).parents[2] / "queries"
REAL = (
    *(path.read_text(encoding="utf-8") for path in sorted(QUERIES.glob("*.rq"))),
    "SELECT ?p ?o1 WHERE { <https://w3id.org/kg-funding/project/p-1> ?p ?o1 }",
    'PREFIX ex: <http://ex/> SELECT * FROM <http://g/a> { ?s ex:a\\#b "x"@en, """y\n""", 1.5e3 . } # end',
)


def _outcome(lex: Callable[[str], Iterator[tuple[Token, bool]]], text: str) -> tuple[Any, ...]:
    found: list[tuple[Token, bool]] = []
    try:
        for item in lex(text):
            found.append(item)
    except QueryError as exc:
        return (found, str(exc), exc.line, exc.column)
    return (found, None)


def _texts(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        if rng.random() < 0.3:  # a real query with a piece put in or a span cut out
            text = rng.choice(REAL)
            at, to = sorted(rng.randrange(len(text) + 1) for _ in range(2))
            yield text[:at] + (rng.choice(PIECES) if rng.random() < 0.5 else "") + text[to:]
        else:
            yield "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 24)))


@pytest.mark.parametrize("seed", range(4))
def test_the_same_tokens_and_errors_as_the_lexer_it_replaced(seed: int) -> None:
    for text in (*REAL, *_texts(seed, 5_000)):
        expected = _outcome(lexer_oracle.tokens_with_gaps, text)
        assert _outcome(tokens_with_gaps, text) == expected, text
        # tokens(), from the memo or read lazily, gives the same tokens and raises after the same ones
        without_gaps = ([(token, False) for token, _gap in expected[0]], *expected[1:])
        assert _outcome(lambda t: ((token, False) for token in tokens(t)), text) == without_gaps, text


# A run of name characters and dots with no prefixed name in it ("a.a.a...") was scanned for a colon again at
# each of its words: lexing was quadratic (16 kB: 2 s of CPU in the server process, which holds the GIL).
@pytest.mark.parametrize("unit", ["a.", "a-", "é·", "a\u0300.", "_a.", "a.a:", "a..:", "a.:b."])
def test_runs_of_name_characters_are_lexed_in_linear_time(unit: str) -> None:
    small = unit * 300
    assert _outcome(tokens_with_gaps, small) == _outcome(lexer_oracle.tokens_with_gaps, small)
    big = unit * (100_000 // len(unit))  # the largest query text kg serve takes
    started = time.process_time()
    assert sum(1 for _ in tokens_with_gaps(big)) > 0
    assert time.process_time() - started < 5  # quadratic, it took minutes
