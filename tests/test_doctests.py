"""Run the doctests of the small pure helpers (iris, formats, amounts, the SPARQL lexer and rewrite)."""

from __future__ import annotations

import doctest

import pytest

import kg.amounts
import kg.formats
import kg.iris
import kg.sparql.lexer
import kg.sparql.schema_http


@pytest.mark.parametrize(
    "module",
    [kg.iris, kg.formats, kg.amounts, kg.sparql.lexer, kg.sparql.schema_http],
    ids=lambda m: m.__name__,
)
def test_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0
    assert failures == 0
