"""Figures about the data that the catalog states: counts, dates, regions and themes.

One SPARQL query (``STATS_QUERY``) answers them all, so the same figures come from a store (``store_stats``,
at build time; the server runs the same query on its own store) or from an rdflib graph (``catalog_stats``,
which the tests compare with the store). Pure: no IO.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph
from rdflib.query import ResultRow

from kg.vocab import KG, RDF, SCHEMA, SKOS, sparql_prologue

if TYPE_CHECKING:  # only the type: the figures are computed wherever the store is
    from kg.store import KgStore


@dataclass(frozen=True)
class Labelled:
    """A concept or place the data uses, with its labels by language."""

    iri: str
    labels: dict[str, str]


@dataclass(frozen=True)
class CatalogStats:
    triples: int
    releases: int
    projects: int
    organizations: int
    first_published: date | None
    last_published: date | None
    regions: tuple[Labelled, ...]
    themes: tuple[Labelled, ...]


STATS_FILE = "catalog-stats.json"
"""The figures of a build's catalog, kept in the build (not a download: the manifest does not list it)."""

# The regions and themes are made distinct before their labels are looked up: the labels once per region, not
# once per project (0.4 s of 0.45 s at 10^6 triples, in every `kg add`; the same rows).
STATS_QUERY = (
    sparql_prologue()
    + """SELECT ?aspect ?value ?en ?fr WHERE {
  { SELECT ("releases" AS ?aspect) (COUNT(DISTINCT ?s) AS ?value) WHERE { ?s a kg:NewsRelease } }
  UNION { SELECT ("projects" AS ?aspect) (COUNT(DISTINCT ?s) AS ?value) WHERE { ?s a kg:Project } }
  UNION { SELECT ("organizations" AS ?aspect) (COUNT(DISTINCT ?s) AS ?value)
          WHERE { ?s a schema:Organization } }
  UNION { SELECT ("first" AS ?aspect) (MIN(STR(?d)) AS ?value)
          WHERE { ?s a kg:NewsRelease ; schema:datePublished ?d } }
  UNION { SELECT ("last" AS ?aspect) (MAX(STR(?d)) AS ?value)
          WHERE { ?s a kg:NewsRelease ; schema:datePublished ?d } }
  UNION { SELECT DISTINCT ("region" AS ?aspect) (?r AS ?value) ?en ?fr WHERE {
            { SELECT DISTINCT ?r WHERE { ?p a kg:Project ; kg:beneficiaryRegion ?r } }
            OPTIONAL { ?r skos:prefLabel ?en FILTER(LANG(?en) = "en") }
            OPTIONAL { ?r skos:prefLabel ?fr FILTER(LANG(?fr) = "fr") } } }
  UNION { SELECT DISTINCT ("theme" AS ?aspect) (?t AS ?value) ?en ?fr WHERE {
            { SELECT DISTINCT ?t WHERE { ?p a kg:Project ; kg:theme ?t } }
            OPTIONAL { ?t skos:prefLabel ?en FILTER(LANG(?en) = "en") }
            OPTIONAL { ?t skos:prefLabel ?fr FILTER(LANG(?fr) = "fr") } } }
}
"""
)


# STATS_QUERY's figures for named graphs added to a store (``%(graphs)s``, a list of IRIs): what they add to
# the union, each counted thing once (a subject already typed in another graph was counted before).
_ADDED = """
  FILTER NOT EXISTS { GRAPH ?h { ?s a ?class } FILTER(?h NOT IN (%(listed)s)) } }"""
