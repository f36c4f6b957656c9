"""The money figures as frozen dataclasses, parsed from the rows of ``kg.figures.queries`` (pure).

A sum keeps what kind of figure it is. The graph states each amount with a qualifier (``kg:exact``,
``kg:over`` "over $2 million", ``kg:approximately`` "close to", ``kg:upTo`` "up to"; docs/data-model.md) and
every sum adds the stated figures as they are, so a sum with one "over" figure in it is a lower bound, one
with an "up to" figure an upper bound, one with both neither, and one with a "close to" figure approximate.
:attr:`Sum.kind` says which, and the pages word it so ("over $5,276,000").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Literal

SumKind = Literal["exact", "over", "upTo", "approximately", "mixed"]
KG_ONTOLOGY_HASH = "https://w3id.org/kg-funding/ontology#"


def _int(row: Mapping[str, str], key: str) -> int:
    try:
        return int(row.get(key, "0") or "0")
    except ValueError:
        return 0


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _iris(text: str | None) -> tuple[str, ...]:
    """The IRIs of a GROUP_CONCAT (space-separated; IRIs hold no spaces), sorted: the engine's order is not
    stable, and a sorted tuple names the same combination the same way every time."""
    return tuple(sorted(set((text or "").split())))


@dataclass(frozen=True)
class Sum:
    """Figures added in one currency, with how many were lower bounds, upper bounds and approximations.

    >>> s = Sum("CAD", Decimal("5276000"), figures=13, over=6, approximately=1)
    >>> s.kind, s.exact_figures
    ('over', 6)
    >>> (s + Sum("CAD", Decimal("1000"), figures=1, up_to=1)).kind
    'mixed'
    """

    currency: str
    figure: Decimal
    figures: int = 0
    over: int = 0
    up_to: int = 0
    approximately: int = 0
    projects: int = 0
    """Distinct projects whose figures are in the sum (0 for announced totals)."""

    @property
    def kind(self) -> SumKind:
        if self.over and self.up_to:
            return "mixed"
        if self.over:
            return "over"
        if self.up_to:
            return "upTo"
        if self.approximately:
            return "approximately"
        return "exact"

    @property
    def exact_figures(self) -> int:
        return self.figures - self.over - self.up_to - self.approximately

    def __add__(self, other: Sum) -> Sum:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Sum(
            self.currency,
            self.figure + other.figure,
            self.figures + other.figures,
            self.over + other.over,
            self.up_to + other.up_to,
            self.approximately + other.approximately,
            self.projects + other.projects,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> Sum | None:
        figure = _decimal(row.get("sum"))
        if figure is None:
            return None
        return cls(
            currency=row.get("currency", ""),
            figure=figure,
            figures=_int(row, "amounts"),
            over=_int(row, "over"),
            up_to=_int(row, "upTo"),
            approximately=_int(row, "approximately"),
            projects=_int(row, "projects"),
        )


def sums(rows: Iterable[Mapping[str, str]]) -> tuple[Sum, ...]:
    """One sum per currency, the one with the most figures first."""
    found = [s for s in (Sum.from_row(r) for r in rows) if s is not None]
    return tuple(sorted(found, key=lambda s: (-s.figures, s.currency)))


@dataclass(frozen=True)
class ProjectRow:
    """A grant of a project in scope (a row of ``queries.ledger``): its figure (None: not a number), what the
    project is linked to, and how it reaches the page's resource."""

    project: str
    figure: Decimal | None
    qualifier: str | None
    """The local name of ``kg:qualifier`` (``over``...)."""
    currency: str
    grant: str | None = None
    release: str | None = None
    date: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    """``(how, via)``: how the project reaches the page's resource (``implementer``, ``containing``...)."""
    funders: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    implementers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date and self.date[:4].isdigit() else None

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> ProjectRow:
        qualifier = row.get("q")
        links = []
        for pair in (row.get("links") or "").split():
            how, _, via = pair.partition("|")
            links.append((how, via))
        return cls(
            project=row["p"],
            figure=_decimal(row.get("figure")),
            qualifier=qualifier.rsplit("#", 1)[-1] if qualifier else None,
            currency=row.get("currency", ""),
            grant=row.get("grant"),
            release=row.get("release"),
            date=row.get("date"),
            links=tuple(sorted(set(links))),
            funders=_iris(row.get("funders")),
            programs=_iris(row.get("programs")),
            implementers=_iris(row.get("implementers")),
            regions=_iris(row.get("regions")),
        )


