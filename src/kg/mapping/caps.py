"""Which release's named graph keeps a program's annual cap, decided from the records before building.

Every release may state the cap ``amount/program-{id}-cap``. The cap is in the named graph of the earliest
release stating it (by date, then id). A later release stating the same cap (the same qualifier, figure and
period, in whatever words) keeps its own evidence, whose quote has its own wording, and its
``prov:wasDerivedFrom`` link, and leaves the cap's other triples (the wording ``kg:statedAs`` included) to
the first: no triple is in two named graphs, which a SPARQL union default graph would count twice. A
different cap is kept, for the shapes to report (an amount has one figure; ``kg add`` refuses it first).

The decision needs the records alone (``stated_caps``), so each release's graph can be built on its own, in
any process, and still leave out exactly what it leaves out when all are built together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.sources.records import Release
from kg.vocab import KG, PROV

from .reference import Resolver
from .release import stated_caps


def repeated_caps(releases: Sequence[Release], resolve: Resolver) -> dict[str, frozenset[URIRef]]:
    """By release id, the caps an earlier release already states with the same figure."""
    first: dict[URIRef, frozenset[tuple[Node, Node]]] = {}
    repeated: dict[str, set[URIRef]] = {}
    for release in sorted(releases, key=lambda r: r.order):
        for cap, figure in stated_caps(release, resolve).items():
            if cap not in first:
                first[cap] = figure
            elif figure == first[cap]:
                repeated.setdefault(release.id, set()).add(cap)
    return {release: frozenset(caps) for release, caps in repeated.items()}


def unstate_caps(graph: Graph, caps: Iterable[URIRef]) -> None:
    """Remove from a release's graph the facts of ``caps`` but their ``prov:wasDerivedFrom`` link."""
    for cap in caps:
        for program in list(graph.subjects(KG.annualCap, cap)):
            graph.remove((program, KG.annualCap, cap))
        for predicate, value in list(graph.predicate_objects(cap)):
            if predicate != PROV.wasDerivedFrom:
                graph.remove((cap, predicate, value))
