"""The DCAT description of the published data: catalog, dataset, one distribution per file, SPARQL service.

Pure: values in, an rdflib graph out; no file, network or store access. Targets DCAT-AP 3.0.1
(https://semiceu.github.io/DCAT-AP/releases/3.0.1/) and what ckanext-dcat's RDF harvester reads
(shared/reference/open-data-portals.md §1-2): every linked object carries its ``rdf:type`` (SHACL checks
``sh:class`` without inference), the licence is on each distribution, the SPARQL endpoint is a
``dcat:DataService`` reached from a distribution through ``dcat:accessService``, and pages chain with Hydra
``next`` links.
Statistics come from the data (``kg.catalog_stats``); every text is in English and French.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kg.catalog_stats import CatalogStats
from kg.catalog_terms import (
    ATTRIBUTION,
    AVAILABLE,
    CATALOG_KEY,
    CONCEPTS,
    DCAT,
    DCATAP,
    EU,
    EU_THEMES,
    FILE_KINDS,
    HYDRA,
    IANA,
    IRREGULAR,
    KEYWORDS,
    LANGUAGES,
    NATIONAL_AUTHORITY,
    OGL,
    OGL_SPDX,
    OTHER_FILE,
    PREFIXES,
    SCHEMES,
    SPARQL_PROTOCOL,
    SPDX,
    TEXT,
    VCARD,
    Profile,
    Texts,
)
from kg.iris import Iris, slugify
from kg.settings import Settings
from kg.vocab import KG_ONTOLOGY


class FileInfo(Protocol):
    """What the catalog needs to know of one published file (``kg.dumps.DumpInfo`` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def media_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def encoding(self) -> str | None: ...


@dataclass(frozen=True)
class Page:
    """One page of a catalog that lists ``total`` datasets ``size`` at a time; pages count from 1."""

    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.last else None

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    def window(self) -> slice:
        return slice((self.number - 1) * self.size, self.number * self.size)


def paging(total: int, page: int, page_size: int) -> Page:
    """Check a page request; :raises ValueError: for a page size below 1 or a page past the last."""
    if page_size < 1:
        raise ValueError(f"page size must be at least 1, got {page_size}")
    result = Page(page, page_size, total)
    if not 1 <= page <= result.last:
        raise ValueError(f"page {page} does not exist: pages run from 1 to {result.last}")
    return result


def _texts(g: Graph, s: URIRef, p: URIRef, values: Texts) -> None:
    for lang, text in sorted(values.items()):
        g.add((s, p, Literal(text, lang=lang)))


def _typed(g: Graph, node: URIRef, *classes: URIRef) -> URIRef:
    for cls in classes:
        g.add((node, RDF.type, cls))
    return node


def _code(g: Graph, iri: str, *classes: URIRef) -> URIRef:
    """A code of a controlled vocabulary (``CONCEPTS``), typed, labelled and placed in its typed scheme."""
    labels, scheme = CONCEPTS[iri]
    node = _concept(g, URIRef(iri), labels, _scheme(g, URIRef(scheme), SCHEMES[scheme]), *classes)
    return node


def _concept(g: Graph, node: URIRef, labels: Texts, scheme: URIRef, *classes: URIRef) -> URIRef:
    _typed(g, node, SKOS.Concept, *classes)
    _texts(g, node, SKOS.prefLabel, labels)
    g.add((node, SKOS.inScheme, scheme))
    return node


def _scheme(g: Graph, node: URIRef, title: Texts) -> URIRef:
    _typed(g, node, SKOS.ConceptScheme)
    _texts(g, node, DCTERMS.title, title)
    return node


def _file_type(g: Graph, code: str) -> URIRef:
    node = _typed(g, URIRef(f"{EU}file-type/{code}"), DCTERMS.MediaTypeOrExtent)
    g.add((node, SKOS.inScheme, _scheme(g, URIRef(f"{EU}file-type"), SCHEMES[f"{EU}file-type"])))
    return node


def _when(value: date | datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime if isinstance(value, datetime) else XSD.date)


@dataclass(frozen=True)
class _Context:
    """The graph being written and the nodes every part of the catalog points to."""

    g: Graph
    iris: Iris
    licence: URIRef
    publisher: URIRef
    contact: URIRef
    dataset: URIRef


def _common(g: Graph, iris: Iris, landing_url: str, contact_email: str | None) -> _Context:
    licence = _typed(g, OGL, DCTERMS.LicenseDocument)
    _texts(g, licence, DCTERMS.title, TEXT["licence"])
    g.add((licence, DCTERMS.type, _code(g, ATTRIBUTION)))
    g.add((licence, RDFS.seeAlso, URIRef("https://open.canada.ca/fr/licence-du-gouvernement-ouvert-canada")))
    g.add((licence, RDFS.seeAlso, OGL_SPDX))
    # The department that made the announcements: DFAIT in 2011, Global Affairs Canada since 2015 (IATI CA-3).
    publisher = _typed(g, iris.mint("organization", "dfait"), FOAF.Agent, FOAF.Organization)
    _texts(g, publisher, FOAF.name, TEXT["publisher"])
    _texts(g, publisher, RDFS.comment, TEXT["publisher-note"])
    g.add((publisher, DCTERMS.identifier, Literal("CA-3")))
    g.add((publisher, DCTERMS.type, _code(g, NATIONAL_AUTHORITY)))
    contact = _typed(g, URIRef(f"{iris.base}catalog/{CATALOG_KEY}#contact"), VCARD.Kind, VCARD.Organization)
    g.add((contact, VCARD.fn, Literal("kg-funding")))
    if contact_email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contact_email}")))
    g.add((contact, VCARD.hasURL, URIRef(landing_url)))
    return _Context(g, iris, licence, publisher, contact, iris.mint("dataset", CATALOG_KEY))


