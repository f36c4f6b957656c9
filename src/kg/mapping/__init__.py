"""Records -> RDF: pure functions, no file, network, store or Flask access (see README.md here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import Dataset, Graph

from kg.iris import Iris
from kg.sources.records import Reference, Release, SourceText
from kg.sources.translations import ReleaseTranslation

from .caps import repeated_caps, unstate_caps
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
    release's graph, each marked as unofficial (``kg.mapping.translations``).
    """
    resolve = Resolver(iris, reference)
    dataset = Dataset()
    for key, graph in (("reference", build_reference(resolve)), ("ontology", ontology)):
        _copy(graph, dataset.graph(iris.graph(key)))
    # Each release is written straight into its named graph: copying 190k triples took 4 s of a build.
    repeated = repeated_caps([release for release, _ in releases], resolve)
    for release, source in releases:
        graph = build_release(release, source, resolve, into=dataset.graph(iris.graph(release.id)))
        unstate_caps(graph, repeated.get(release.id, ()))
    for release, _ in releases:
        for translation in (translations or {}).get(release.id, ()):
            _copy(build_translation(release, translation, resolve), dataset.graph(iris.graph(release.id)))
    return dataset


def _copy(graph: Graph, named: Graph) -> None:
    for triple in graph:
        named.add(triple)


__all__ = ["Resolver", "build_dataset"]
