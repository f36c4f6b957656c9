"""The projects list as a pure function of its query string: filter, count per facet, sort, page.

Every state of the list is its query string (``?program=accbp&country=gt&sort=-amount&page=2``), so a
link shares it. Within a facet the values chosen are alternatives (OR); across facets they all hold
(AND). A facet's counts are those of the selection made by every *other* facet (and the search and the
amount range), so each count is the size of the list one click on it gives, when it adds a value.
Malformed input (a number that is not one, a page size out of range) raises ``SelectionError`` (400);
a value no project has simply selects nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from kg.browse.fts import MAX_QUERY_CHARS
from kg.browse.records import FACETS, ProjectRecord, Term

SORTS = ("relevance", "date", "-date", "title", "-title", "amount", "-amount")
DEFAULT_SORT = "-date"
PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_SIZE = 20
MAX_PAGE = 1_000_000
MAX_VALUES_PER_FACET = 50
MAX_AMOUNT = Decimal("1e15")
FACET_SHOWN = 12
"""Values a facet shows before its "more" link (the chosen ones are always shown)."""
AMOUNT_BUCKETS: tuple[tuple[Decimal | None, Decimal | None], ...] = (
    (None, Decimal(100_000)),
    (Decimal(100_000), Decimal(500_000)),
    (Decimal(500_000), Decimal(1_000_000)),
    (Decimal(1_000_000), Decimal(5_000_000)),
    (Decimal(5_000_000), None),
)
"""The amount ranges offered as links: ``min`` included, ``max`` excluded."""


class SelectionError(ValueError):
    """A query string the list cannot read (answered with 400 and this message)."""


@dataclass(frozen=True)
class Selection:
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    q: str = ""
    sort: str = ""
    page: int = 1
    size: int = DEFAULT_SIZE
    more: tuple[str, ...] = ()

    def chosen(self, facet: str) -> tuple[str, ...]:
        return dict(self.filters).get(facet, ())

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q else DEFAULT_SORT

    def pairs(self, *, paging: bool = True) -> list[tuple[str, str]]:
        """The query string's pairs, in one canonical order (the links the page writes)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for facet, keys in self.filters:
            out += [(facet, key) for key in keys]
        if self.amount_min is not None:
            out.append(("min", _plain(self.amount_min)))
        if self.amount_max is not None:
            out.append(("max", _plain(self.amount_max)))
        if self.sort:
            out.append(("sort", self.sort))
        if paging:
            if self.size != DEFAULT_SIZE:
                out.append(("size", str(self.size)))
            if self.page != 1:
                out.append(("page", str(self.page)))
            out += [("more", facet) for facet in self.more]
        return out

    def query_string(self, *, paging: bool = True, extra: Sequence[tuple[str, str]] = ()) -> str:
        return urlencode([*self.pairs(paging=paging), *extra])

    def toggled(self, facet: str, key: str) -> Selection:
        """This selection with ``key`` added to ``facet`` or removed from it, back on page 1."""
        keys = self.chosen(facet)
        new = tuple(k for k in keys if k != key) if key in keys else (*keys, key)
        filters = tuple((f, new if f == facet else v) for f, v in self.filters if f != facet or new)
        if facet not in dict(self.filters) and new:
            filters = tuple(sorted((*filters, (facet, new)), key=lambda item: FACETS.index(item[0])))
        return replace(self, filters=filters, page=1)

    def with_amount(self, low: Decimal | None, high: Decimal | None) -> Selection:
        return replace(self, amount_min=low, amount_max=high, page=1)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _number(name: str, raw: str) -> Decimal | None:
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise SelectionError(f"{name}: not a number: {raw[:40]!r}") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise SelectionError(f"{name}: must be a number from 0 to {MAX_AMOUNT:,.0f}")
    return value


