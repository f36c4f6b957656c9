"""The lean grammar's answer kept per query shape (kg.sparql.lean) is the grammar's answer on the text."""

from __future__ import annotations

import random

import pytest
from test_lexer import REAL, _texts

from kg.errors import QueryError
from kg.sparql import lean
from kg.sparql.lexer import tokens

# Each list starts with what the grammar accepts (the first ``good`` entries), then what it refuses.
SUBJECTS = (
    ["<http://ex/a>", "ex:a", "<http://ex/\\u0061>"],
    ["<http://ex/b>", "ex:b", "?s", "_:b", "filter:x"],
)
VERBS = (["?p", "<http://ex/p>", "a", "ex:p"], ["<http://ex/p>+", "undeclared:p", "A"])
OBJECTS = (["?o", "<http://ex/o>", '"x"', '"x"@en', '"1"^^<http://ex/t>', "1.5", "true"], ["False", "[]"])
PROLOGUES = (["", "BASE <http://ex/> ", "PREFIX ex: <http://ex/> "], ["PREFIX ex: <x> PREFIX filter: <y> "])
FORMS = (["SELECT ?p ?o", "SELECT *", "ASK", "SELECT DISTINCT ?o"], ["CONSTRUCT", "SELECT", "DESCRIBE"])
TAILS = (["", " LIMIT 5", " LIMIT 5 OFFSET 2"], [" LIMIT x", " ORDER BY ?o", " LIMIT 1 LIMIT 2"])


def _pick(rng: random.Random, choices: tuple[list[str], list[str]]) -> str:
    return rng.choice(choices[0] if rng.random() < 0.85 else choices[1])


def _lookup_like(rng: random.Random) -> str:
    """Queries near the lean grammar's edge: one or more subjects, equal or not, prefixes declared or not."""
    patterns = []
    for _ in range(rng.randrange(1, 4)):
        objects = " , ".join(_pick(rng, OBJECTS) for _ in range(rng.randrange(1, 3)))
        pairs = " ; ".join(f"{_pick(rng, VERBS)} {objects}" for _ in range(rng.randrange(1, 3)))
        patterns.append(f"{_pick(rng, SUBJECTS)} {pairs}")
    where = rng.choice(("WHERE ", "", "where "))
    body = " . ".join(patterns) + rng.choice(("", " ."))
    return f"{_pick(rng, PROLOGUES)}{_pick(rng, FORMS)} {where}{{ {body} }}{_pick(rng, TAILS)}"


def _direct(text: str) -> bool:
    try:
        found = list(tokens(text))
    except QueryError:
        return False
    return lean._accepts(found)


@pytest.mark.parametrize("seed", range(3))
def test_the_answer_per_shape_is_the_answer_per_text(seed: int) -> None:
    rng = random.Random(seed)
    texts = [*REAL, *_texts(seed, 2_000), *(_lookup_like(rng) for _ in range(4_000))]
    answers = [lean.is_lean(text) for text in texts]
    assert sum(answers) > 300  # the generated queries reach both sides of the grammar
    for text, answer in zip(texts, answers, strict=True):
        assert answer == _direct(text), text


def test_equal_and_different_subjects_keep_their_answers() -> None:
    one = "SELECT * { <http://ex/a> ?p ?o . <http://ex/a> ?q ?r }"
    two = "SELECT * { <http://ex/a> ?p ?o . <http://ex/b> ?q ?r }"
    assert lean._shape(list(tokens(one))) != lean._shape(list(tokens(two)))
    assert lean.is_lean(one) and not lean.is_lean(two)
    assert lean.is_lean(one.replace("ex/a", "ex/c"))  # another subject, the same shape: a memo hit


@pytest.mark.parametrize("seed", range(2))
def test_bounded_texts_stay_lean_and_bounded(seed: int) -> None:
    # row_bounded's text is the query with at most rows + 1 solutions: still lean, the same SELECT, and its
    # LIMIT (its own or the one added) at most rows + 1, even after a comment or an OFFSET.
    rng = random.Random(seed)
    texts = [t for t in (_lookup_like(rng) for _ in range(3_000)) if lean.is_lean(t)]
    texts += [t + " # a comment" for t in texts[:200]]
    seen = {"own": 0, "added": 0, "over": 0}
    for text, rows in ((t, rng.choice((4, 5))) for t in texts):
        found = lean.row_bounded(text, rows)
        own = any(t.kind == "word" and t.text.upper() == "LIMIT" for t in tokens(text))  # TAILS: LIMIT 5
        if "SELECT" not in text or (own and rows == 4):
            assert found is None, text  # not a SELECT, or its own LIMIT 5 is over 4 rows
            seen["over"] += "SELECT" in text
            continue
        assert found is not None and lean.is_lean(found), text
        assert found == (text if own else f"{text}\nLIMIT {rows + 1}")
        seen["own" if own else "added"] += 1
    assert min(seen.values()) > 50, seen
