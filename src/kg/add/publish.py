"""``kg add``, last step: write the new release into ``data/`` and rebuild ``dist/``, all or nothing.

The source text, the record and the translations are written under hidden names first, the new build
into a folder of its own; then ``kg.publication.commit`` makes them all visible as one step (a journal,
then the moves and the ``dist`` link), which a crash at any moment leaves wholly old or wholly new once
the next ``kg add``, ``kg build`` or ``kg serve`` has run. A failure before the commit removes what was
written. The caller holds the project's lock (``kg.publication.locked``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Dataset

from kg.add.candidate import Candidate
from kg.add.incremental import stage_incremental
from kg.assets import load_ontology
from kg.dumps import DumpInfo, new_build, umask_mode, write_build, write_dumps
from kg.errors import BuildError, SourceError
from kg.iris import Iris
from kg.mapping import build_dataset
from kg.project import read_project
from kg.publication import JOURNAL, commit, prune
from kg.settings import Settings
from kg.sources import Release, SourceText, merge_reference, read_reference
from kg.store import KgStore

Stage = Callable[[Settings, Dataset], Path]
"""Write a new build of ``dist/`` into a folder of its own (not yet linked) and return that folder."""
Publish = Stage  # the name ``add_release`` takes it by


def _exports(settings: Settings, dataset: Dataset) -> Callable[[Path], list[DumpInfo]]:
    from datetime import UTC, datetime

    from kg.exports.files import export_files

    now = datetime.now(UTC).replace(microsecond=0)
    return lambda folder: export_files(dataset, settings, folder, when=now)


def stage(settings: Settings, dataset: Dataset) -> Path:
    """Write a whole build as ``kg build`` does (every dump, the exports, the catalog), not linked yet."""
    build = new_build(settings.dist_dir)
    try:
        write_build(dataset, build, extra=_exports(settings, dataset))
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return build


def publish(settings: Settings, dataset: Dataset) -> list[DumpInfo]:
    """Write ``dist/`` as ``kg build`` does and link it, then delete the builds no server holds."""
    infos = write_dumps(dataset, settings.dist_dir, extra=_exports(settings, dataset))
    prune(settings)
    return infos


def _write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden file next to ``path`` (not ``*.yaml``, so no build reads it), synced, with
    the mode the umask gives a new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".adding", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, umask_mode(0o666))
    except BaseException:
        os.unlink(name)
        raise
    return path.parent / Path(name).name  # on the same base as ``path`` (mkstemp may make it absolute)


def merge(
    settings: Settings, candidate: Candidate, publish: Stage = stage, *, store: KgStore | None = None
) -> tuple[Path, Path]:
    """Write the source text, the record and its translations under hidden names and a new build; then
    commit them together (``kg.publication.commit``).

    With ``store`` (the linked build's graph, which the release was checked against) and the default
    ``publish``, the new build is made from the linked one (``kg.add.incremental``), in time that grows
    with the release; otherwise, or when that cannot be, the whole project is rebuilt.
    A failure before the commit removes what was written; ``data/`` and ``dist/`` are unchanged.
    """
    release = candidate.release
    record = settings.releases_dir / f"{release.id}.yaml"
    source = settings.sources_dir / release.source
    moves: list[tuple[Path, Path]] = []  # (hidden file, final path), the record before its translations
    build: Path | None = None
    try:
        if not source.exists():
            moves.append((_write_new(source, candidate.source_bytes), source))
        moves.append((_write_new(record, candidate.record_bytes), record))
        for translation, data in candidate.translations:
            final = settings.data_dir / "translations" / translation.language / f"{release.id}.yaml"
            moves.append((_write_new(final, data), final))
        if store is not None and publish is stage:
            reference = merge_reference(read_reference(settings), [release])
            build = stage_incremental(settings, candidate, store, reference)
        if build is None:
            build = publish(settings, _whole_dataset(settings, candidate))
        if record.exists():  # appeared while we were building: do not overwrite someone's record
            raise SourceError(f"{record} appeared while the release was being added", path=record)
        commit(settings, build, moves)
    except BaseException as exc:
        if not (settings.data_dir / JOURNAL).exists():  # not committed: undo
            for hidden, _ in moves:
                hidden.unlink(missing_ok=True)
            if build is not None:
                shutil.rmtree(build, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BuildError(
                f"cannot write the release into {settings.data_dir}: {exc}; nothing was changed"
            ) from exc
        raise
    return record, source


def _whole_dataset(settings: Settings, candidate: Candidate) -> Dataset:
    release = candidate.release
    project = read_project(settings)
    _refuse_known_ids(project.releases, release)
    translations = {**project.translations, release.id: tuple(t for t, _ in candidate.translations)}
    return build_dataset(
        (*project.releases, (release, candidate.source)),
        merge_reference(project.reference, [release]),  # with the entries the new record proposes
        load_ontology(),
        Iris(settings.base_iri),
        translations,
    )


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


__all__ = ["Publish", "Stage", "merge", "publish", "stage"]
