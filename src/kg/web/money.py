"""The money on the pages: the home page's figures and charts, and each resource's projects and totals.

The figures come from ``kg.figures`` (a few aggregate SPARQL queries); here they get their labels, links and
words in the page's language. Every sum is worded with what it is: "over $5,276,000" when lower bounds are in
it, and a note says how many of its figures are bounds or approximations (``Sum.kind``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from kg.figures import queries, read
from kg.figures.model import HomeFigures, ProjectRow, Sum
from kg.web.charts import Bar, Chart, bar_chart
from kg.web.flow import NONE, OTHERS, Combo, FlowPicture, Path, flow_picture
from kg.web.labels import format_amount, format_number
from kg.web.money_words import money_words
from kg.web.pages import Link, PageBuilder

MAX_BARS = 12
"""Bars per chart: the largest ``MAX_BARS - 1`` and one adding the others."""
MAX_YEARS = 40


@dataclass(frozen=True)
class Figure:
    """A headline figure: what it counts, its value in words, and what the reader must know about it."""

    label: str
    value: str
    notes: tuple[str, ...] = ()
    currency: str | None = None
    """The currency code of an amount ("CAD"): "$" alone does not say which dollars."""


@dataclass(frozen=True)
class Line:
    """A project in a list: its figure in words and what it is linked to."""

    project: Link
    amount: str | None
    implementers: tuple[Link, ...]
    programs: tuple[Link, ...]
    regions: tuple[Link, ...]
    release: Link | None
    date: str | None
    how: str = ""
    grant: Link | None = None


@dataclass(frozen=True)
class ResourceMoney:
    figures: tuple[Figure, ...]
    lines: tuple[Line, ...]
    projects: int
    listed: int
    project_page: bool = False


@dataclass(frozen=True)
class HomeMoney:
    figures: tuple[Figure, ...]
    charts: tuple[Chart, ...]
    flow: FlowPicture | None
    currency: str | None


def sum_words(total: Sum, lang: str) -> str:
    """A sum in words with its qualifier: a lower bound reads "over", an upper bound "up to"."""
    kind = "exact" if total.kind == "mixed" else total.kind
    return format_amount(kind, total.figure, total.currency, None, lang) or ""


def sum_notes(total: Sum, w: Callable[..., str]) -> tuple[str, ...]:
    notes = []
    if total.kind == "mixed":
        notes.append(w("kind_mixed", over=total.over, upTo=total.up_to))
    elif total.kind == "over":
        notes.append(w("kind_over", n=total.over))
    elif total.kind == "upTo":
        notes.append(w("kind_upTo", n=total.up_to))
    if total.approximately:
        notes.append(w("kind_approximately", n=total.approximately))
    return tuple(notes)


def _amount_words(row: ProjectRow, lang: str) -> str | None:
    if row.figure is None:
        return None
    return format_amount(row.qualifier, row.figure, row.currency, None, lang)


class MoneyPages:
    """Builds the money sections of pages in one language, with a page builder's labels and links."""

    def __init__(self, builder: PageBuilder) -> None:
        self.builder = builder
        self.lang = builder.lang
        self.w = money_words(builder.lang)

    def link(self, iri: str) -> Link:
        return self.builder.link(URIRef(iri))

    # The home page.

    def home(self, figures: HomeFigures) -> HomeMoney:
        w, counts = self.w, figures.counts
        no_total, no_projects = counts.releases - counts.with_total, counts.releases - counts.with_projects
        release_notes = [w("releases_no_total", count=no_total)] if no_total else []
        if no_projects:
            release_notes.append(w("releases_no_projects", count=no_projects))
        headline = [Figure(w("releases"), _count(counts.releases, self.lang), tuple(release_notes))]
        headline.append(Figure(w("projects"), _count(counts.projects, self.lang)))
        for total in figures.announced:
            notes = (w("announced_note", count=total.figures), *sum_notes(total, w))
            headline.append(Figure(w("announced"), sum_words(total, self.lang), notes, total.currency))
        for total in figures.grants:
            notes = (w("grants_note", count=total.figures), *sum_notes(total, w))
            headline.append(Figure(w("grants"), sum_words(total, self.lang), notes, total.currency))
        charts = []
        for dimension in ("program", "implementer", "region", "year"):
            breakdown = figures.breakdowns.get(dimension)
            if breakdown is None or not breakdown.slices:
                continue
            bars = [self._bar(dimension, s.key, s.total) for s in breakdown.slices]
            if dimension == "year":
                bars = bars[-MAX_YEARS:]
            else:
                bars = self._fold(bars, [s.total for s in breakdown.slices])
            charts.append(bar_chart(dimension, w(f"by_{dimension}"), bars, horizontal=dimension != "year"))
        return HomeMoney(tuple(headline), tuple(charts), self._flow(figures), figures.currency)

    def _bar(self, dimension: str, key: str | None, total: Sum) -> Bar:
        words = sum_words(total, self.lang)
        if key is None:
            return Bar(self.w("not_stated"), None, total.figure, words, total.projects)
        if dimension == "year":
            return Bar(key, None, total.figure, words, total.projects)
        link = self.link(key)
        return Bar(link.label, link.href, total.figure, words, total.projects, link.lang)

    def _fold(self, bars: list[Bar], totals: Sequence[Sum]) -> list[Bar]:
        if len(bars) <= MAX_BARS:
            return bars
        rest = list(totals[MAX_BARS - 1 :])
        added = rest[0]
        for total in rest[1:]:
            added = added + total
        label = self.w("others", count=len(rest))
        return [*bars[: MAX_BARS - 1], Bar(label, None, added.figure, sum_words(added, self.lang), 0)]

    def _flow(self, figures: HomeFigures) -> FlowPicture | None:
        paths: list[tuple[Path, Decimal]] = [
            ((r.funders, r.programs, r.implementers, r.regions), r.figure)
            for r in figures.flow
            if r.figure is not None
        ]
        columns = tuple(self.w(f"col_{c}") for c in ("funder", "program", "implementer", "region"))
        return flow_picture(paths, columns, self.w("flow"), self._node_name, self._words(figures.currency))

    def _node_name(self, combo: Combo) -> tuple[str, str | None]:
        if combo == OTHERS:
            return self.w("others", count="").strip(), None
        if combo == NONE:
            return self.w("not_stated"), None
        links = [self.link(iri) for iri in combo]
        return " + ".join(link.label for link in links), links[0].href if len(links) == 1 else None

    def _words(self, currency: str | None) -> Callable[[Decimal], str]:
        def words(value: Decimal) -> str:
            return format_amount("exact", value, currency, None, self.lang) or ""

        return words

    # Resource pages.

    def resource(self, run: read.Records, kind: str, iri: str) -> ResourceMoney | None:
        """The projects of a resource and their sums (None: pages of this kind show no money)."""
        if kind not in queries.SCOPE_KINDS:
            return None
        found = read.scope_figures(run, kind, iri)
        w = self.w
        figures = []
        if kind == "release":
            announced = read.announced_by(run, iri)
            for total in announced:
                words = sum_words(total, self.lang)
                figures.append(Figure(w("release_total"), words, sum_notes(total, w), total.currency))
            if not announced:
                figures.append(Figure(w("release_total"), "—", (w("release_no_total"),)))
        if kind != "project" and found.projects:
            count = w("project_count_1") if found.projects == 1 else w("project_count", count=found.projects)
            figures.append(Figure(w("projects"), count))
            for total in found.sums:
                notes = (w("grants_note", count=total.figures), *sum_notes(total, w))
                figures.append(Figure(w("grants"), sum_words(total, self.lang), notes, total.currency))
        lines = tuple(self._line(row, iri) for row in found.rows)
        return ResourceMoney(tuple(figures), lines, found.projects, found.listed, kind == "project")

    def _line(self, row: ProjectRow, page_iri: str) -> Line:
        hows = []
        for how, via in row.links:
            if how in ("self", "all", "in", "funder") or (how == "implementer" and via == page_iri):
                text = self.w(f"how_{how}") if how in ("funder", "implementer") else ""
            elif how == "implementer":
                text = self.w("how_unit", via=self.link(via).label)
            else:
                text = self.w(f"how_{how}", via=self.link(via).label)
            if text and text not in hows:
                hows.append(text)
        return Line(
            project=self.link(row.project),
            amount=_amount_words(row, self.lang),
            implementers=tuple(self.link(i) for i in row.implementers),
            programs=tuple(self.link(p) for p in row.programs),
            regions=tuple(self.link(r) for r in row.regions),
            release=self.link(row.release) if row.release else None,
            date=row.date[:10] if row.date else None,
            how="; ".join(hows),
            grant=self.link(row.grant) if row.grant else None,
        )


def _count(n: int, lang: str) -> str:
    return format_number(Decimal(n), lang)
