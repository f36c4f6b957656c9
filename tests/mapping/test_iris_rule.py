"""Every IRI the build mints follows the IRI rule, under whatever base IRI is configured."""

from __future__ import annotations

from dataclasses import replace

from rdflib import Dataset, URIRef

from kg.iris import Iris
from kg.project import build_project
from kg.settings import DEFAULT_BASE_IRI, Settings
from kg.vocab import KG_ONTOLOGY


def _minted(dataset: Dataset, base: str) -> set[str]:
    return {
        str(term).split("#", 1)[0]
        for quad in dataset.quads((None, None, None, None))
        if not str(quad[3]).endswith("graph/ontology")  # the ontology is fixed, not minted per base
        for term in quad[:3]
        if isinstance(term, URIRef) and str(term).startswith(base) and not str(term).startswith(KG_ONTOLOGY)
    }


def test_every_minted_iri_parses_back_to_kind_and_key(dataset: Dataset) -> None:
    iris = Iris(DEFAULT_BASE_IRI)
    minted = _minted(dataset, DEFAULT_BASE_IRI)
    assert len(minted) > 200
    bad = sorted(i for i in minted if iris.parse(i) is None)
    assert not bad, bad[:5]


def test_the_readme_example_iri_exists(dataset: Dataset) -> None:
    iri = URIRef(f"{DEFAULT_BASE_IRI}project/interpol-mobile-police-training-program")
    assert any(True for _ in dataset.quads((iri, None, None, None)))


def test_base_iri_is_configurable(settings: Settings) -> None:
    base = "http://data.example.org/funding/"
    dataset = build_project(replace(settings, base_iri=base))
    assert not _minted(dataset, DEFAULT_BASE_IRI)
    minted = _minted(dataset, base)
    assert f"{base}project/interpol-mobile-police-training-program" in minted
    assert f"{base}graph/reference" in {str(g.identifier) for g in dataset.graphs()}
