"""The catalog's figures counted on what named graphs add (``added_stats``, what ``kg add`` counts) are the
figures counted on the whole store (``store_stats``), and survive the JSON a build keeps them in."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef

from add.support import project_with_synthetic
from kg.assets import load_ontology
from kg.catalog_stats import added_stats, read_stats_json, stats_json, store_stats, without_graphs
from kg.formats import RdfFormat
from kg.iris import Iris
from kg.mapping import build_dataset
from kg.settings import Settings
from kg.store import KgStore
from kg.vocab import RDF, SCHEMA


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The project's records and four synthetic releases, built (their regions and themes differ)."""
    project = project_with_synthetic(tmp_path_factory.mktemp("stats") / "data", 4, seed=5)
    iris = Iris(Settings().base_iri)
    return build_dataset(project.releases, project.reference, load_ontology(), iris, project.translations)


_UNION = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"


def _store(dataset: Dataset, graphs: list[str]) -> KgStore:
    store = KgStore()
    for name in graphs:
        data = dataset.graph(URIRef(name)).serialize(format="nt").encode("utf-8")
        store.load(data, RdfFormat.NTRIPLES, graph=name)
    return store


def _size(store: KgStore) -> int:
    return int(store.query(_UNION).records()[0]["n"])


def _names(dataset: Dataset) -> list[str]:
    return sorted(str(g.identifier) for g in dataset.graphs() if len(g) and "/graph/" in str(g.identifier))


@pytest.mark.parametrize("share", ["one release", "every release"])
def test_added_graphs_give_the_figures_of_the_whole_store(dataset: Dataset, share: str) -> None:
    names = _names(dataset)
    releases = [n for n in names if not n.endswith(("/graph/reference", "/graph/ontology"))]
    assert len(releases) >= 2
    new = releases[:1] if share == "one release" else releases
    store = _store(dataset, [n for n in names if n not in new])
    before = store_stats(store, _size(store))
    for name in new:
        data = dataset.graph(URIRef(name)).serialize(format="nt").encode("utf-8")
        store.load(data, RdfFormat.NTRIPLES, graph=name)
    whole = store_stats(store, _size(store))
    assert whole.releases > before.releases and whole.projects > before.projects
    assert added_stats(store, new, before, whole.triples) == whole


def test_a_graph_restating_known_subjects_adds_nothing_to_their_counts(dataset: Dataset) -> None:
    names = _names(dataset)
    store = _store(dataset, names)
    before = store_stats(store, _size(store))
    # A new graph typing the same releases and projects again (as a translation's graph does): counted once.
    copy = "https://w3id.org/kg-funding/graph/restated"
    release = next(n for n in names if not n.endswith(("/graph/reference", "/graph/ontology")))
    store.load(
        dataset.graph(URIRef(release)).serialize(format="nt").encode("utf-8"), RdfFormat.NTRIPLES, graph=copy
    )
    assert added_stats(store, [copy], before, before.triples) == store_stats(store, before.triples) == before


def test_the_figures_survive_their_json(dataset: Dataset) -> None:
    store = _store(dataset, _names(dataset))
    stats = store_stats(store, _size(store))
    assert stats.regions and stats.themes and stats.first_published is not None
    assert read_stats_json(stats_json(stats)) == stats
    assert read_stats_json("{}") is None and read_stats_json("not json") is None


def test_a_replaced_graph_is_taken_away_then_counted_again(dataset: Dataset) -> None:
    names = _names(dataset)
    reference = next(n for n in names if n.endswith("/graph/reference"))
    old = _store(dataset, names)
    before = store_stats(old, _size(old))
    # The reference graph as a record proposing an organisation leaves it: one more, and one it had gone.
    graph = dataset.graph(URIRef(reference))
    organizations = sorted(graph.subjects(RDF.type, SCHEMA.Organization))
    replaced = Graph()
    for triple in graph:
        if triple[0] != organizations[0]:
            replaced.add(triple)
    proposed = URIRef("https://w3id.org/kg-funding/organization/justice-education-society")
    replaced.add((proposed, RDF.type, SCHEMA.Organization))
    new = _store(dataset, [n for n in names if n != reference])
    new.load(replaced.serialize(format="nt").encode("utf-8"), RdfFormat.NTRIPLES, graph=reference)
    whole = store_stats(new, _size(new))
    kept = without_graphs(before, old, [reference])
    assert kept is not None and kept.organizations < before.organizations
    assert added_stats(new, [reference], kept, whole.triples) == whole
    # A replaced release graph took away dates, regions and themes: they are counted whole.
    release = next(n for n in names if n not in (reference,) and not n.endswith("/graph/ontology"))
    assert without_graphs(before, old, [release]) is None
