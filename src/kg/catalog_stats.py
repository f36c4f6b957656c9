"""Figures about the data that the catalog states: counts, dates, regions and themes.

One SPARQL query (``STATS_QUERY``) answers them all, so the same figures come from a store (``store_stats``,
at build time; the server runs the same query on its own store) or from an rdflib graph (``catalog_stats``,
which the tests compare with the store). Pure: no IO.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
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


def store_stats(store: KgStore, triples: int) -> CatalogStats:
    """Run ``STATS_QUERY`` on a store (its union of named graphs); ``triples`` is the union's size.

    At a thousand projects this takes a second where rdflib's SPARQL engine took ten.
    """
    return stats_from_records(store.query(STATS_QUERY).records(), triples)