def _distribution(ctx: _Context, info: FileInfo, url: str, issued: Literal, profile: Profile) -> URIRef:
    g = ctx.g
    node = _typed(g, ctx.iris.mint("distribution", slugify(info.name)), DCAT.Distribution)
    kind = FILE_KINDS.get(info.media_type, OTHER_FILE)
    gz = {"en": " (gzip)", "fr": " (compressé gzip)"} if info.encoding == "gzip" else {"en": "", "fr": ""}
    colon = {"en": ":", "fr": " :"}  # French typography: a space before the colon
    _texts(g, node, DCTERMS.title, {k: f"{kind.label[k]}{gz[k]}{colon[k]} {info.name}" for k in colon})
    _texts(g, node, DCTERMS.description, kind.description)
    g.add((node, DCAT.downloadURL, URIRef(url)))
    g.add((node, DCAT.accessURL, URIRef(url)))
    g.add((node, DCAT.mediaType, _typed(g, URIRef(f"{IANA}{info.media_type}"), DCTERMS.MediaType)))
    g.add((node, DCTERMS.format, _file_type(g, kind.eu_file_type)))
    if info.encoding == "gzip":
        g.add((node, DCAT.compressFormat, _typed(g, URIRef(f"{IANA}application/gzip"), DCTERMS.MediaType)))
    if kind.conforms_to:
        g.add((node, DCTERMS.conformsTo, _typed(g, URIRef(kind.conforms_to), DCTERMS.Standard)))
    g.add((node, DCATAP.availability, _code(g, AVAILABLE)))
    g.add((node, DCTERMS.license, ctx.licence))
    g.add((node, DCTERMS.issued, issued))
    if profile == "dcat-ap-2":
        # DCAT-AP 2.1.1 types dcat:byteSize xsd:decimal and accepts only SHA-1 checksums (sh:hasValue
        # spdx:checksumAlgorithm_sha1); we publish SHA-256 digests only, so this profile states none.
        g.add((node, DCAT.byteSize, Literal(str(info.size), datatype=XSD.decimal)))
        return node
    g.add((node, DCAT.byteSize, Literal(info.size, datatype=XSD.nonNegativeInteger)))
    if info.sha256 is None:  # kg.nq joined from its fragments until `kg build --finish` writes and hashes it
        return node
    checksum = _typed(g, URIRef(f"{node}#sha256"), SPDX.Checksum)
    g.add((checksum, SPDX.algorithm, _typed(g, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)))
    g.add((checksum, SPDX.checksumValue, Literal(info.sha256, datatype=XSD.hexBinary)))
    g.add((node, SPDX.checksum, checksum))
    return node


