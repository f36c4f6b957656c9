"""Read the kg project's own translations of a release (``data/translations/{lang}/{release id}.yaml``).

These are not official texts: the department published its releases in English and French, and this project
holds one of the two (the French of an English release, or the English of a French one, is ours). The build
emits them as language-tagged literals plus a ``kg:Translation`` node saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import SourceError
from kg.sources.records import Release
from kg.sources.yamlfile import Fields, load_yaml

LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class ProjectTranslation:
    id: str
    title: str
    description: str | None
    line: int


@dataclass(frozen=True)
class ReleaseTranslation:
    """One language's translation of the texts of one release: headline, backgrounder, event, projects."""

    release: str
    language: str
    path: Path
    headline: str
    backgrounder_title: str | None
    event_name: str | None
    projects: tuple[ProjectTranslation, ...]

    def project(self, key: str) -> ProjectTranslation | None:
        return next((p for p in self.projects if p.id == key), None)


def read_translation(path: Path, language: str | None = None) -> ReleaseTranslation:
    """Parse one translation file (in the ``language`` folder, if given); errors name file, line, field."""
    f = Fields(load_yaml(path), "translation")
    declared = f.text("language")
    if declared not in LANGUAGES:
        raise f.error(f"must be one of {', '.join(LANGUAGES)}, got {declared!r}", "language")
    if language is not None and declared != language:
        raise f.error(f"says {declared!r} but the file is in the {language!r} folder", "language")
    projects = []
    if f.has("projects"):
        table = f.mapping_("projects")
        for key in table.mapping:
            item = table.mapping_(key)
            projects.append(
                ProjectTranslation(key, item.text("title"), item.opt_text("description"), item.mapping.line)
            )
            item.done()
        table.done()
    else:
        f.skip("projects")
    translation = ReleaseTranslation(
        release=f.text("release"),
        language=declared,
        path=path,
        headline=f.text("headline"),
        backgrounder_title=f.opt_text("backgrounder_title"),
        event_name=f.opt_text("event_name"),
        projects=tuple(projects),
    )
    f.done()
    return translation


def read_translations(directory: Path) -> tuple[ReleaseTranslation, ...]:
    """Every translation file under ``directory/{lang}/``; no folder means no translations."""
    found = []
    for language in LANGUAGES:
        for path in sorted((directory / language).glob("*.yaml")):
            translation = read_translation(path, language)
            if translation.release != path.stem:
                raise SourceError(f"release {translation.release!r} does not match the file name", path=path)
            found.append(translation)
    return tuple(found)


def check_translation(translation: ReleaseTranslation, release: Release) -> None:
    """A translation covers exactly the texts the release has: every project, no unknown one."""

    def fail(message: str, line: int | None = None) -> SourceError:
        return SourceError(message, path=translation.path, line=line)

    if translation.language == release.language:
        raise fail(f"language: the release is in {release.language!r} already; translate it into another")
    known = {p.id: p for p in release.projects}
    for item in translation.projects:
        project = known.get(item.id)
        if project is None:
            raise fail(f"projects.{item.id}: no such project in release {release.id!r}", item.line)
        if (project.description is None) != (item.description is None):
            has = "has" if project.description else "has no"
            raise fail(f"projects.{item.id}: the release's project {has} description", item.line)
    missing = sorted(set(known) - {p.id for p in translation.projects})
    if missing:
        raise fail(f"projects: no translation for {', '.join(missing)}")
    if (release.backgrounder is None) != (translation.backgrounder_title is None):
        raise fail("backgrounder_title: must be given exactly when the release has a backgrounder")
    if (release.event is None) != (translation.event_name is None):
        raise fail("event_name: must be given exactly when the release names an event")