def _integer(name: str, raw: str, low: int, high: int) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise SelectionError(f"{name}: not a whole number: {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise SelectionError(f"{name}: must be from {low} to {high}")
    return value


def parse_selection(args: Iterable[tuple[str, str]]) -> Selection:
    """Read a query string's pairs; unknown parameters (``lang``) are left to others.

    :raises SelectionError: on a malformed number, sort, page or size, or too many values.
    """
    filters: dict[str, list[str]] = {}
    single: dict[str, str] = {}
    more: list[str] = []
    for name, value in args:
        if name in FACETS:
            keys = filters.setdefault(name, [])
            if value and value not in keys:
                keys.append(value[:200])
            if len(keys) > MAX_VALUES_PER_FACET:
                raise SelectionError(f"{name}: at most {MAX_VALUES_PER_FACET} values")
        elif name == "more":
            if value in FACETS and value not in more:
                more.append(value)
        elif name in ("q", "min", "max", "sort", "page", "size"):
            if name in single and single[name] != value:
                raise SelectionError(f"{name}: given twice")
            single[name] = value
    q = single.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise SelectionError(f"q: longer than {MAX_QUERY_CHARS} characters")
    sort = single.get("sort", "")
    if sort and sort not in SORTS:
        raise SelectionError(f"sort: one of {', '.join(SORTS)}")
    size = _integer("size", single["size"], 1, PAGE_SIZES[-1]) if single.get("size") else DEFAULT_SIZE
    page = _integer("page", single["page"], 1, MAX_PAGE) if single.get("page") else 1
    low, high = _number("min", single.get("min", "")), _number("max", single.get("max", ""))
    return Selection(
        filters=tuple((f, tuple(filters[f])) for f in FACETS if filters.get(f)),
        amount_min=low,
        amount_max=high,
        q=q,
        sort=sort,
        page=page,
        size=size,
        more=tuple(more),
    )


@dataclass(frozen=True)
class FacetValue:
    term: Term
    count: int
    chosen: bool


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]
    hidden: int = 0
    """Values left out (shown by the facet's "more" link)."""


@dataclass(frozen=True)
class AmountBucket:
    low: Decimal | None
    high: Decimal | None
    count: int
    chosen: bool


@dataclass(frozen=True)
class Outcome:
    selected: tuple[ProjectRecord, ...]
    """Every project of the selection, sorted (what the CSV and JSON downloads hold)."""
    page_items: tuple[ProjectRecord, ...]
    page: int
    pages: int
    facets: tuple[Facet, ...] = field(default=())
    amounts: tuple[AmountBucket, ...] = field(default=())

    @property
    def total(self) -> int:
        return len(self.selected)