ADDED_STATS_QUERY = (
    sparql_prologue()
    + """SELECT ?aspect ?value ?en ?fr WHERE {
  { SELECT ("releases" AS ?aspect) (COUNT(DISTINCT ?s) AS ?value) WHERE {
      VALUES ?g { %(graphs)s } VALUES ?class { kg:NewsRelease } GRAPH ?g { ?s a ?class }"""
    + _ADDED
    + """ }
  UNION { SELECT ("projects" AS ?aspect) (COUNT(DISTINCT ?s) AS ?value) WHERE {
      VALUES ?g { %(graphs)s } VALUES ?class { kg:Project } GRAPH ?g { ?s a ?class }"""
    + _ADDED
    + """ }
  UNION { SELECT ("organizations" AS ?aspect) (COUNT(DISTINCT ?s) AS ?value) WHERE {
      VALUES ?g { %(graphs)s } VALUES ?class { schema:Organization } GRAPH ?g { ?s a ?class }"""
    + _ADDED
    + """ }
  UNION { SELECT ("first" AS ?aspect) (MIN(STR(?d)) AS ?value)
          WHERE { VALUES ?g { %(graphs)s } GRAPH ?g { ?s schema:datePublished ?d } ?s a kg:NewsRelease } }
  UNION { SELECT ("last" AS ?aspect) (MAX(STR(?d)) AS ?value)
          WHERE { VALUES ?g { %(graphs)s } GRAPH ?g { ?s schema:datePublished ?d } ?s a kg:NewsRelease } }
  UNION { SELECT DISTINCT ("region" AS ?aspect) (?r AS ?value) ?en ?fr WHERE {
            { SELECT DISTINCT ?r WHERE {
                VALUES ?g { %(graphs)s } GRAPH ?g { ?p kg:beneficiaryRegion ?r } ?p a kg:Project } }
            OPTIONAL { ?r skos:prefLabel ?en FILTER(LANG(?en) = "en") }
            OPTIONAL { ?r skos:prefLabel ?fr FILTER(LANG(?fr) = "fr") } } }
  UNION { SELECT DISTINCT ("theme" AS ?aspect) (?t AS ?value) ?en ?fr WHERE {
            { SELECT DISTINCT ?t WHERE {
                VALUES ?g { %(graphs)s } GRAPH ?g { ?p kg:theme ?t } ?p a kg:Project } }
            OPTIONAL { ?t skos:prefLabel ?en FILTER(LANG(?en) = "en") }
            OPTIONAL { ?t skos:prefLabel ?fr FILTER(LANG(?fr) = "fr") } } }
}
"""
)


# What STATS_QUERY reads, as a statement's line of N-Quads has it after its subject: the predicates, and
# rdf:type with the classes it counts.
_READ = (
    *(f" <{RDF.type}> <{cls}> " for cls in (KG.NewsRelease, KG.Project, SCHEMA.Organization)),
    *(f" <{p}> " for p in (SCHEMA.datePublished, KG.beneficiaryRegion, KG.theme, SKOS.prefLabel)),
)


def stats_statements(nquads: bytes | Iterable[bytes]) -> bytes:
    """The statements of N-Quads written one a line (as ``kg.nq`` is) that ``STATS_QUERY`` reads: the same
    figures from a store of a few of them (loading every statement of ``kg.nq`` into a store took a
    second at 10^5 triples). ``nquads``: the document, or its blocks of whole lines in order
    (``kg.textfiles.line_blocks``: a dump of 10^7 triples is never read whole)."""
    found: list[list[bytes]] = [[] for _ in _READ]
    for block in [nquads] if isinstance(nquads, bytes) else nquads:
        for lines, pattern in zip(found, _READ, strict=True):
            lines += _lines_with(block, pattern.encode())
    return b"".join(line + b"\n" for lines in found for line in lines)


def _lines_with(nquads: bytes, token: bytes) -> Iterator[bytes]:
    """The lines of ``nquads`` with ``token`` right after their subject."""
    at = nquads.find(token)
    while at != -1:
        start = nquads.rfind(b"\n", 0, at) + 1
        end = nquads.find(b"\n", at)
        if nquads.find(b" ", start) == at:  # the predicate: no subject (an IRI, a label) has a space
            yield nquads[start:end] if end != -1 else nquads[start:]
        at = nquads.find(token, at + 1 if end == -1 else end)


def _date(text: str | None) -> date | None:
    # schema:datePublished is an xsd:dateTime with its offset or an xsd:date: the date as published, never
    # converted to UTC.
    return date.fromisoformat(text[:10]) if text else None


def stats_from_records(records: Iterable[Mapping[str, str]], triples: int) -> CatalogStats:
    """Read the rows of ``STATS_QUERY`` (variables as plain strings, like ``QueryResult.records()``)."""
    counts: dict[str, str] = {}
    listed: dict[str, list[Labelled]] = {"region": [], "theme": []}
    for row in records:
        aspect, value = row.get("aspect", ""), row.get("value")
        if value is None:
            continue
        if aspect in listed:
            labels = {lang: row[lang] for lang in ("en", "fr") if row.get(lang)}
            listed[aspect].append(Labelled(value, labels))
        else:
            counts[aspect] = value
    return CatalogStats(
        triples=triples,
        releases=int(counts.get("releases", 0)),
        projects=int(counts.get("projects", 0)),
        organizations=int(counts.get("organizations", 0)),
        first_published=_date(counts.get("first")),
        last_published=_date(counts.get("last")),
        regions=tuple(sorted(listed["region"], key=lambda x: x.iri)),
        themes=tuple(sorted(listed["theme"], key=lambda x: x.iri)),
    )


