"""Records -> RDF: pure functions, no file, network, store or Flask access (see README.md here)."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Dataset, Graph

from kg.iris import Iris
from kg.sources.records import Reference, Release, SourceText

from .reference import Resolver, build_reference
from .release import build_release


def build_dataset(
    releases: Sequence[tuple[Release, SourceText]],
    reference: Reference,
    ontology: Graph,
    iris: Iris,
) -> Dataset:
    """The whole dataset: a named graph per source document, one for reference data, one for the ontology."""
    resolve = Resolver(iris, reference)
    dataset = Dataset()
    parts: list[tuple[str, Graph]] = [("reference", build_reference(resolve)), ("ontology", ontology)]
    parts += [(release.id, build_release(release, source, resolve)) for release, source in releases]
    for key, graph in parts:
        named = dataset.graph(iris.graph(key))
        for triple in graph:
            named.add(triple)
    return dataset


__all__ = ["Resolver", "build_dataset"]
