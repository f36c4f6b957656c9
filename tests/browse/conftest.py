"""Browse fixtures: the project's records built as `kg build` builds them (dumps, exports and the search
index) into a temporary dist/, and an app serving it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset as RdfDataset

from kg.add.publish import publish
from kg.settings import Settings
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.runtime import prepare_release

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/kg-funding/"


@pytest.fixture(scope="session")
def browse_settings(dataset: RdfDataset, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=ROOT / "data", dist_dir=tmp_path_factory.mktemp("browse") / "dist")
    publish(settings, dataset)  # what `kg build` writes: every dump, the exports, the search index
    return settings


@pytest.fixture(scope="session")
def browse_app(browse_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    options = WebOptions(store_dir=tmp_path_factory.mktemp("browse-stores"))
    prepared = prepare_release(browse_settings, options)
    return create_app(browse_settings, store=prepared.store, dataset=prepared.dataset, options=options)


@pytest.fixture
def browse(browse_app: Flask) -> FlaskClient:
    return browse_app.test_client()
