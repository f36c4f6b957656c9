"""A new release as ``kg add`` sees it: the record read and checked, its source text and its named graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import SourceError
from kg.iris import Iris
from kg.mapping import Resolver
from kg.mapping.reference import build_reference
from kg.mapping.release import build_release
from kg.mapping.translations import build_translation
from kg.report import Report
from kg.sources import (
    Reference,
    Release,
    SourceText,
    check_release,
    merge_reference,
    read_release,
    read_source_text,
)
from kg.sources.translations import ReleaseTranslation, check_translation, read_translation


@dataclass(frozen=True)
class Candidate:
    """A release record that has been read and checked, with its source text and its named graph."""

    release: Release
    source: SourceText
    record_bytes: bytes
    source_bytes: bytes
    graph: Graph
    translations: tuple[tuple[ReleaseTranslation, bytes], ...] = ()
    """The kg project's translations of the release (its English, for a French release), with their bytes."""
    proposed: tuple[URIRef, ...] = ()
    """The reference entries the record proposes (its ``reference:`` section): new to the reference data."""


@dataclass(frozen=True)
class Check:
    """What ``check_candidate`` found: duplicates (checked first), else the focus-node validation report."""

    duplicates: tuple[str, ...]
    report: Report | None
    focus_nodes: int = 0
    data_triples: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.duplicates and self.report is not None and self.report.conforms


@dataclass(frozen=True)
class AddResult:
    release_id: str
    projects: int
    check: Check
    record_path: Path | None = None  # where the record was merged, when it was
    source_path: Path | None = None
    language: str = "en"  # the release's

    @property
    def added(self) -> bool:
        return self.record_path is not None


def read_candidate(
    record: Path,
    source: Path | None,
    reference: Reference,
    iris: Iris,
    sources_dir: Path | None = None,
    translations: Sequence[Path] = (),
) -> Candidate:
    """Read and check a record against the reference data and its source text, then build its graph.

    The source text is ``source``, else the file the record names next to the record, else the one in
    ``sources_dir``. ``translations`` are the project's translation files of this release (as in
    ``data/translations/{lang}/``); their texts join the graph. Raises ``SourceError`` naming the file and
    line of the first problem.
    """
    release = read_release(record)
    candidates = [source] if source is not None else [record.parent / release.source]
    if source is None and sources_dir is not None:
        candidates.append(sources_dir / release.source)
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        raise SourceError(f"source text {release.source!r} not found (give it with --source)", path=record)
    # The text is published under the name the record gives it, whatever the file is called here.
    text = replace(read_source_text(found), name=release.source)
    # The entries the record proposes join the reference data; an id already defined is refused here.
    merged = merge_reference(reference, [release])
    check_release(release, merged, text)
    resolve = Resolver(iris, merged)
    graph = build_release(release, text, resolve)
    proposed = tuple(resolve.proposed(p.kind, p.entry.id) for p in release.proposals)
    if proposed:  # their reference triples, for the shapes to check with the release's
        graph += build_reference(resolve) - build_reference(Resolver(iris, reference))
    read: list[tuple[ReleaseTranslation, bytes]] = []
    for path in translations:
        translation = read_translation(path)
        if translation.release != release.id:
            raise SourceError(f"translates release {translation.release!r}, not {release.id!r}", path=path)
        if any(t.language == translation.language for t, _ in read):
            raise SourceError(f"a second {translation.language!r} translation of {release.id!r}", path=path)
        check_translation(translation, release)
        graph += build_translation(release, translation, resolve)
        read.append((translation, path.read_bytes()))
    return Candidate(release, text, record.read_bytes(), found.read_bytes(), graph, tuple(read), proposed)
