"""Every `kg add` test works on a copy of the project (data/ and a built dist/) in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.add import publish
from kg.project import build_project, read_project
from kg.synth import synth_releases

from .support import ROOT, settings_of


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's data with dist/ built, once per module."""
    work = tmp_path_factory.mktemp("built")
    shutil.copytree(ROOT / "data", work / "data")
    publish(settings_of(work), build_project(settings_of(work)))
    return work


@pytest.fixture
def work(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project for one test."""
    shutil.copytree(built, tmp_path / "project")
    return tmp_path / "project"


@pytest.fixture
def record(built: Path, tmp_path: Path) -> Path:
    """A synthetic release record to add to the built project."""
    project = read_project(settings_of(built))
    existing = [release for release, _ in project.releases]
    (synthetic,) = synth_releases(1, seed=21, reference=project.reference, existing=existing)
    path, _ = synthetic.write(tmp_path / "incoming")
    return path
