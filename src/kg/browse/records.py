"""What the projects list and the search read from the graph: one record per project, the facet terms, and
the texts to index. Pure: a graph in, frozen dataclasses out (``kg.search_index`` stores them).

A project's place facets follow the UN M49 hierarchy both ways: a project serving Central America is a
project "in Guatemala" (the region contains the country; this is how the competency query
``projects-serving-host-country`` reads it) and one serving Guatemala City is "in Guatemala" too. Its
implementer facet adds the organisation a unit belongs to (``org:unitOf``), so the OAS finds the projects
of its Secretariat. What the graph does not state (a project with no program, region or amount; a release
with no project) is simply absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.vocab import KG, ORG, RDF, SCHEMA, SKOS

LANGS = ("en", "fr")
FACETS = ("program", "implementer", "country", "region", "theme", "dac", "year", "release")
"""The facets of the projects list, in the order the page shows them."""

FIGURES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)


@dataclass(frozen=True)
class Term:
    """One value of one facet: its key in links (``?program=accbp``), its IRI and its labels."""

    facet: str
    key: str
    iri: str
    labels: tuple[tuple[str, str], ...] = ()

    def label(self, lang: str) -> str:
        """The label in ``lang``, else in another language, else the key."""
        found = dict(self.labels)
        return found.get(lang) or next(iter(found.values()), self.key)


@dataclass(frozen=True)
class ProjectRecord:
    """One project as the list shows and filters it. Texts are ``(lang, text)`` pairs."""

    iri: str
    position: int
    names: tuple[tuple[str, str], ...]
    descriptions: tuple[tuple[str, str], ...] = ()
    amount: Decimal | None = None
    qualifier: str | None = None  # exact, over, approximately, upTo
    stated: str | None = None  # the words of the source: "over $2 million"
    currency: str | None = None
    published: str | None = None  # the release's date as stated (xsd:date or xsd:dateTime lexical form)
    release: str | None = None
    stated_terms: tuple[tuple[str, str], ...] = ()
    """``(facet, iri)`` the graph states of the project itself (shown in the list)."""
    facet_terms: tuple[tuple[str, str], ...] = ()
    """``(facet, iri)`` a filter matches: the stated ones and those reached through places and units."""

    def name(self, lang: str) -> str:
        found = dict(self.names)
        return found.get(lang) or next(iter(found.values()), self.iri)

    @property
    def year(self) -> str | None:
        return self.published[:4] if self.published else None


@dataclass(frozen=True)
class SearchText:
    """One resource's title and description in one language, for the full-text index."""

    iri: str
    kind: str
    lang: str
    label: str
    """What a result shows: the resource's name (or headline) in this language."""
    title: str
    """Every name it has in this language (acronyms and cue phrases too): what a search matches."""
    body: str = ""


@dataclass(frozen=True)
class BrowseData:
    projects: tuple[ProjectRecord, ...]
    terms: tuple[Term, ...]
    texts: tuple[SearchText, ...] = field(default=())


def _texts(g: Graph, node: Node, *predicates: URIRef) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for predicate in predicates:
        for value in sorted(g.objects(node, predicate), key=str):
            if isinstance(value, Literal) and value.language:
                found.setdefault(value.language.split("-")[0], str(value))
    return tuple(sorted(found.items()))


def _iris(g: Graph, node: Node, predicate: URIRef) -> list[str]:
    return sorted(str(o) for o in g.objects(node, predicate) if isinstance(o, URIRef))


def _closure(g: Graph, start: URIRef, predicate: URIRef, *, inverse: bool = False) -> set[str]:
    """``start`` and every node reached by ``predicate`` (or its inverse) any number of times."""
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        step = g.subjects(predicate, node) if inverse else g.objects(node, predicate)
        for nxt in step:
            if isinstance(nxt, URIRef) and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return {str(n) for n in seen}


def _place_facet(g: Graph, place: URIRef) -> str | None:
    types = set(g.objects(place, RDF.type))
    if SCHEMA.Country in types:
        return "country"
    if KG.Region in types:
        return "region"
    return None  # a city counts through its country


def _amount(g: Graph, project: URIRef) -> tuple[Decimal | None, str | None, str | None, str | None]:
    for grant in sorted(g.subjects(SCHEMA.fundedItem, project), key=str):
        node = g.value(grant, SCHEMA.amount)
        if node is None:
            continue
        figure: Decimal | None = None
        for predicate in FIGURES:
            value = g.value(node, predicate)
            if value is not None:
                try:
                    figure = Decimal(str(value))
                except InvalidOperation:  # the amount's shape reports it; the list shows no figure
                    figure = None
                break
        qualifier = g.value(node, KG.qualifier)
        stated, currency = g.value(node, KG.statedAs), g.value(node, SCHEMA.currency)
        return (
            figure if figure is not None and figure.is_finite() else None,
            str(qualifier).rsplit("#", 1)[-1] if qualifier is not None else None,
            str(stated) if stated is not None else None,
            str(currency) if currency is not None else None,
        )
    return None, None, None, None