def catalog_stats(data: Dataset | Graph) -> CatalogStats:
    """Run ``STATS_QUERY`` over a graph or over the union of a dataset's named graphs."""
    graph = Graph()
    quads = data.quads((None, None, None, None)) if isinstance(data, Dataset) else None
    if quads is not None:
        for s, p, o, _ in quads:
            graph.add((s, p, o))
    else:
        graph = data
    rows = []
    for row in graph.query(STATS_QUERY):
        assert isinstance(row, ResultRow)
        rows.append({str(k): str(v) for k, v in row.asdict().items() if v is not None})
    return stats_from_records(rows, len(graph))


def added_stats(store: KgStore, graphs: Sequence[str], before: CatalogStats, triples: int) -> CatalogStats:
    """The figures of a store that held the union ``before`` describes and now holds the named ``graphs``
    too (new graphs: none of them replaced one), counted on those graphs alone: ``kg add`` at 10^7 triples
    spent a second in ``store_stats`` over the whole store. ``triples``: the new union's size."""
    if not graphs:
        return replace(before, triples=triples)
    added = _graphs_stats(store, graphs)

    def joined(old: tuple[Labelled, ...], new: tuple[Labelled, ...]) -> tuple[Labelled, ...]:
        known = {item.iri: item for item in new} | {item.iri: item for item in old}
        return tuple(known[iri] for iri in sorted(known))

    firsts = [d for d in (before.first_published, added.first_published) if d is not None]
    lasts = [d for d in (before.last_published, added.last_published) if d is not None]
    return CatalogStats(
        triples=triples,
        releases=before.releases + added.releases,
        projects=before.projects + added.projects,
        organizations=before.organizations + added.organizations,
        first_published=min(firsts, default=None),
        last_published=max(lasts, default=None),
        regions=joined(before.regions, added.regions),
        themes=joined(before.themes, added.themes),
    )


def without_graphs(stats: CatalogStats, store: KgStore, graphs: Sequence[str]) -> CatalogStats | None:
    """The figures of ``stats`` without what the named ``graphs`` of ``store`` added to them (a store that
    held them before they were replaced: the reference graph when a record proposes entries).

    Counts can be taken away; a date, a region or a theme that a graph added cannot (another graph may
    state it too): None when they added one, and the figures are then counted on the whole store.
    """
    gone = _graphs_stats(store, graphs)
    if gone.releases or gone.projects or gone.first_published or gone.regions or gone.themes:
        return None
    return replace(stats, organizations=stats.organizations - gone.organizations)


def _graphs_stats(store: KgStore, graphs: Sequence[str]) -> CatalogStats:
    """What the named ``graphs`` add to the figures of the other graphs of ``store`` (no triple count)."""
    iris = [f"<{graph}>" for graph in sorted(graphs)]
    query = ADDED_STATS_QUERY % {"graphs": " ".join(iris), "listed": ", ".join(iris)}
    return stats_from_records(store.query(query).records(), 0)


def stats_json(stats: CatalogStats) -> str:
    """The figures as JSON, kept in a build (``STATS_FILE``) for the next ``kg add`` to start from."""
    return json.dumps(asdict(stats), default=date.isoformat, indent=1, sort_keys=True) + "\n"


def read_stats_json(text: str) -> CatalogStats | None:
    """``stats_json`` read back; None for text that is not such figures (a file of another kg)."""
    try:
        data = json.loads(text)
        listed = {
            key: tuple(Labelled(str(item["iri"]), dict(item["labels"])) for item in data[key])
            for key in ("regions", "themes")
        }
        return CatalogStats(
            triples=int(data["triples"]),
            releases=int(data["releases"]),
            projects=int(data["projects"]),
            organizations=int(data["organizations"]),
            first_published=_date(data["first_published"]),
            last_published=_date(data["last_published"]),
            **listed,
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def store_stats(store: KgStore, triples: int) -> CatalogStats:
    """Run ``STATS_QUERY`` on a store (its union of named graphs); ``triples`` is the union's size.

    At a thousand projects this takes a second where rdflib's SPARQL engine took ten.
    """
    return stats_from_records(store.query(STATS_QUERY).records(), triples)
