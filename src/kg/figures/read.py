"""Run the money queries on a store (the adapter side of ``kg.figures``): a few aggregate queries per page,
never one per project. Callers cache the answers per dataset version (a served build never changes)."""

from __future__ import annotations

from typing import Protocol

from kg.figures import queries
from kg.figures.model import (
    Counts,
    HomeFigures,
    ProjectRow,
    ScopeFigures,
    Sum,
    add_up,
    breakdowns,
    sums,
)
from kg.store import Store

LISTED = 100
"""Projects listed on one page, largest figure first; the sums count them all."""


class Records(Protocol):
    def __call__(self, sparql: str) -> list[dict[str, str]]: ...


def store_records(store: Store) -> Records:
    """Rows of a query on a store (over the union of its named graphs) as plain strings."""

    def run(sparql: str) -> list[dict[str, str]]:
        return store.query(sparql).records()

    return run


def home_figures(run: Records) -> HomeFigures:
    """Three queries: the counts, the announced totals, and the ledger of every grant (sums, bars, flow)."""
    rows = [ProjectRow.from_row(r) for r in run(queries.ledger(queries.ALL_PROJECTS, funders=True))]
    grants = add_up(rows)
    currency = grants[0].currency if grants else ""
    return HomeFigures(
        counts=Counts.from_rows(run(queries.counts())),
        announced=sums(run(queries.announced())),
        grants=grants,
        breakdowns=breakdowns(rows, currency),
        flow=tuple(row for row in rows if row.currency == currency and row.figure is not None),
    )


def scope_figures(run: Records, kind: str, iri: str, limit: int = LISTED) -> ScopeFigures:
    """The projects of one resource's page: how many, their sums, the largest ``limit`` grants' rows."""
    pattern = queries.scope(kind, iri)
    links = [(r["p"], r.get("how", ""), r["via"]) for r in run(queries.scope_links(pattern)) if "via" in r]
    projects = len({project for project, _, _ in links})
    if not projects:
        return ScopeFigures(0, (), ())
    try:
        ledger = queries.ledger_of(links)
    except ValueError:  # an IRI that cannot be written in a query: the one-query form reads it
        ledger = queries.ledger(pattern)
    rows = [ProjectRow.from_row(r) for r in run(ledger)]
    return ScopeFigures.of(projects, rows, limit)


def announced_by(run: Records, release: str) -> tuple[Sum, ...]:
    """The total one release announces (none: a release may state no total)."""
    return sums(run(queries.announced(release)))
