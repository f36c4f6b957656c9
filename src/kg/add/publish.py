"""``kg add``, last step: write the new release into ``data/`` and rebuild ``dist/``, all or nothing.

The record is the commit point: the source text and the translations are written under hidden names first,
``dist/`` is replaced whole once the new build is written, and the record is moved in last (then its
translations, which name it). A failure before that removes what was written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Dataset

from kg.add.candidate import Candidate
from kg.assets import load_ontology
from kg.dumps import DumpInfo, write_dumps
from kg.errors import SourceError
from kg.iris import Iris
from kg.mapping import build_dataset
from kg.project import read_project
from kg.settings import Settings
from kg.sources import Release, SourceText, merge_reference

Publish = Callable[[Settings, Dataset], list[DumpInfo]]


def publish(settings: Settings, dataset: Dataset) -> list[DumpInfo]:
    """Write ``dist/`` as ``kg build`` does: every dump, the exports and the catalog, swapped in at once."""
    from datetime import UTC, datetime

    from kg.exports.files import export_files

    now = datetime.now(UTC).replace(microsecond=0)
    return write_dumps(
        dataset, settings.dist_dir, extra=lambda staging: export_files(dataset, settings, staging, when=now)
    )


def _write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden temporary file next to ``path`` (not ``*.yaml``, so no build reads it)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".adding", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return Path(name)


def merge(settings: Settings, candidate: Candidate, publish: Publish = publish) -> tuple[Path, Path]:
    """Copy the source text, rebuild ``dist/`` with the new release, and move the record in, last (then its
    translations, which name it).

    A failure before the record is moved in removes what was copied; ``dist/`` is only replaced once the
    whole new build is written, so it is the old build or the new one, never a mix.
    """
    release = candidate.release
    record = settings.releases_dir / f"{release.id}.yaml"
    source = settings.sources_dir / release.source
    made: list[Path] = []
    translated: list[tuple[Path, Path]] = []  # (temporary file, final path)
    try:
        if not source.exists():
            settings.sources_dir.mkdir(parents=True, exist_ok=True)
            made.append(_write_new(source, candidate.source_bytes))
            os.replace(made[-1], source)
            made[-1] = source
        made.append(_write_new(record, candidate.record_bytes))
        temporary_record = made[-1]
        for translation, data in candidate.translations:
            final = settings.data_dir / "translations" / translation.language / f"{release.id}.yaml"
            final.parent.mkdir(parents=True, exist_ok=True)
            made.append(_write_new(final, data))  # a hidden name: no build reads it before it is moved in
            translated.append((made[-1], final))
        project = read_project(settings)
        _refuse_known_ids(project.releases, release)
        translations = {**project.translations, release.id: tuple(t for t, _ in candidate.translations)}
        dataset = build_dataset(
            (*project.releases, (release, candidate.source)),
            merge_reference(project.reference, [release]),  # with the entries the new record proposes
            load_ontology(),
            Iris(settings.base_iri),
            translations,
        )
        publish(settings, dataset)
        if record.exists():  # appeared while we were building: do not overwrite someone's record
            raise SourceError(f"{record} appeared while the release was being added", path=record)
        os.replace(temporary_record, record)
        for temporary, final in translated:
            os.replace(temporary, final)
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise
    return record, source


def _refuse_known_ids(existing: Sequence[tuple[Release, SourceText]], release: Release) -> None:
    """A backstop when ``dist/`` is older than the records: the ids must be new to the records too."""
    new = {p.id for p in release.projects}
    for other, _ in existing:
        if other.id == release.id:
            raise SourceError(f"release id {release.id!r} is already used by {other.path}", path=release.path)
        if shared := new & {p.id for p in other.projects}:
            raise SourceError(
                f"project id {min(shared)!r} is already used by {other.path}", path=release.path
            )


__all__ = ["Publish", "merge", "publish"]
