"""The DCAT catalog (kg.catalog): its content, its paging, and conformance to the official DCAT-AP shapes.

The shapes are the unmodified SEMICeu files in shared/external/dcat-ap/ (README there), validated with
pyshacl, no inference, no owl:imports (reference/pitfalls.md item 7).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SH, SKOS, XSD

from kg.catalog import catalog_graph, paging
from kg.catalog_stats import (
    STATS_QUERY,
    CatalogStats,
    catalog_stats,
    stats_from_records,
    stats_statements,
    store_stats,
)
from kg.catalog_terms import DCAT, HYDRA, OGL, SPDX
from kg.dumps import DumpInfo, serialize
from kg.formats import RdfFormat
from kg.settings import DEFAULT_BASE_IRI, Settings
from kg.store import KgStore

ROOT = Path(__file__).resolve().parents[1]
DCAT_AP = ROOT.parent / "shared" / "external" / "dcat-ap"
needs_shapes = pytest.mark.skipif(
    not DCAT_AP.is_dir(), reason=f"DCAT-AP shapes not found at {DCAT_AP} (the shared/ folder is absent)"
)
BASE = DEFAULT_BASE_IRI
ENDPOINT = "https://kg.example.org/sparql"
LANDING = "https://kg.example.org/"


def _files() -> list[DumpInfo]:
    files = []
    for fmt in RdfFormat:
        files.append(DumpInfo(f"kg.{fmt.extension}", fmt.media_type, 1000, "ab" * 32))
        files.append(DumpInfo(f"kg.{fmt.extension}.gz", fmt.media_type, 100, "cd" * 32, "gzip"))
    files.append(DumpInfo("projects.csv", "text/csv", 5000, "ef" * 32))
    files.append(DumpInfo("csv-metadata.json", "application/csvm+json", 4000, "01" * 32))
    files.append(DumpInfo("iati-activities.xml", "application/xml", 9000, "23" * 32))
    return files


FILES = _files()


@pytest.fixture(scope="module")
def stats(dataset: Dataset) -> CatalogStats:
    return catalog_stats(dataset)


def _catalog(settings: Settings, stats: CatalogStats, **options: object) -> Graph:
    return catalog_graph(
        settings,
        FILES,
        stats,
        endpoint_url=ENDPOINT,
        landing_url=LANDING,
        issued=date(2026, 11, 30),
        modified=date(2026, 12, 1),
        version="0.1.0",
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def catalog(settings: Settings, stats: CatalogStats) -> Graph:
    return _catalog(settings, stats)


def test_stats_come_from_the_data(stats: CatalogStats) -> None:
    assert (stats.releases, stats.projects) == (1, 13)
    assert stats.first_published == stats.last_published == date(2011, 6, 22)
    regions = {r.iri: r.labels for r in stats.regions}
    assert regions[f"{BASE}m49/013"] == {"en": "Central America", "fr": "Amérique centrale"}
    assert f"{BASE}region/latin-america" in regions
    assert len(stats.themes) == 15 and all(set(t.labels) == {"en", "fr"} for t in stats.themes)


def test_the_store_gives_the_same_stats(dataset: Dataset, stats: CatalogStats) -> None:
    store = KgStore()
    store.load(serialize(dataset, RdfFormat.NQUADS), RdfFormat.NQUADS)
    from_store = stats_from_records(store.query(STATS_QUERY).records(), triples=stats.triples)
    assert from_store == stats
    assert store_stats(store, stats.triples) == stats  # what the build writes into the catalog


def test_the_statements_the_stats_read_give_the_same_stats(dataset: Dataset, stats: CatalogStats) -> None:
    nquads = serialize(dataset, RdfFormat.NQUADS)
    read = stats_statements(nquads)
    assert 0 < len(read) < len(nquads) // 4
    assert all(line in nquads.splitlines() for line in read.splitlines())
    store = KgStore()
    store.load(read, RdfFormat.NQUADS)
    assert store_stats(store, stats.triples) == stats
    # Read in blocks of whole lines (kg.nq as kg build reads it), the same statements in the same order.
    lines = nquads.splitlines(keepends=True)
    assert stats_statements(b"".join(lines[i : i + 7]) for i in range(0, len(lines), 7)) == read


def test_a_predicate_quoted_in_a_literal_is_not_read() -> None:
    date = "<https://schema.org/datePublished>"
    nquads = (
        f'<http://x/a> <http://x/says> " {date} " <http://x/g> .\n'
        f'<http://x/b> {date} "2011-06-22" <http://x/g> .'  # the last line, without its newline
    ).encode()
    assert stats_statements(nquads) == f'<http://x/b> {date} "2011-06-22" <http://x/g> .\n'.encode()


def test_one_distribution_per_file_with_size_checksum_and_types(catalog: Graph) -> None:
    dataset = URIRef(f"{BASE}dataset/kg-funding")
    distributions = set(catalog.objects(dataset, DCAT.distribution))
    downloads = {catalog.value(d, DCAT.downloadURL): d for d in distributions}
    assert len(distributions) == len(FILES) + 1  # + the SPARQL endpoint
    for info in FILES:
        node = downloads[URIRef(f"{BASE}downloads/{info.name}")]
        assert catalog.value(node, DCAT.accessURL) == URIRef(f"{BASE}downloads/{info.name}")
        media = catalog.value(node, DCAT.mediaType)
        assert media == URIRef(f"https://www.iana.org/assignments/media-types/{info.media_type}")
        assert (media, RDF.type, DCTERMS.MediaType) in catalog
        assert catalog.value(node, DCAT.byteSize) == Literal(info.size, datatype=XSD.nonNegativeInteger)
        checksum = catalog.value(node, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == info.sha256
        assert (catalog.value(node, DCTERMS.format), RDF.type, DCTERMS.MediaTypeOrExtent) in catalog
        assert (catalog.value(node, DCAT.compressFormat) is not None) == (info.encoding == "gzip")


def test_sparql_endpoint_is_a_data_service_reached_from_a_distribution(catalog: Graph) -> None:
    service = URIRef(f"{BASE}service/sparql")
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert catalog.value(service, DCAT.endpointDescription) == URIRef(ENDPOINT)
    assert catalog.value(service, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    assert catalog.value(service, DCAT.servesDataset) == URIRef(f"{BASE}dataset/kg-funding")
    access = catalog.value(predicate=DCAT.accessService, object=service)
    assert (URIRef(f"{BASE}dataset/kg-funding"), DCAT.distribution, access) in catalog
    assert (URIRef(f"{BASE}catalog/kg-funding"), DCAT.service, service) in catalog


def test_open_government_licence_on_catalog_distributions_and_service(catalog: Graph) -> None:
    assert (OGL, RDF.type, DCTERMS.LicenseDocument) in catalog
    licensed = set(catalog.subjects(DCTERMS.license, OGL))
    distributions = set(catalog.subjects(RDF.type, DCAT.Distribution))
    assert distributions <= licensed
    assert {URIRef(f"{BASE}catalog/kg-funding"), URIRef(f"{BASE}service/sparql")} <= licensed


def test_publisher_contact_coverage_and_themes(catalog: Graph) -> None:
    dataset = URIRef(f"{BASE}dataset/kg-funding")
    publisher = catalog.value(dataset, DCTERMS.publisher)
    assert {FOAF.Agent, FOAF.Organization} <= set(catalog.objects(publisher, RDF.type))
    assert Literal("Affaires mondiales Canada", lang="fr") in set(catalog.objects(publisher, FOAF.name))
    assert catalog.value(dataset, DCAT.contactPoint) is not None
    period = catalog.value(dataset, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) == Literal("2011-06-22", datatype=XSD.date)
    assert URIRef(f"{BASE}m49/013") in set(catalog.objects(dataset, DCTERMS.spatial))
    themes = set(catalog.objects(dataset, DCAT.theme))
    eu = "http://publications.europa.eu/resource/authority/data-theme/"
    assert {URIRef(f"{eu}JUST"), URIRef(f"{eu}GOVE")} <= themes
    assert URIRef(f"{BASE}theme/human-trafficking") in themes
    assert catalog.value(dataset, DCAT.version) == Literal("0.1.0")
    assert catalog.value(dataset, DCTERMS.conformsTo) == URIRef("https://w3id.org/kg-funding/ontology")
    keywords = Counter(k.language for k in catalog.objects(dataset, DCAT.keyword) if isinstance(k, Literal))
    assert keywords["en"] == keywords["fr"] > 10


def test_every_text_is_in_english_and_french_once(catalog: Graph) -> None:
    problems = []
    for predicate in (DCTERMS.title, DCTERMS.description, SKOS.prefLabel, FOAF.name):
        for subject in set(catalog.subjects(predicate, None)):
            langs = Counter(o.language for o in catalog.objects(subject, predicate) if isinstance(o, Literal))
            if langs != Counter({"en": 1, "fr": 1}):
                problems.append(f"{subject} {predicate}: {dict(langs)}")
    assert not problems, "\n".join(problems)


def test_turtle_and_json_ld_carry_the_same_graph(catalog: Graph) -> None:
    for fmt in ("turtle", "json-ld", "xml"):
        assert isomorphic(Graph().parse(data=catalog.serialize(format=fmt), format=fmt), catalog), fmt


def test_paging_arithmetic_and_a_next_chain_that_ends() -> None:
    page, seen = paging(250, 1, 100), []
    while True:
        seen.append((page.number, page.window()))
        if page.next is None:
            break
        page = paging(250, page.next, 100)
    assert [n for n, _ in seen] == [1, 2, 3]
    assert seen[-1][1] == slice(200, 300)
    assert paging(0, 1, 100).last == 1  # an empty catalog still has its first page
    for total, number, size in ((250, 4, 100), (250, 0, 100), (10, 1, 0)):
        with pytest.raises(ValueError):
            paging(total, number, size)


def test_hydra_view_as_ckanext_dcat_reads_it(settings: Settings, stats: CatalogStats, catalog: Graph) -> None:
    views = set(catalog.subjects(RDF.type, HYDRA.PagedCollection))
    assert views == {URIRef(f"{LANDING}catalog.ttl?page=1")}
    view = views.pop()
    assert (view, RDF.type, HYDRA.PartialCollectionView) in catalog
    assert catalog.value(view, HYDRA.first) == catalog.value(view, HYDRA.last) == view
    assert catalog.value(view, HYDRA.next) is None  # one dataset: the harvester stops after this page
    assert catalog.value(view, HYDRA.totalItems) == Literal(1)
    with pytest.raises(ValueError):
        _catalog(settings, stats, page=2)


# --- DCAT-AP conformance --------------------------------------------------------------------------------

# Recommended properties we cannot give: no geometry for M49 regions (dcat:bbox, dcat:centroid of a Location).
ALLOWED_RECOMMENDED = {str(DCAT.bbox), str(DCAT.centroid)}
# mdr-vocabularies warnings that any non-EU publisher gets: the publisher is not an EU corporate body, M49
# regions are not EU places or countries, our own SKOS themes are not EU data themes.
ALLOWED_MDR_WARNINGS = {str(DCTERMS.publisher), str(DCTERMS.spatial), str(DCAT.theme)}
# Known upstream inconsistency, not ours: mdr-vocabularies.shape.ttl (3.0.1) requires spdx:algorithm to match
# "^https://spdx.org/rdf/terms", while the SPDX namespace that the same release's shapes.ttl uses (and 2.1.1's
# sh:hasValue spdx:checksumAlgorithm_sha1) is http://spdx.org/rdf/terms#. No IRI can satisfy both.
EXPECTED_MDR_VIOLATIONS = {str(SPDX.algorithm)}


def _results(data: Graph, *files: str) -> list[tuple[str, str]]:
    shapes = Graph()
    for name in files:
        shapes.parse(DCAT_AP / name, format="turtle")
    _, report, _ = validate(
        data, shacl_graph=shapes, inference="none", do_owl_imports=False, allow_warnings=True, advanced=False
    )
    # Only the top-level results: nested sh:detail results belong to the result that holds them.
    return [
        (str(report.value(r, SH.resultSeverity)), str(report.value(r, SH.resultPath)))
        for r in report.objects(None, SH.result)
    ]


PROFILES = {
    "dcat-ap-3": ("3.0.1/shapes.ttl", "3.0.1/range.ttl", "3.0.1/shapes_recommended.ttl"),
    "dcat-ap-2": (
        "2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl",
        "2.1.1/dcat-ap_2.1.1_shacl_range.ttl",
        "2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl",
    ),
}
MDR = {
    "dcat-ap-3": "3.0.1/mdr-vocabularies.shape.ttl",
    "dcat-ap-2": "2.1.1/dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl",
}


@needs_shapes
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_conforms_to_dcat_ap_mandatory_and_range_shapes(
    settings: Settings, stats: CatalogStats, profile: str
) -> None:
    mandatory, ranges, _ = PROFILES[profile]
    assert _results(_catalog(settings, stats, profile=profile), mandatory, ranges) == []


@needs_shapes
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_recommended_properties_present_except_geometry(
    settings: Settings, stats: CatalogStats, profile: str
) -> None:
    results = _results(_catalog(settings, stats, profile=profile), PROFILES[profile][2])
    assert {severity for severity, _ in results} <= {str(SH.Warning)}
    assert {path for _, path in results} <= ALLOWED_RECOMMENDED


@needs_shapes
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_controlled_vocabularies(settings: Settings, stats: CatalogStats, profile: str) -> None:
    results = _results(_catalog(settings, stats, profile=profile), MDR[profile])
    violations = {path for severity, path in results if severity == str(SH.Violation)}
    warnings = {path for severity, path in results if severity == str(SH.Warning)}
    assert violations <= EXPECTED_MDR_VIOLATIONS
    assert warnings <= ALLOWED_MDR_WARNINGS


@needs_shapes
def test_the_shapes_catch_a_broken_catalog(catalog: Graph) -> None:
    """A shape that cannot fire looks like conforming data: remove a mandatory title and a range type."""
    broken = Graph()
    for triple in catalog:
        broken.add(triple)
    broken.remove((URIRef(f"{BASE}catalog/kg-funding"), DCTERMS.title, None))
    broken.remove((OGL, RDF.type, DCTERMS.LicenseDocument))
    mandatory, ranges, _ = PROFILES["dcat-ap-3"]
    paths = {path for severity, path in _results(broken, mandatory, ranges) if severity == str(SH.Violation)}
    assert {str(DCTERMS.title), str(DCTERMS.license)} <= paths
