"""A VoID description of the dataset, generated from the data (https://www.w3.org/TR/void/).

Pure: :func:`dataset_stats` counts triples given as N-Triples text (:data:`STATS_QUERIES` asks a store for
the same counts), :func:`void_graph` turns those counts,
the dump list and the settings into an rdflib ``Graph``. The web layer serves it at ``/.well-known/void``
(VoID §7.2, "well-known URI").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.dumps import DUMP_STEM, DumpInfo
from kg.formats import RdfFormat
from kg.settings import Settings
from kg.vocab import KG_ONTOLOGY, PREFIXES

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_RDF_TYPE = str(RDF.type)


@dataclass(frozen=True)
class DatasetStats:
    """Counts over the distinct triples of the union of all graphs."""

    triples: int = 0
    entities: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    vocabularies: tuple[str, ...] = ()
    graphs: dict[str, int] = field(default_factory=dict)


def namespace_of(iri: str) -> str:
    """The vocabulary an IRI belongs to: up to its last ``#`` or ``/``.

    >>> namespace_of("https://schema.org/name")
    'https://schema.org/'
    >>> namespace_of("http://www.w3.org/2004/02/skos/core#prefLabel")
    'http://www.w3.org/2004/02/skos/core#'
    """
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def dataset_stats(quads: Iterable[tuple[str, str, str, str]]) -> DatasetStats:
    """Count ``(subject, predicate IRI, object, graph IRI)`` quads; subject and object in N-Triples syntax.

    The graph is ``""`` for the default graph. Repeated triples (the same triple in several named graphs)
    count once, except in the per-graph counts.

    >>> q = [("<http://a>", "http://p/x", '"1"', "http://g/1"), ("<http://a>", "http://p/x", '"1"', "http://g/2")]
    >>> s = dataset_stats(q)
    >>> (s.triples, s.entities, s.distinct_objects, s.graphs)
    (1, 1, 1, {'http://g/1': 1, 'http://g/2': 1})
    """
    seen: set[tuple[str, str, str]] = set()
    subjects: set[str] = set()
    objects: set[str] = set()
    classes: Counter[str] = Counter()
    properties: Counter[str] = Counter()
    graphs: Counter[str] = Counter()
    for *spo, graph_name in quads:
        if graph_name:
            graphs[graph_name] += 1
        triple = (spo[0], spo[1], spo[2])
        if triple in seen:
            continue
        seen.add(triple)
        subject, predicate, obj = triple
        subjects.add(subject)
        objects.add(obj)
        properties[predicate] += 1
        if predicate == _RDF_TYPE and obj.startswith("<"):
            classes[obj[1:-1]] += 1
    vocabularies = {namespace_of(p) for p in properties} | {namespace_of(c) for c in classes}
    return DatasetStats(
        triples=len(seen),
        entities=sum(1 for s in subjects if s.startswith("<")),
        distinct_subjects=len(subjects),
        distinct_objects=len(objects),
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
        vocabularies=tuple(sorted(vocabularies)),
        graphs=dict(sorted(graphs.items())),
    )


# The same counts as :func:`dataset_stats`, asked of the store (the engine counts; Python reads a few rows
# instead of every quad: at 10^6 triples seconds instead of a minute). Over the union default graph, with
# repeated triples counted once (the inner DISTINCT), except per graph.
# A subject is an IRI or a blank node, so "not blank" is "IRI": asked that way because Virtuoso 7 answers
# isIRI() true for its blank nodes (it stores them as IRI ids) and would count them as entities.
STATS_QUERIES: dict[str, str] = {
    "totals": """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } BIND(IF(isBlank(?s), ?unbound, ?s) AS ?e) }""",
    "properties": """SELECT ?key (COUNT(*) AS ?n)
WHERE { { SELECT DISTINCT ?s ?key ?o WHERE { ?s ?key ?o } } } GROUP BY ?key""",
    "classes": """SELECT ?key (COUNT(*) AS ?n)
