"""A built copy of the project, and a new release ready to ``kg add``, in temporary folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.add import publish
from kg.project import build_project, read_project
from kg.settings import Settings
from kg.synth import synth_releases

from .support import ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    publish(settings, build_project(settings))
    return work


@pytest.fixture(scope="module")
def incoming(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new release's record (with its source text beside it) that ``kg add`` accepts."""
    project = read_project(Settings(data_dir=built / "data", dist_dir=built / "dist"))
    existing = [release for release, _ in project.releases]
    (synthetic,) = synth_releases(1, seed=7, reference=project.reference, existing=existing)
    record, _ = synthetic.write(tmp_path_factory.mktemp("incoming"))
    return record


@pytest.fixture
def work(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project (``dist`` copied as it is: a link, or a folder)."""
    shutil.copytree(built, tmp_path / "project", symlinks=True)
    return tmp_path / "project"
