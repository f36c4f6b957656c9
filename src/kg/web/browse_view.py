"""What the projects list and the search page show, and the CSV and JSON of a selection (no Flask here).

Every link is the list's own path with a query string (``kg.browse.query.Selection``), so each state of
the page, each facet value and each download is a link a person can share.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from kg.browse.query import SORTS, Catalogue, Outcome, Selection
from kg.browse.records import FACETS, ProjectRecord, Term
from kg.web.labels import format_amount, format_number

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "projects": "Projects",
        "search": "Search",
        "search_label": "Search titles and descriptions (English and French)",
        "results": "{n} projects",
        "results_one": "1 project",
        "none": "No project matches this selection.",
        "clear": "Clear all filters",
        "download": "This selection as",
        "sort": "Sort by:",
        "page": "Page {page} of {pages}",
        "more": "show all",
        "amount": "Amount",
        "title": "Title",
        "implementer": "Implementer",
        "program": "Program",
        "country": "Country",
        "region": "Region",
        "theme": "Theme",
        "dac": "DAC sector",
        "year": "Year",
        "release": "Release",
        "places": "Regions",
        "sort_relevance": "relevance",
        "sort_date": "oldest first",
        "sort_-date": "newest first",
        "sort_title": "title (A-Z)",
        "sort_-title": "title (Z-A)",
        "sort_amount": "smallest amount",
        "sort_-amount": "largest amount",
        "under": "under {high}",
        "from_to": "{low} to {high}",
        "over": "{low} and over",
        "search_results": "{n} results for “{q}”",
        "search_empty": "Type words to search for: every word must be found; end one with * to find words "
        "beginning with it.",
        "kind": "Kind of resource",
        "all_kinds": "all kinds",
        "facets": "Filters",
        "kind_project": "project",
        "kind_release": "release",
        "kind_organization": "organisation",
        "kind_program": "program",
        "kind_place": "place",
        "kind_concept": "theme or code",
        "in_projects": "Filter the projects list by these words",
        "previous": "Previous",
        "next": "Next",
        "selected": "selected",
        "remove": "remove",
    },
    "fr": {
        "projects": "Projets",
        "search": "Rechercher",
        "search_label": "Rechercher dans les titres et les descriptions (français et anglais)",
        "results": "{n} projets",
        "results_one": "1 projet",
        "none": "Aucun projet ne correspond à cette sélection.",
        "clear": "Retirer tous les filtres",
        "download": "Cette sélection en",
        "sort": "Trier par\u00a0:",
        "page": "Page {page} sur {pages}",
        "more": "tout afficher",
        "amount": "Montant",
        "title": "Titre",
        "implementer": "Organisme d'exécution",
        "program": "Programme",
        "country": "Pays",
        "region": "Région",
        "theme": "Thème",
        "dac": "Secteur CAD",
        "year": "Année",
        "release": "Communiqué",
        "places": "Régions",
        "sort_relevance": "pertinence",
        "sort_date": "plus anciens",
        "sort_-date": "plus récents",
        "sort_title": "titre (A-Z)",
        "sort_-title": "titre (Z-A)",
        "sort_amount": "montant le plus bas",
        "sort_-amount": "montant le plus élevé",
        "under": "moins de {high}",
        "from_to": "de {low} à {high}",
        "over": "{low} et plus",
        "search_results": "{n} résultats pour « {q} »",
        "search_empty": "Tapez les mots à rechercher : chaque mot doit être trouvé ; terminez un mot par * "
        "pour trouver les mots qui commencent ainsi.",
        "kind": "Type de ressource",
        "all_kinds": "tous les types",
        "facets": "Filtres",
        "kind_project": "projet",
        "kind_release": "communiqué",
        "kind_organization": "organisation",
        "kind_program": "programme",
        "kind_place": "lieu",
        "kind_concept": "thème ou code",
        "in_projects": "Filtrer la liste des projets par ces mots",
        "previous": "Précédente",
        "next": "Suivante",
        "selected": "choisi",
        "remove": "retirer",
    },
}


def words(lang: str) -> Callable[..., str]:
    table = WORDS["fr" if lang == "fr" else "en"]

    def say(key: str, **values: object) -> str:
        return table.get(key, key).format(**values)

    return say


@dataclass(frozen=True)
class LinkItem:
    label: str
    href: str
    count: int | None = None
    chosen: bool = False


@dataclass(frozen=True)
class FacetView:
    name: str
    title: str
    values: tuple[LinkItem, ...]
    more: str | None = None


@dataclass(frozen=True)
class Row:
    record: ProjectRecord
    name: str
    href: str | None
    amount: str
    implementers: tuple[LinkItem, ...]
    programs: tuple[LinkItem, ...]
    places: tuple[LinkItem, ...]
    year: str


class ListView:
    """Turns a selection and its outcome into the links and rows the template writes."""

    def __init__(
        self,
        catalogue: Catalogue,
        selection: Selection,
        lang: str,
        path: str,
        href: Callable[[str], str | None],
        keep: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.catalogue, self.selection, self.lang, self.path = catalogue, selection, lang, path
        self.href, self.keep = href, tuple(keep)
        self.say = words(lang)

    def url(self, selection: Selection, *, path: str | None = None, paging: bool = True) -> str:
        query = selection.query_string(paging=paging, extra=self.keep)
        return f"{path or self.path}?{query}" if query else (path or self.path)

    def facets(self, outcome: Outcome) -> list[FacetView]:
        views = []
        for facet in outcome.facets:
            if not facet.values:
                continue
            values = tuple(
                LinkItem(
                    v.term.label(self.lang),
                    self.url(self.selection.toggled(facet.name, v.term.key)),
                    v.count,
                    v.chosen,
                )
                for v in facet.values
            )
            more = None
            if facet.hidden:
                wider = replace(self.selection, more=(*self.selection.more, facet.name))
                more = self.url(wider)
            views.append(FacetView(facet.name, self.say(facet.name), values, more))
        return views

    def amounts(self, outcome: Outcome) -> list[LinkItem]:
        items = []
        for bucket in outcome.amounts:
            low = format_amount("exact", bucket.low, "CAD", None, self.lang) if bucket.low is not None else ""
            high = format_amount("exact", bucket.high, "CAD", None, self.lang) if bucket.high else ""
            if bucket.low is None:
                label = self.say("under", high=high)
            elif bucket.high is None:
                label = self.say("over", low=low)
            else:
                label = self.say("from_to", low=low, high=high)
            target = (None, None) if bucket.chosen else (bucket.low, bucket.high)
            items.append(
                LinkItem(label, self.url(self.selection.with_amount(*target)), bucket.count, bucket.chosen)
            )
        return items

    def sorts(self) -> list[LinkItem]:
        current = self.selection.effective_sort
        shown = [s for s in SORTS if s != "relevance" or self.selection.q]
        return [
            LinkItem(
                self.say(f"sort_{s}"), self.url(replace(self.selection, sort=s, page=1)), None, s == current
            )
            for s in shown
        ]

    def page_link(self, page: int) -> str:
        return self.url(replace(self.selection, page=page))

    def rows(self, records: Sequence[ProjectRecord]) -> list[Row]:
        return [self.row(r) for r in records]

    def _terms(self, record: ProjectRecord, *facets: str) -> tuple[LinkItem, ...]:
        items = []
        for facet, iri in record.stated_terms:
            if facet in facets:
                term = self.catalogue.term(facet, iri)
                label = term.label(self.lang) if term else iri
                items.append(LinkItem(label, self.href(iri) or iri))
        return tuple(items)

    def row(self, record: ProjectRecord) -> Row:
        amount = format_amount(record.qualifier, record.amount, record.currency, None, self.lang) or ""
        return Row(
            record,
            record.name(self.lang),
            self.href(record.iri),
            amount,
            self._terms(record, "implementer"),
            self._terms(record, "program"),
            self._terms(record, "country", "region"),
            record.year or "",
        )


def mark(snippet: str) -> Markup:
    """A search snippet as HTML: its text escaped, the words found in ``<mark>``."""
    return Markup(str(escape(snippet)).replace("\x02", "<mark>").replace("\x03", "</mark>"))


CSV_COLUMNS = (
    "iri",
    "name",
    "amount",
    "currency",
    "qualifier",
    "stated_as",
    "published",
    "release",
    "programs",
    "implementers",
    "places",
    "themes",
    "dac_sectors",
    "description",
)
_LISTED = {
    "programs": ("program",),
    "implementers": ("implementer",),
    "places": ("country", "region"),
    "themes": ("theme",),
    "dac_sectors": ("dac",),
}


def record_object(record: ProjectRecord, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """One project as the JSON download writes it (the CSV flattens the same)."""

    def terms(facets: tuple[str, ...]) -> list[dict[str, str]]:
        out = []
        for facet, iri in record.stated_terms:
            if facet in facets:
                term: Term | None = catalogue.term(facet, iri)
                out.append({"iri": iri, "label": term.label(lang) if term else iri})
        return out

    descriptions = dict(record.descriptions)
    return {
        "iri": record.iri,
        "name": record.name(lang),
        "amount": _number(record.amount),
        "currency": record.currency,
        "qualifier": record.qualifier,
        "stated_as": record.stated,
        "published": record.published,
        "release": record.release,
        **{column: terms(facets) for column, facets in _LISTED.items()},
        "description": descriptions.get(lang) or next(iter(descriptions.values()), None),
    }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def selection_json(outcome: Outcome, catalogue: Catalogue, lang: str, query: str) -> str:
    facets = {
        facet.name: [
            {"key": v.term.key, "iri": v.term.iri, "label": v.term.label(lang), "count": v.count}
            for v in facet.values
        ]
        for facet in outcome.facets
    }
    amounts = [{"min": _number(b.low), "max": _number(b.high), "count": b.count} for b in outcome.amounts]
    body = {
        "query": query,
        "total": outcome.total,
        "projects": [record_object(r, catalogue, lang) for r in outcome.selected],
        "facets": facets,
        "amounts": amounts,
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def selection_csv(outcome: Outcome, catalogue: Catalogue, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(CSV_COLUMNS)
    for record in outcome.selected:
        obj = record_object(record, catalogue, lang)
        cells = []
        for column in CSV_COLUMNS:
            value = obj[column]
            if isinstance(value, list):
                value = "; ".join(item["label"] for item in value)
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return out.getvalue()


def count_words(total: int, lang: str) -> str:
    say = words(lang)
    return say("results_one") if total == 1 else say("results", n=format_number(Decimal(total), lang))


__all__ = ["FACETS", "ListView", "count_words", "mark", "selection_csv", "selection_json", "words"]