WHERE { { SELECT DISTINCT ?s ?key WHERE { ?s a ?key FILTER(isIRI(?key)) } } } GROUP BY ?key""",
    "graphs": """SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?key { ?s ?p ?o } } GROUP BY ?key""",
}


def stats_from_answers(answers: Mapping[str, Sequence[Mapping[str, str]]]) -> DatasetStats:
    """Read the rows of :data:`STATS_QUERIES` (plain strings, like ``QueryResult.records()``)."""
    totals = answers["totals"][0] if answers["totals"] else {}

    def counted(name: str) -> dict[str, int]:
        return dict(sorted((row["key"], int(row["n"])) for row in answers[name] if row.get("key")))

    properties, classes = counted("properties"), counted("classes")
    vocabularies = {namespace_of(p) for p in properties} | {namespace_of(c) for c in classes}
    return DatasetStats(
        triples=int(totals.get("triples", 0)),
        entities=int(totals.get("entities", 0)),
        distinct_subjects=int(totals.get("subjects", 0)),
        distinct_objects=int(totals.get("objects", 0)),
        classes=classes,
        properties=properties,
        vocabularies=tuple(sorted(vocabularies)),
        graphs=counted("graphs"),
    )


def dump_files(dumps: Iterable[DumpInfo]) -> list[DumpInfo]:
    """The files that are RDF dumps of the whole dataset (VoID §6.5 ``void:dataDump``): ``kg.ttl``,
    ``kg.nq.gz``... The CSV tables, the IATI XML, the catalog and the JSON-LD context are published files
    too, but not dumps of this dataset in RDF: they are listed in the DCAT catalog only."""
    rdf_types = {m for fmt in RdfFormat for m in fmt.media_types}
    return [d for d in dumps if d.name.startswith(f"{DUMP_STEM}.") and d.media_type in rdf_types]


def dataset_iri(settings: Settings) -> URIRef:
    """The IRI of the dataset itself: the VoID document's ``#dataset``."""
    return URIRef(f"{settings.base_iri}.well-known/void#dataset")


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def void_graph(
    stats: DatasetStats,
    dumps: Sequence[DumpInfo],
    settings: Settings,
    endpoint_url: str | None,
    *,
    downloads_url: str | None = None,
    title: str = "kg-funding",
    modified: datetime | None = None,
    examples: Sequence[str] = (),
) -> Graph:
    """The VoID description: statistics, partitions, vocabularies, one ``void:dataDump`` per dump.

    :param downloads_url: where the dump files are served (default ``{base}downloads/``).
    :param examples: IRIs of typical resources (``void:exampleResource``).
    """
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    ds = dataset_iri(settings)
    graph.add((ds, RDF.type, VOID.Dataset))
    graph.add((ds, DCTERMS.title, Literal(title, lang="en")))
    graph.add((ds, VOID.uriSpace, Literal(settings.base_iri)))
    for example in examples:
        graph.add((ds, VOID.exampleResource, URIRef(example)))
    graph.add((ds, VOID.triples, _int(stats.triples)))
    graph.add((ds, VOID.entities, _int(stats.entities)))
    graph.add((ds, VOID.classes, _int(len(stats.classes))))
    graph.add((ds, VOID.properties, _int(len(stats.properties))))
    graph.add((ds, VOID.distinctSubjects, _int(stats.distinct_subjects)))
    graph.add((ds, VOID.distinctObjects, _int(stats.distinct_objects)))
    if modified is not None:
        graph.add((ds, DCTERMS.modified, Literal(modified.date(), datatype=XSD.date)))
    for vocabulary in stats.vocabularies:
        graph.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    if any(c.startswith(KG_ONTOLOGY) for c in stats.classes):
        graph.add((ds, DCTERMS.conformsTo, URIRef(KG_ONTOLOGY)))
    if endpoint_url:
        graph.add((ds, VOID.sparqlEndpoint, URIRef(endpoint_url)))
    base = downloads_url or f"{settings.base_iri}downloads/"
    for dump in dump_files(dumps):
        url = URIRef(f"{base}{dump.name}")
        graph.add((ds, VOID.dataDump, url))
        graph.add((url, DCTERMS["format"], Literal(dump.media_type)))
        if dump.encoding:
            graph.add((url, DCTERMS["format"], Literal(f"application/{dump.encoding}")))
    for cls, count in stats.classes.items():
        part = BNode()
        graph.add((ds, VOID.classPartition, part))
        graph.add((part, VOID["class"], URIRef(cls)))
        graph.add((part, VOID.entities, _int(count)))
    for prop, count in stats.properties.items():
        part = BNode()
        graph.add((ds, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(prop)))
        graph.add((part, VOID.triples, _int(count)))
    return graph