def _service(ctx: _Context, endpoint_url: str) -> tuple[URIRef, URIRef]:
    """The SPARQL endpoint as a DataService, and the distribution through which CKAN keeps it."""
    g, endpoint = ctx.g, URIRef(endpoint_url)
    service = _typed(g, ctx.iris.mint("service", "sparql"), DCAT.DataService)
    _texts(g, service, DCTERMS.title, TEXT["service"])
    _texts(g, service, DCTERMS.description, TEXT["service-description"])
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))  # GET without a query: the service description
    g.add((service, DCTERMS.conformsTo, _typed(g, SPARQL_PROTOCOL, DCTERMS.Standard)))
    g.add((service, DCAT.servesDataset, ctx.dataset))
    g.add((service, DCTERMS.license, ctx.licence))
    g.add((service, DCTERMS.publisher, ctx.publisher))
    g.add((service, DCAT.contactPoint, ctx.contact))
    for theme in EU_THEMES:
        g.add((service, DCAT.theme, _code(g, theme)))
    for lang, words in KEYWORDS.items():
        g.add((service, DCAT.keyword, Literal("SPARQL", lang=lang)))
        g.add((service, DCAT.keyword, Literal(words[-1], lang=lang)))
    access = _typed(g, ctx.iris.mint("distribution", "sparql"), DCAT.Distribution)
    _texts(g, access, DCTERMS.title, TEXT["service"])
    _texts(g, access, DCTERMS.description, TEXT["access-description"])
    g.add((access, DCAT.accessURL, endpoint))
    g.add((access, DCAT.accessService, service))
    # "SPARQL query", the EU file type other DCAT-AP publishers give their endpoints.
    g.add((access, DCTERMS.format, _file_type(g, "SPARQLQ")))
    g.add((access, DCATAP.availability, _code(g, AVAILABLE)))
    g.add((access, DCTERMS.license, ctx.licence))
    return service, access


def _describe_dataset(
    ctx: _Context, stats: CatalogStats, landing_url: str, version: str, profile: Profile
) -> None:
    g, node = ctx.g, ctx.dataset
    _typed(g, node, DCAT.Dataset)
    _texts(g, node, DCTERMS.title, TEXT["dataset"])
    counts = {"projects": stats.projects, "releases": stats.releases}
    _texts(
        g, node, DCTERMS.description, {k: v.format(**counts) for k, v in TEXT["dataset-description"].items()}
    )
    g.add((node, DCTERMS.identifier, Literal(str(node))))
    g.add((node, DCAT.version if profile == "dcat-ap-3" else OWL.versionInfo, Literal(version)))
    g.add((node, DCAT.landingPage, _typed(g, URIRef(landing_url), FOAF.Document)))
    ontology = _typed(g, URIRef(KG_ONTOLOGY), DCTERMS.Standard)
    _texts(g, ontology, DCTERMS.title, TEXT["ontology"])
    g.add((node, DCTERMS.conformsTo, ontology))
    g.add((node, DCTERMS.publisher, ctx.publisher))
    g.add((node, DCAT.contactPoint, ctx.contact))
    for language in LANGUAGES:
        g.add((node, DCTERMS.language, _code(g, language, DCTERMS.LinguisticSystem)))
    g.add((node, DCTERMS.accrualPeriodicity, _code(g, IRREGULAR, DCTERMS.Frequency)))
    provenance = _typed(g, URIRef(f"{node}#provenance"), DCTERMS.ProvenanceStatement)
    _texts(g, provenance, RDFS.label, TEXT["provenance"])
    g.add((node, DCTERMS.provenance, provenance))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((node, DCAT.keyword, Literal(word, lang=lang)))
    for theme in EU_THEMES:
        g.add((node, DCAT.theme, _code(g, theme)))
    themes = ctx.iris.mint("scheme", "themes")
    for concept in stats.themes:
        g.add((node, DCAT.theme, _concept(g, URIRef(concept.iri), concept.labels, themes)))
        for lang, label in concept.labels.items():
            g.add((node, DCAT.keyword, Literal(label, lang=lang)))
    for region in stats.regions:
        place = _typed(g, URIRef(region.iri), DCTERMS.Location)
        _texts(g, place, SKOS.prefLabel, region.labels)
        g.add((node, DCTERMS.spatial, place))
    if stats.first_published and stats.last_published:
        period = _typed(g, URIRef(f"{node}#period"), DCTERMS.PeriodOfTime)
        g.add((period, DCAT.startDate, _when(stats.first_published)))
        g.add((period, DCAT.endDate, _when(stats.last_published)))
        g.add((node, DCTERMS.temporal, period))


