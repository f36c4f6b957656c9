"""`kg build` writes the exports and the catalog into the same atomic build, listed in its manifest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.catalog_terms import DCAT, SPDX
from kg.dumps import read_manifest, write_dumps
from kg.exports.csvw import SUBGRAPH_QUERY
from kg.exports.files import export_files
from kg.settings import Settings

EXPORTS = {
    "projects.csv",
    "project-links.csv",
    "organisations.csv",
    "csv-metadata.json",
    "csv-metadata.rq",
    "iati-activities.xml",
    "opencanada.json",
    "catalog.ttl",
    "catalog.jsonld",
}


@pytest.fixture(scope="module")
def dist(dataset: Dataset, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    when = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    write_dumps(dataset, out, extra=lambda staging: export_files(dataset, settings, staging, when=when))
    return out


def test_every_export_is_written_and_in_the_manifest(dist: Path) -> None:
    names = {info.name for info in read_manifest(dist)}
    assert names >= EXPORTS
    assert {p.name for p in dist.iterdir()} >= EXPORTS
    checksums = (dist / "SHA256SUMS").read_text("utf-8")
    assert all(f"  {name}\n" in checksums for name in EXPORTS)


def test_the_catalog_describes_the_files_of_this_build(dist: Path, settings: Settings) -> None:
    catalog = Graph().parse(dist / "catalog.ttl", format="turtle")
    assert isomorphic(catalog, Graph().parse(dist / "catalog.jsonld", format="json-ld"))
    described = {}
    for distribution in catalog.subjects(DCAT.downloadURL, None):
        url = str(catalog.value(distribution, DCAT.downloadURL))
        described[url.rsplit("/", 1)[1]] = distribution
    manifest = {info.name: info for info in read_manifest(dist)}
    data_files = {n for n in manifest if n.startswith("kg.")} | {
        "projects.csv",
        "project-links.csv",
        "organisations.csv",
        "csv-metadata.json",
        "iati-activities.xml",
    }
    assert set(described) == data_files
    for name, node in described.items():
        info = manifest[name]
        assert catalog.value(node, DCAT.byteSize) == Literal(info.size, datatype=XSD.nonNegativeInteger)
        checksum = catalog.value(node, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == info.sha256, name
    assert (
        URIRef(f"{settings.base_iri}service/sparql"),
        DCAT.endpointURL,
        URIRef(f"{settings.base_iri}sparql"),
    ) in (catalog)


def test_the_portal_record_lists_the_same_files(dist: Path) -> None:
    record = json.loads((dist / "opencanada.json").read_text("utf-8"))
    urls = {r["url"].rsplit("/", 1)[1] for r in record["resources"]}
    assert "iati-activities.xml" in urls and "kg.ttl" in urls and "opencanada.json" not in urls
    assert record["date_modified"] == "2026-12-01"


def test_the_subgraph_query_is_published_next_to_the_metadata(dist: Path) -> None:
    assert (dist / "csv-metadata.rq").read_text("utf-8") == SUBGRAPH_QUERY
