"""The doctests of the web layer's pure helpers and of kg.void."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import kg.void
from kg.web import labels, links, negotiation, protocol, termlabels

MODULES = [negotiation, labels, protocol, kg.void, links, termlabels]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0