def _project(g: Graph, project: URIRef, terms: dict[tuple[str, str], Term]) -> ProjectRecord:
    stated: list[tuple[str, str]] = []
    reached: set[tuple[str, str]] = set()
    for facet, predicate in (
        ("program", KG.fundedThrough),
        ("implementer", KG.implementer),
        ("theme", KG.theme),
        ("dac", KG.dacSector),
    ):
        for iri in _iris(g, project, predicate):
            stated.append((facet, iri))
            reached.add((facet, iri))
    for org in g.objects(project, KG.implementer):
        if isinstance(org, URIRef):  # a unit's projects are its organisation's too
            reached |= {("implementer", iri) for iri in _closure(g, org, ORG.unitOf)}
    for place in g.objects(project, KG.beneficiaryRegion):
        if not isinstance(place, URIRef):
            continue
        kind = _place_facet(g, place)
        if kind is not None:
            stated.append((kind, str(place)))
        related = _closure(g, place, SCHEMA.containedInPlace)
        related |= _closure(g, place, SCHEMA.containedInPlace, inverse=True)
        for iri in related:
            found = _place_facet(g, URIRef(iri))
            if found is not None:
                reached.add((found, iri))
    release = g.value(project, KG.announcedIn)
    published = None
    if isinstance(release, URIRef):
        date = g.value(release, SCHEMA.datePublished)
        published = str(date) if date is not None else None
        reached.add(("release", str(release)))
        if published:
            reached.add(("year", published[:4]))
    for facet, iri in reached:
        if (facet, iri) not in terms:
            terms[(facet, iri)] = _term(g, facet, iri)
    amount, qualifier, words, currency = _amount(g, project)
    position = g.value(project, SCHEMA.position)
    return ProjectRecord(
        iri=str(project),
        position=int(str(position)) if position is not None and str(position).isdigit() else 0,
        names=_texts(g, project, SCHEMA.name),
        descriptions=_texts(g, project, SCHEMA.description),
        amount=amount,
        qualifier=qualifier,
        stated=words,
        currency=currency,
        published=published,
        release=str(release) if isinstance(release, URIRef) else None,
        stated_terms=tuple(sorted(set(stated))),
        facet_terms=tuple(sorted(reached)),
    )


def _term(g: Graph, facet: str, iri: str) -> Term:
    if facet == "year":
        return Term(facet, iri, iri, (("en", iri), ("fr", iri)))
    node = URIRef(iri)
    labels = _texts(g, node, SCHEMA.name, SKOS.prefLabel, SCHEMA.headline)
    notation = g.value(node, SKOS.notation)
    if facet == "dac" and notation is not None:  # "15130 Legal and judicial development"
        labels = tuple((lang, f"{notation} {text}") for lang, text in labels)
    return Term(facet, iri.rstrip("/").rsplit("/", 1)[-1], iri, labels)


def _unique_keys(terms: Iterable[Term]) -> Iterator[Term]:
    """Keys are the last segment of the IRI (``accbp``, ``gt``, ``013``); two terms of one facet sharing
    one keep their full IRI as key, so a link never means two things."""
    by_facet: dict[tuple[str, str], list[Term]] = {}
    for term in terms:
        by_facet.setdefault((term.facet, term.key), []).append(term)
    for group in by_facet.values():
        if len(group) == 1:
            yield group[0]
        else:
            yield from (Term(t.facet, t.iri, t.iri, t.labels) for t in group)


INDEXED = (
    ("project", KG.Project, (SCHEMA.name,), (SCHEMA.description,)),
    ("release", KG.NewsRelease, (SCHEMA.headline, SCHEMA.name), (SCHEMA.description,)),
    ("organization", SCHEMA.Organization, (SCHEMA.name, SCHEMA.alternateName), (SCHEMA.description,)),
    ("program", KG.FundingProgram, (SCHEMA.name, SCHEMA.alternateName), (SCHEMA.description,)),
    ("place", SCHEMA.Place, (SCHEMA.name,), ()),
    ("concept", SKOS.Concept, (SKOS.prefLabel, SKOS.altLabel), (SKOS.definition,)),
)
"""The kinds of resource the search finds: the titles and descriptions of each, in English and French."""


def search_texts(g: Graph) -> Iterator[SearchText]:
    """One ``SearchText`` per resource and language; a text with no language (an acronym) counts in each."""
    seen: set[str] = set()
    for kind, cls, titles, bodies in INDEXED:
        for node in sorted(g.subjects(RDF.type, cls), key=str):
            if not isinstance(node, URIRef) or str(node) in seen:
                continue
            seen.add(str(node))
            by_lang: dict[str, tuple[list[str], list[str]]] = {}
            plain: list[str] = []
            for index, predicates in enumerate((titles, bodies)):
                for predicate in predicates:
                    for value in sorted(g.objects(node, predicate), key=str):
                        if not isinstance(value, Literal):
                            continue
                        if not value.language:
                            if index == 0:
                                plain.append(str(value))
                            continue
                        lang = value.language.split("-")[0]
                        by_lang.setdefault(lang, ([], []))[index].append(str(value))
            for lang, (title, body) in sorted(by_lang.items()):
                title = list(dict.fromkeys(title))  # a release's name repeats its headline
                named = dict(_texts(g, node, titles[0])).get(lang)
                label = named or next(iter([*title, *plain]), "")
                yield SearchText(str(node), kind, lang, label, " · ".join([*title, *plain]), " ".join(body))
            if not by_lang and plain:
                yield SearchText(str(node), kind, "", plain[0], " · ".join(plain))


def browse_data(g: Graph) -> BrowseData:
    """Every project's record, the terms its facets name, and the texts to index."""
    terms: dict[tuple[str, str], Term] = {}
    projects = [_project(g, p, terms) for p in g.subjects(RDF.type, KG.Project) if isinstance(p, URIRef)]
    projects.sort(key=lambda r: (r.published or "", r.release or "", r.position, r.iri))
    ordered = sorted(_unique_keys(terms.values()), key=lambda t: (FACETS.index(t.facet), t.key))
    return BrowseData(tuple(projects), tuple(ordered), tuple(search_texts(g)))