class Catalogue:
    """The records and terms of one build, indexed for ``select``."""

    def __init__(self, projects: Sequence[ProjectRecord], terms: Sequence[Term]) -> None:
        self.projects = tuple(projects)
        self.terms: dict[str, dict[str, Term]] = {f: {} for f in FACETS}
        self._by_iri: dict[tuple[str, str], Term] = {}
        for term in terms:
            self.terms[term.facet][term.key] = term
            self._by_iri[(term.facet, term.iri)] = term
        self._keys: list[dict[str, frozenset[str]]] = []
        for record in self.projects:
            keys: dict[str, set[str]] = {}
            for facet, iri in record.facet_terms:
                known = self._by_iri.get((facet, iri))
                if known is not None:
                    keys.setdefault(facet, set()).add(known.key)
            self._keys.append({f: frozenset(v) for f, v in keys.items()})

    def term(self, facet: str, iri: str) -> Term | None:
        return self._by_iri.get((facet, iri))

    def select(self, selection: Selection, lang: str, matches: Sequence[str] | None = None) -> Outcome:
        """The selection's projects, its page, and the counts of every facet.

        :param matches: the projects the search text finds, best first (None: no search text).
        """
        rank = {iri: n for n, iri in enumerate(matches)} if matches is not None else None
        chosen = {f: frozenset(keys) for f, keys in selection.filters}
        passes: list[tuple[ProjectRecord, dict[str, frozenset[str]], set[str]]] = []
        for record, keys in zip(self.projects, self._keys, strict=True):
            if rank is not None and record.iri not in rank:
                continue
            failed = {f for f, want in chosen.items() if not keys.get(f, frozenset()) & want}
            if not _in_range(record.amount, selection.amount_min, selection.amount_max):
                failed.add("amount")
            if len(failed) <= 1:
                passes.append((record, keys, failed))
        selected = [r for r, _, failed in passes if not failed]
        facets = tuple(self._facet(f, passes, chosen.get(f, frozenset()), selection, lang) for f in FACETS)
        amounts = tuple(
            AmountBucket(
                low,
                high,
                sum(1 for r, _, failed in passes if failed <= {"amount"} and _in_range(r.amount, low, high)),
                (low, high) == (selection.amount_min, selection.amount_max),
            )
            for low, high in AMOUNT_BUCKETS
        )
        ordered = tuple(_sorted(selected, selection.effective_sort, lang, rank))
        pages = max(1, -(-len(ordered) // selection.size))
        start = (selection.page - 1) * selection.size
        return Outcome(
            ordered, ordered[start : start + selection.size], selection.page, pages, facets, amounts
        )

    def _facet(
        self,
        facet: str,
        passes: Sequence[tuple[ProjectRecord, Mapping[str, frozenset[str]], set[str]]],
        chosen: frozenset[str],
        selection: Selection,
        lang: str,
    ) -> Facet:
        counts: dict[str, int] = {}
        for _, keys, failed in passes:
            if failed <= {facet}:
                for key in keys.get(facet, ()):
                    counts[key] = counts.get(key, 0) + 1
        terms = self.terms[facet]
        shown = [k for k in counts if k in terms] + [k for k in chosen if k not in counts]
        if facet == "year":
            shown.sort(reverse=True)
        else:
            shown.sort(key=lambda k: (-counts.get(k, 0), fold(_label(terms, facet, k, lang))))
        limit = len(shown) if facet in selection.more else FACET_SHOWN
        kept = [k for n, k in enumerate(shown) if n < limit or k in chosen]
        values = tuple(
            FacetValue(terms.get(k) or Term(facet, k, k, ()), counts.get(k, 0), k in chosen) for k in kept
        )
        return Facet(facet, values, len(shown) - len(kept))


def _label(terms: Mapping[str, Term], facet: str, key: str, lang: str) -> str:
    term = terms.get(key)
    return term.label(lang) if term is not None else key


def _in_range(amount: Decimal | None, low: Decimal | None, high: Decimal | None) -> bool:
    if low is None and high is None:
        return True
    if amount is None:
        return False
    return (low is None or amount >= low) and (high is None or amount < high)


def fold(text: str) -> str:
    """A sort key that ignores case and accents (é sorts with e)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _sorted(
    records: Sequence[ProjectRecord], sort: str, lang: str, rank: Mapping[str, int] | None
) -> list[ProjectRecord]:
    def stable(r: ProjectRecord) -> tuple[str, int, str]:
        return (r.release or "", r.position, r.iri)

    out = sorted(records, key=stable)
    if sort == "relevance" and rank is not None:
        out.sort(key=lambda r: rank.get(r.iri, len(rank)))
    elif sort.lstrip("-") == "title":
        out.sort(key=lambda r: fold(r.name(lang)), reverse=sort.startswith("-"))
    elif sort.lstrip("-") == "amount":
        descending = sort.startswith("-")  # reverse=True keeps ties in their order: stable either way
        known = sorted(
            (r for r in out if r.amount is not None), key=lambda r: r.amount or 0, reverse=descending
        )
        out = known + [r for r in out if r.amount is None]  # no figure: last, either way
    elif sort.lstrip("-") == "date":
        descending = sort.startswith("-")
        dated = sorted((r for r in out if r.published), key=lambda r: r.published or "", reverse=descending)
        out = dated + [r for r in out if not r.published]
    return out
