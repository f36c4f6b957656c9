"""``kg add`` and program caps: a new release may restate the annual cap the graph has, not change it.

The graph holds one ``kg:annualCap`` per program, the amount ``amount/program-{id}-cap``. Every release that
states the cap has its own evidence (``evidence/program-{id}-annual-cap-{release id}``): a release restating
the cap, in the same words or others ("up to $15 million annually", "jusqu'à 15 millions de dollars par
année"), adds its sentence; the amount keeps the wording of the earliest release (``kg.mapping``). A
different figure would give the program two caps, so it is refused, saying what the graph already has and
which release stated it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from rdflib import Graph, URIRef

from kg.iris import Iris
from kg.store import KgStore, display
from kg.vocab import KG, PROV, SCHEMA

_FIGURES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)


@dataclass(frozen=True)
class StatedCap:
    """A program's annual cap as the graph states it: qualifier, figure, period and wording."""

    qualifier: str  # the local name of the kg: qualifier term, "upTo"
    figure: Decimal | None
    period: str | None
    stated: str

    @property
    def amount(self) -> tuple[str, Decimal | None, str | None]:
        """What must be equal for two statements to be the same cap (``Decimal`` compares numbers)."""
        return self.qualifier, self.figure, self.period

    def __str__(self) -> str:
        figure = "?" if self.figure is None else format(self.figure.normalize(), "f")
        period = f" per {self.period}" if self.period else ""
        return f"{self.stated!r} ({self.qualifier} {figure}{period})"


def is_program_cap(subject: URIRef, iris: Iris) -> bool:
    """True for the amount ``amount/program-{id}-cap``, which every release stating the cap writes."""
    kind, key = iris.parse(subject) or ("", "")
    return kind == "amount" and key.startswith("program-") and key.endswith("-cap")


def _cap(values: dict[str, list[str]]) -> StatedCap:
    def first(predicate: URIRef) -> str | None:
        return min(values.get(str(predicate), []), default=None)

    figure = next((f for p in _FIGURES if (f := first(p)) is not None), None)
    try:
        number = None if figure is None else Decimal(figure)
    except InvalidOperation:
        number = None
    qualifier = (first(KG.qualifier) or "").removeprefix(str(KG))
    return StatedCap(qualifier, number, first(KG.period), first(KG.statedAs) or "")


def _values_in_graph(graph: Graph, node: URIRef) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for predicate, obj in graph.predicate_objects(node):
        values[str(predicate)].append(str(obj))
    return values


def _stored(store: KgStore, cap: URIRef) -> tuple[StatedCap, list[str]] | None:
    """The cap as the store has it, and the IRIs of the releases stating it; None when it has none."""
    values: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads(str(cap)):
        values[display(quad.predicate)].append(display(quad.object))
    if not values:
        return None
    return _cap(values), sorted(set(values.get(str(PROV.wasDerivedFrom), [])))


def _first_release(store: KgStore, releases: list[str], iris: Iris) -> str:
    """The earliest published of ``releases`` (by its id), and how many others state the cap too."""

    def published(release: str) -> tuple[str, str]:
        dates = [display(q.object) for q in store.quads(release, str(SCHEMA.datePublished))]
        try:
            return datetime.fromisoformat(min(dates)).astimezone(UTC).isoformat(), release
        except ValueError:  # no date, or not one: after the dated ones
            return "~", release

    if not releases:
        return "an earlier release"
    first = min(releases, key=published)
    others = f" (and {len(releases) - 1} other release(s))" if len(releases) > 1 else ""
    return f"release {(iris.parse(first) or ('release', first))[1]!r}{others}"


def cap_problems(graph: Graph, store: KgStore, iris: Iris) -> list[str]:
    """Why the caps a new release's graph states cannot join the store: a different figure."""
    problems = []
    for program, cap in sorted(graph.subject_objects(KG.annualCap)):
        if not isinstance(program, URIRef) or not isinstance(cap, URIRef):
            continue
        stored = _stored(store, cap)
        if stored is None:
            continue
        old, releases = stored
        new = _cap(_values_in_graph(graph, cap))
        name = (iris.parse(program) or ("program", str(program)))[1]
        where = _first_release(store, releases, iris)
        if new.amount != old.amount:
            problems.append(
                f"program {name!r}: this record states an annual cap of {new}, but the graph has {old}, "
                f"stated by {where}. The graph holds one annual cap per program (kg:annualCap); a changed "
                "cap would need a dated model of caps, which it does not have: correct the `cap` of that "
                "program in this record, or remove it"
            )
    return problems


def restated_caps(graph: Graph, store: KgStore) -> set[URIRef]:
    """The caps of a new release's graph that the store already has, with the same figure.

    Their triples in the release's graph stand for the store's (whose wording wins): validation reads the
    store's, so the amount does not seem to have two wordings.
    """
    restated: set[URIRef] = set()
    for cap in graph.objects(None, KG.annualCap):
        if not isinstance(cap, URIRef):
            continue
        stored = _stored(store, cap)
        if stored is not None and _cap(_values_in_graph(graph, cap)).amount == stored[0].amount:
            restated.add(cap)
    return restated


__all__ = ["StatedCap", "cap_problems", "is_program_cap", "restated_caps"]