def add_up(rows: Iterable[ProjectRow]) -> tuple[Sum, ...]:
    """The figures of ``rows`` added per currency, with their qualifiers counted and their projects (each
    once), the currency with the most figures first.

    >>> rows = [ProjectRow("p1", Decimal(2), "over", "CAD"), ProjectRow("p2", Decimal(3), "exact", "CAD")]
    >>> add_up(rows)[0].figure, add_up(rows)[0].kind, add_up(rows)[0].projects
    (Decimal('5'), 'over', 2)
    """
    totals: dict[str, Sum] = {}
    projects: dict[str, set[str]] = {}
    for row in rows:
        if row.figure is None:
            continue
        q = row.qualifier
        one = Sum(row.currency, row.figure, 1, int(q == "over"), int(q == "upTo"), int(q == "approximately"))
        totals[row.currency] = totals[row.currency] + one if row.currency in totals else one
        projects.setdefault(row.currency, set()).add(row.project)
    found = [replace(total, projects=len(projects[c])) for c, total in totals.items()]
    return tuple(sorted(found, key=lambda s: (-s.figures, s.currency)))


@dataclass(frozen=True)
class Slice:
    """One bar: a program, an implementer, a region or a year (None: the project states none)."""

    key: str | None
    total: Sum


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    currency: str
    slices: tuple[Slice, ...]
    """Largest first, except years, in time order."""


BREAKDOWN_DIMENSIONS = ("program", "implementer", "region", "year")


def _keys(row: ProjectRow, dimension: str) -> tuple[str | None, ...]:
    if dimension == "year":
        return (row.year,)
    found: tuple[str, ...] = getattr(row, f"{dimension}s")
    return found or (None,)


def breakdowns(rows: Sequence[ProjectRow], currency: str) -> dict[str, Breakdown]:
    """The sums by program, implementer, region and year of the release, in ``currency``. A project with two
    implementers counts in both (as in ``queries/total-by-implementer.rq``): the bars are not meant to add
    up; a project stating none counts under ``None``."""
    result = {}
    for dimension in BREAKDOWN_DIMENSIONS:
        grouped: dict[str | None, list[ProjectRow]] = {}
        for row in rows:
            if row.currency == currency:
                for key in _keys(row, dimension):
                    grouped.setdefault(key, []).append(row)
        slices = [Slice(key, found[0]) for key, group in grouped.items() if (found := add_up(group))]
        if dimension == "year":
            slices.sort(key=lambda s: s.key or "9999")
        else:
            slices.sort(key=lambda s: (-s.total.figure, s.key or ""))
        result[dimension] = Breakdown(dimension, currency, tuple(slices))
    return result


@dataclass(frozen=True)
class ScopeFigures:
    """What a resource page shows about money: its projects, their sums, and the largest of them listed."""

    projects: int
    sums: tuple[Sum, ...]
    rows: tuple[ProjectRow, ...]

    @property
    def listed(self) -> int:
        return len({row.project for row in self.rows})

    @classmethod
    def of(cls, projects: int, rows: Sequence[ProjectRow], limit: int) -> ScopeFigures:
        """The sums of every row, and the rows of the ``limit`` largest grants (largest first)."""
        ordered = sorted(rows, key=lambda r: (-(r.figure or Decimal(-1)), r.project, r.grant or ""))
        return cls(projects, add_up(rows), tuple(ordered[:limit]))


@dataclass(frozen=True)
class Counts:
    releases: int = 0
    projects: int = 0
    with_projects: int = 0
    with_total: int = 0

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> Counts:
        row = rows[0] if rows else {}
        return cls(
            _int(row, "releases"), _int(row, "projects"), _int(row, "withProjects"), _int(row, "withTotal")
        )


@dataclass(frozen=True)
class HomeFigures:
    """The landing page's figures: counts, what the releases announce, the grants, the bars, the flow."""

    counts: Counts
    announced: tuple[Sum, ...]
    grants: tuple[Sum, ...]
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    flow: tuple[ProjectRow, ...] = ()

    @property
    def currency(self) -> str | None:
        """The currency of the charts: the one most grants are in."""
        return self.grants[0].currency if self.grants else None
