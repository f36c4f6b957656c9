"""Records -> RDF: pure functions, no file, network, store or Flask access (see README.md here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import Dataset, Graph

from kg.iris import Iris
from kg.sources.records import Reference, Release, SourceText
from kg.sources.translations import ReleaseTranslation

from .reference import Resolver, build_reference
from .release import build_release
from .translations import build_translation


def build_dataset(
    releases: Sequence[tuple[Release, SourceText]],
    reference: Reference,
    ontology: Graph,
    iris: Iris,
    translations: Mapping[str, Sequence[ReleaseTranslation]] | None = None,
) -> Dataset:
    """The whole dataset: one named graph per source document, one for reference data, one for the ontology.

    ``translations`` maps a release id to the kg project's own translations of its texts; they go into that
    release's graph, each marked as unofficial (``kg.build.translations``).
    """
    resolve = Resolver(iris, reference)
    dataset = Dataset()
    parts: list[tuple[str, Graph]] = [("reference", build_reference(resolve)), ("ontology", ontology)]
    parts += [(release.id, build_release(release, source, resolve)) for release, source in releases]
    for release, _ in releases:
        for translation in (translations or {}).get(release.id, ()):
            parts.append((release.id, build_translation(release, translation, resolve)))
    for key, graph in parts:
        named = dataset.graph(iris.graph(key))
        for triple in graph:
            named.add(triple)
    return dataset


__all__ = ["Resolver", "build_dataset"]
