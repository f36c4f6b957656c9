"""kg.dataset_jsonld: the schema.org Dataset for Google Dataset Search, without an app.

Google's required properties (name, description of 50-5000 characters) and recommended ones
(shared/reference/open-data-portals.md §5), in each page language, saying what the DCAT catalog says.
"""

from __future__ import annotations

import doctest
import json
from datetime import date, datetime
from typing import Any

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

import kg.dataset_jsonld
from kg.catalog import catalog_graph
from kg.catalog_stats import CatalogStats, catalog_stats
from kg.catalog_terms import DCAT, KEYWORDS, OGL, TEXT
from kg.dataset_jsonld import MAX_DESCRIPTION, MIN_DESCRIPTION, schema_org_dataset, temporal_coverage
from kg.dumps import DumpInfo
from kg.formats import RdfFormat
from kg.settings import DEFAULT_BASE_IRI, Settings

BASE = DEFAULT_BASE_IRI
SITE = "http://127.0.0.1:5000/"
MODIFIED = datetime(2026, 11, 30, 11, 12, 13)
FILES = [
    DumpInfo("kg.ttl", RdfFormat.TURTLE.media_type, 1000, "ab" * 32),
    DumpInfo("kg.ttl.gz", RdfFormat.TURTLE.media_type, 100, "cd" * 32, "gzip"),
    DumpInfo("kg.nq", RdfFormat.NQUADS.media_type, 2000, "ef" * 32),
    DumpInfo("projects.csv", "text/csv", 5000, "01" * 32),
]
REQUIRED = ("name", "description")
RECOMMENDED = (
    "url",
    "identifier",
    "license",
    "creator",
    "publisher",
    "distribution",
    "spatialCoverage",
    "temporalCoverage",
    "keywords",
    "inLanguage",
    "isAccessibleForFree",
    "version",
    "dateModified",
)


@pytest.fixture(scope="module")
def stats(dataset: Dataset) -> CatalogStats:
    return catalog_stats(dataset)