def catalog_graph(
    settings: Settings,
    dumps: Sequence[FileInfo],
    stats: CatalogStats,
    *,
    endpoint_url: str,
    landing_url: str,
    issued: date | datetime,
    modified: date | datetime,
    version: str,
    download_base: str | None = None,
    catalog_url: str | None = None,
    page: int = 1,
    page_size: int = 100,
    contact_email: str | None = None,
    profile: Profile = "dcat-ap-3",
) -> Graph:
    """The DCAT catalog: one ``dcat:Dataset`` (the graph), a distribution per file, the SPARQL service.

    :param dumps: the published files (``dist/`` manifest entries), each becoming a downloadable distribution.
    :param download_base: URL prefix of the files (default ``{base IRI}downloads/``, as kg.web serves them).
    :param catalog_url: URL this catalog is served at, for the Hydra page links
        (default ``{landing}catalog.ttl``).
    :param page: which page of ``page_size`` datasets to describe; :raises ValueError: past the last page.
    :param profile: ``dcat-ap-2`` states the version with ``owl:versionInfo`` and sizes as ``xsd:decimal``
        (DCAT-AP 2.1.1, open.canada.ca's profile); the default follows DCAT-AP 3.0.1.
    """
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    iris = Iris(settings.base_iri)
    downloads = download_base or f"{settings.base_iri}downloads/"
    landing = landing_url if landing_url.endswith("/") else f"{landing_url}/"
    ctx = _common(g, iris, landing_url, contact_email)
    catalog = _typed(g, iris.mint("catalog", CATALOG_KEY), DCAT.Catalog)
    _texts(g, catalog, DCTERMS.title, TEXT["catalog"])
    _texts(g, catalog, DCTERMS.description, TEXT["catalog-description"])
    g.add((catalog, DCTERMS.publisher, ctx.publisher))
    g.add((catalog, FOAF.homepage, _typed(g, URIRef(landing_url), FOAF.Document)))
    g.add((catalog, DCTERMS.license, ctx.licence))
    g.add((catalog, DCTERMS.issued, _when(issued)))
    g.add((catalog, DCTERMS.modified, _when(modified)))
    for language in LANGUAGES:
        g.add((catalog, DCTERMS.language, URIRef(language)))
    g.add((catalog, DCAT.themeTaxonomy, _scheme(g, URIRef(f"{EU}data-theme"), SCHEMES[f"{EU}data-theme"])))
    themes = {"en": "Themes of funded projects", "fr": "Thèmes des projets financés"}
    g.add((catalog, DCAT.themeTaxonomy, _scheme(g, iris.mint("scheme", "themes"), themes)))
    for region in stats.regions:
        g.add((catalog, DCTERMS.spatial, URIRef(region.iri)))
    service, access = _service(ctx, endpoint_url)
    g.add((catalog, DCAT.service, service))
    datasets = [ctx.dataset]  # one dataset today; the paging below already serves catalogs of many
    window = paging(len(datasets), page, page_size)
    for dataset in datasets[window.window()]:
        g.add((catalog, DCAT.dataset, dataset))
        _describe_dataset(ctx, stats, landing_url, version, profile)
        g.add((dataset, DCTERMS.issued, _when(issued)))
        g.add((dataset, DCTERMS.modified, _when(modified)))
        for info in dumps:
            distribution = _distribution(ctx, info, f"{downloads}{info.name}", _when(modified), profile)
            g.add((dataset, DCAT.distribution, distribution))
        g.add((dataset, DCAT.distribution, access))
    _hydra(g, catalog, catalog_url or f"{landing}catalog.ttl", window)
    return g


def _hydra(g: Graph, catalog: URIRef, url: str, page: Page) -> None:
    """Hydra paging as ckanext-dcat reads it: a PagedCollection / PartialCollectionView with next links."""
    g.bind("hydra", HYDRA)

    def at(number: int) -> URIRef:
        return URIRef(f"{url}?page={number}")

    view = _typed(g, at(page.number), HYDRA.PartialCollectionView, HYDRA.PagedCollection)
    g.add((catalog, HYDRA.view, view))
    g.add((view, HYDRA.first, at(1)))
    g.add((view, HYDRA.last, at(page.last)))
    if page.next is not None:
        g.add((view, HYDRA.next, at(page.next)))
    if page.previous is not None:
        g.add((view, HYDRA.previous, at(page.previous)))
    g.add((view, HYDRA.totalItems, Literal(page.total)))
    g.add((view, HYDRA.itemsPerPage, Literal(page.size)))
