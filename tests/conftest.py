"""Shared fixtures: the real project's records, built once per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.dumps import union_graph
from kg.project import Project, build_project, read_project
from kg.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# A `kg add` run in the test process finishes its build before it returns: the default, a `kg build --finish`
# started in the background, would outlive the test that started it (and the folder it writes in).
# tests/add/test_incremental.py runs the background mode in a `kg` process of its own.
os.environ.setdefault("KG_FINISH", "wait")
# The on-disk stores' default folder (kg.settings.default_store_dir) is the user's cache: tests use their own,
# so a store a developer's `kg serve` prepared is never read or added to by a test.
_CACHE = tempfile.mkdtemp(prefix="kg-tests-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(data_dir=ROOT / "data", dist_dir=ROOT / "dist")


@pytest.fixture(scope="session")
def project(settings: Settings) -> Project:
    return read_project(settings)


@pytest.fixture(scope="session")
def dataset(settings: Settings) -> Dataset:
    return build_project(settings)


@pytest.fixture(scope="session")
def graph(dataset: Dataset) -> Graph:
    """The union of the named graphs: what a query sees."""
    return union_graph(dataset)
