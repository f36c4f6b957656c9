"""Web fixtures: the project's build in a temporary dist/, its on-disk store, apps and live servers.

The build comes from the real records (``dataset`` in tests/conftest.py), written with ``write_dumps`` to a
temporary folder, so the tests never depend on (or touch) the checkout's own ``dist/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset as RdfDataset

from kg.browse.records import browse_data
from kg.dumps import union_view, write_dumps
from kg.search_index import INDEX_FILE, write_index
from kg.settings import Settings
from kg.sparql import QueryLimits, QueryService
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.runtime import Prepared, prepare_release

from .support import running

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/kg-funding/"
PROJECT = "project/interpol-mobile-police-training-program"


@pytest.fixture(scope="session")
def dist(dataset: RdfDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build") / "dist"
    write_dumps(dataset, folder)
    # The search index `kg build` writes beside the dumps (kg.exports.files), for /projects and /search.
    write_index(browse_data(union_view(dataset)), folder / INDEX_FILE)
    return folder


@pytest.fixture(scope="session")
def web_settings(dist: Path) -> Settings:
    return Settings(data_dir=ROOT / "data", dist_dir=dist)


@pytest.fixture(scope="session")
def options(tmp_path_factory: pytest.TempPathFactory) -> WebOptions:
    return WebOptions(store_dir=tmp_path_factory.mktemp("stores"), timeout=10.0, workers=2)


@pytest.fixture(scope="session")
def prepared(web_settings: Settings, options: WebOptions) -> Prepared:
    return prepare_release(web_settings, options)


@pytest.fixture(scope="session")
def app(web_settings: Settings, prepared: Prepared, options: WebOptions) -> Flask:
    """The release app without a query service (pages, downloads, void...)."""
    return create_app(web_settings, store=prepared.store, dataset=prepared.dataset, options=options)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def service(prepared: Prepared, options: WebOptions) -> Iterator[QueryService]:
    limits = QueryLimits(timeout_s=options.timeout, workers=options.workers, max_rows=options.max_rows)
    with QueryService(
        prepared.store_path,
        dataset_version=prepared.dataset.version,
        public_graphs=prepared.dataset.public_graphs,
        limits=limits,
        local_store=prepared.store,  # as kg serve: lean queries run in the server process
    ) as running_service:
        yield running_service


@pytest.fixture(scope="session")
def sparql_app(
    web_settings: Settings, prepared: Prepared, options: WebOptions, service: QueryService
) -> Flask:
    return create_app(
        web_settings, store=prepared.store, dataset=prepared.dataset, queries=service, options=options
    )


@pytest.fixture(scope="session")
def live(sparql_app: Flask) -> Iterator[str]:
    """The release served over real HTTP on a loopback port, with the query service."""
    with running(sparql_app) as url:
        yield url
