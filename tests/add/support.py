"""What the `kg add` tests share: a built copy of the project, its settings, a fingerprint of its files."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from kg.project import Project, read_project
from kg.settings import Settings
from kg.sources.records import Release
from kg.synth import synth_releases

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/kg-funding/"


def settings_of(work: Path) -> Settings:
    return Settings(data_dir=work / "data", dist_dir=work / "dist")


def file_hashes(work: Path) -> dict[str, str]:
    """Every file under data/ and dist/, hidden ones too, with its sha256."""
    return {
        str(path.relative_to(work)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("data", "dist")
        for path in sorted((work / folder).rglob("*"))
        if path.is_file()
    }


def project_with_synthetic(data: Path, count: int, seed: int, extra: Sequence[Release] = ()) -> Project:
    """A copy of the project's data in ``data`` with ``count`` synthetic releases (and ``extra`` records)."""
    shutil.copytree(ROOT / "data", data)
    settings = Settings(data_dir=data)
    project = read_project(settings)
    existing = [release for release, _ in project.releases]
    for release in [
        *synth_releases(count, seed=seed, reference=project.reference, existing=existing),
        *extra,
    ]:
        release.write(settings.releases_dir)
        (settings.releases_dir / release.source_name).rename(settings.sources_dir / release.source_name)
    return read_project(settings)
