"""Shared fixtures of the `kg extract` tests: the reference data, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.sources import Reference, read_reference

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def reference() -> Reference:
    return read_reference(ROOT / "data" / "reference")
