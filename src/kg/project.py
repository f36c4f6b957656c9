"""Read a whole kg project from disk (records, source texts, ontology) and build its dataset.

This is the IO edge of the build; ``kg.mapping`` itself stays pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Dataset

from kg.assets import load_ontology
from kg.errors import SourceError
from kg.iris import Iris
from kg.mapping import build_dataset
from kg.settings import Settings
from kg.sources import (
    Reference,
    Release,
    SourceText,
    check_release,
    merge_reference,
    read_reference_dir,
    read_release,
    read_source_text,
)
from kg.sources.translations import ReleaseTranslation, check_translation, read_translations


@dataclass(frozen=True)
class Project:
    """Every record of a project, checked, with its source texts."""

    reference: Reference
    releases: tuple[tuple[Release, SourceText], ...]
    # The kg project's own translations (data/translations/{lang}/{release id}.yaml), by release id.
    translations: dict[str, tuple[ReleaseTranslation, ...]] = field(default_factory=dict)


def read_project(settings: Settings) -> Project:
    """Read and check all records; the first problem raises a SourceError naming file and line.

    The reference data is ``data/reference/`` plus the entries the records propose (``kg.sources.merged``).
    """
    if not settings.releases_dir.is_dir():
        raise SourceError("no release records: the folder does not exist", path=settings.releases_dir)
    # An empty folder is a new project: the graph holds the reference data until the first `kg add`.
    paths = sorted(settings.releases_dir.glob("*.yaml"))
    records = [read_release(path) for path in paths]
    reference = merge_reference(read_reference_dir(settings.reference_dir), records)
    releases = []
    seen: dict[str, Release] = {}
    for path, release in zip(paths, records, strict=True):
        if release.id in seen:
            raise SourceError(f"release id {release.id!r} is also used by {seen[release.id].path}", path=path)
        seen[release.id] = release
        source_path = settings.sources_dir / release.source
        if not source_path.is_file():
            raise SourceError(
                f"source text {release.source!r} not found in {settings.sources_dir}", path=path
            )
        source = read_source_text(source_path)
        check_release(release, reference, source)
        releases.append((release, source))
    translations: dict[str, tuple[ReleaseTranslation, ...]] = {}
    for translation in read_translations(settings.data_dir / "translations"):
        if translation.release not in seen:
            raise SourceError(f"no release {translation.release!r} to translate", path=translation.path)
        check_translation(translation, seen[translation.release])
        translations[translation.release] = (*translations.get(translation.release, ()), translation)
    return Project(reference, tuple(releases), translations)


def build_project(settings: Settings) -> Dataset:
    """Records on disk -> the dataset of named graphs."""
    project = read_project(settings)
    return build_dataset(
        project.releases,
        project.reference,
        load_ontology(),
        Iris(settings.base_iri),
        project.translations,
    )