def _doc(stats: CatalogStats, lang: str) -> dict[str, Any]:
    return schema_org_dataset(
        stats,
        FILES,
        lang=lang,
        base_iri=BASE,
        version="0.1.0",
        published=MODIFIED,
        modified=MODIFIED,
        site_url=SITE,
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_required_and_recommended_properties(stats: CatalogStats, lang: str) -> None:
    doc = _doc(stats, lang)
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    for key in (*REQUIRED, *RECOMMENDED):
        assert doc.get(key) not in (None, "", [], {}), key
    assert MIN_DESCRIPTION <= len(doc["description"]) <= MAX_DESCRIPTION
    assert doc["url"] == SITE
    assert doc["identifier"] == doc["@id"] == f"{BASE}dataset/kg-funding"
    assert doc["license"] == str(OGL)
    assert doc["inLanguage"] == ["en", "fr"]
    assert doc["isAccessibleForFree"] is True
    assert doc["version"] == "0.1.0"
    assert doc["dateModified"] == "2026-11-30T11:12:13"
    assert json.loads(json.dumps(doc)) == doc  # plain JSON: the page writes it with |tojson


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_texts_follow_the_page_language(stats: CatalogStats, lang: str) -> None:
    doc = _doc(stats, lang)
    other = "fr" if lang == "en" else "en"
    assert doc["name"] == TEXT["dataset"][lang]
    assert doc["alternateName"] == TEXT["dataset"][other]
    assert doc["description"] == TEXT["dataset-description"][lang].format(projects=13, releases=1)
    assert set(KEYWORDS[lang]) <= set(doc["keywords"])
    assert not set(KEYWORDS[other]) & set(doc["keywords"])
    assert doc["publisher"]["name"] == TEXT["publisher"][lang]
    places = {place["name"] for place in doc["spatialCoverage"]}
    assert {"en": "Central America", "fr": "Amérique centrale"}[lang] in places
    assert all(place["@type"] == "Place" for place in doc["spatialCoverage"])


def test_creator_and_publisher_are_organisations_with_name_and_url(stats: CatalogStats) -> None:
    doc = _doc(stats, "en")
    for agent in (doc["creator"], doc["publisher"]):
        assert agent["@type"] == "Organization"
        assert agent["name"] and agent["url"].startswith(SITE)
    assert doc["publisher"]["@id"] == f"{BASE}organization/dfait"
    assert doc["publisher"]["url"] == f"{SITE}organization/dfait"  # the IRI, where this site serves it
    assert doc["includedInDataCatalog"]["url"] == f"{SITE}catalog"


def test_one_data_download_per_file(stats: CatalogStats) -> None:
    downloads = _doc(stats, "en")["distribution"]
    assert [d["contentUrl"] for d in downloads] == [f"{SITE}downloads/{f.name}" for f in FILES]
    assert [d["encodingFormat"] for d in downloads] == [f.media_type for f in FILES]
    assert all(d["@type"] == "DataDownload" for d in downloads)
    assert downloads[1]["name"] == "Turtle dump (gzip): kg.ttl.gz"
    assert _doc(stats, "fr")["distribution"][0]["name"] == "Vidage Turtle : kg.ttl"


def test_says_what_the_dcat_catalog_says(stats: CatalogStats) -> None:
    catalog: Graph = catalog_graph(
        Settings(),
        FILES,
        stats,
        endpoint_url=f"{SITE}sparql",
        landing_url=SITE,
        issued=MODIFIED,
        modified=MODIFIED,
        version="0.1.0",
        download_base=f"{SITE}downloads/",
    )
    for lang in ("en", "fr"):
        doc = _doc(stats, lang)
        dataset = URIRef(doc["@id"])
        assert (dataset, DCTERMS.title, Literal(doc["name"], lang=lang)) in catalog
        assert (dataset, DCTERMS.description, Literal(doc["description"], lang=lang)) in catalog
        assert catalog.value(dataset, DCAT.landingPage) == URIRef(doc["url"])
        assert {URIRef(d["contentUrl"]) for d in doc["distribution"]} == set(
            catalog.objects(None, DCAT.downloadURL)
        )
        assert {URIRef(p["@id"]) for p in doc["spatialCoverage"]} == set(
            catalog.objects(dataset, DCTERMS.spatial)
        )


def test_temporal_coverage() -> None:
    assert temporal_coverage(date(2011, 6, 22), date(2011, 6, 22)) == "2011-06-22"
    assert temporal_coverage(date(2011, 6, 22), date(2012, 1, 5)) == "2011-06-22/2012-01-05"
    assert temporal_coverage(None, None) is None


def test_defaults_and_refusals(stats: CatalogStats) -> None:
    doc = schema_org_dataset(
        stats,
        [],
        lang="en",
        base_iri=BASE,
        version="1",
        published=date(2026, 1, 1),
        modified=date(2026, 1, 2),
    )
    assert doc["url"] == BASE and doc["distribution"] == []
    assert doc["dateModified"] == "2026-01-02"
    empty = CatalogStats(0, 0, 0, 0, None, None, (), ())
    bare = schema_org_dataset(
        empty,
        [],
        lang="fr",
        base_iri=BASE,
        version="1",
        published=date(2026, 1, 1),
        modified=date(2026, 1, 1),
    )
    assert "temporalCoverage" not in bare and "spatialCoverage" not in bare
    with pytest.raises(ValueError, match="language"):
        schema_org_dataset(
            stats,
            [],
            lang="de",
            base_iri=BASE,
            version="1",
            published=date(2026, 1, 1),
            modified=date(2026, 1, 1),
        )


def test_doctests() -> None:
    failures, tried = doctest.testmod(kg.dataset_jsonld)
    assert tried > 0 and failures == 0
