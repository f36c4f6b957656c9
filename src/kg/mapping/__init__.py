"""Records -> RDF: pure functions, no file, network, store or Flask access (see README.md here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.iris import Iris
from kg.sources.records import Reference, Release, SourceText
from kg.sources.translations import ReleaseTranslation
from kg.vocab import KG, PROV

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
    built = [
        (release, build_release(release, source, resolve, into=dataset.graph(iris.graph(release.id))))
        for release, source in releases
    ]
    _state_caps_once(built)
    for release, _ in releases:
        for translation in (translations or {}).get(release.id, ()):
            _copy(build_translation(release, translation, resolve), dataset.graph(iris.graph(release.id)))
    return dataset


def _copy(graph: Graph, named: Graph) -> None:
    for triple in graph:
        named.add(triple)


def _state_caps_once(built: Sequence[tuple[Release, Graph]]) -> None:
    """A program's cap is in the named graph of the earliest release stating it (by date, then id).

    Every release may state the cap ``amount/program-{id}-cap``. A later release stating the same cap (the
    same qualifier, figure and period, in whatever words) keeps its own evidence, whose quote has its own
    wording, and its ``prov:wasDerivedFrom`` link, and leaves the cap's other triples (the wording
    ``kg:statedAs`` included) to the first: no triple is in two named graphs, which a SPARQL union default
    graph would count twice. A different cap is kept, for the shapes to report (an amount has one figure;
    ``kg add`` refuses it first).
    """
    stated: dict[Node, set[tuple[Node, Node]]] = {}
    for _, graph in sorted(built, key=lambda pair: pair[0].order):
        for program, cap in list(graph.subject_objects(KG.annualCap)):
            facts = {(p, o) for p, o in graph.predicate_objects(cap) if p != PROV.wasDerivedFrom}
            figure = {(p, o) for p, o in facts if p != KG.statedAs}
            if cap not in stated:
                stated[cap] = figure
            elif figure == stated[cap]:
                graph.remove((program, KG.annualCap, cap))
                for predicate, value in facts:
                    graph.remove((cap, predicate, value))


__all__ = ["Resolver", "build_dataset"]
