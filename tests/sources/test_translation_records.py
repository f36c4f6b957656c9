"""Reading the kg project's translations (data/translations/{lang}/{release}.yaml) and checking them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.project import Project, read_project
from kg.settings import Settings
from kg.sources.translations import read_translation, read_translations

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "data" / "translations" / "fr" / "news-release-175-2011-06-22.yaml"


def test_the_french_file_covers_every_project(project: Project) -> None:
    [(release, _)] = project.releases
    [translation] = project.translations[release.id]
    assert translation.language == "fr"
    assert {p.id for p in translation.projects} == {p.id for p in release.projects}
    assert translation.headline == "Le Canada contribue à améliorer la sécurité dans les Amériques"
    assert all(p.description for p in translation.projects)


def test_the_header_says_these_are_not_official() -> None:
    header = FILE.read_text("utf-8").split("\nrelease:", 1)[0]
    assert "NOT THE OFFICIAL FRENCH TEXT" in header and "kg project" in header


def _copy(tmp_path: Path) -> tuple[Settings, Path]:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return Settings(data_dir=data, dist_dir=tmp_path / "dist"), data / "translations" / "fr" / FILE.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  interpol-mobile-police-training-program:", "  interpol-mobile-police-training:"),
            "no such project",
        ),
        (("language: fr", "language: es"), "must be one of en, fr, got 'es'"),
        (("language: fr", "language: en"), "says 'en' but the file is in the 'fr' folder"),
        (("release: news-release-175-2011-06-22", "release: news-release-999"), "file name"),
        (("event_name:", "event_title:"), "unknown field"),
    ],
)
def test_mistakes_name_the_file(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    settings, path = _copy(tmp_path)
    path.write_text(path.read_text("utf-8").replace(*change, 1), "utf-8")
    with pytest.raises(SourceError, match=message) as caught:
        read_project(settings)
    assert str(path) in str(caught.value)


def test_a_missing_project_is_reported(tmp_path: Path) -> None:
    settings, path = _copy(tmp_path)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  caribbean-financial-action"))
    path.write_text("".join(lines[:start] + lines[start + 3 :]), "utf-8")
    with pytest.raises(SourceError, match="no translation for caribbean-financial-action"):
        read_project(settings)


def test_a_translation_into_the_release_s_own_language_is_refused(tmp_path: Path) -> None:
    settings, path = _copy(tmp_path)
    english = path.parent.parent / "en" / path.name
    english.parent.mkdir()
    english.write_text(path.read_text("utf-8").replace("language: fr", "language: en", 1), "utf-8")
    path.unlink()
    with pytest.raises(SourceError, match="the release is in 'en' already") as caught:
        read_project(settings)
    assert str(english) in str(caught.value)


def test_no_translations_folder_means_none(tmp_path: Path) -> None:
    assert read_translations(tmp_path / "absent") == ()


def test_language_must_match_the_folder(tmp_path: Path) -> None:
    path = tmp_path / FILE.name
    shutil.copy(FILE, path)
    with pytest.raises(SourceError, match="'fr' but the file is in the 'es' folder"):
        read_translation(path, "es")
