"""Blueprint "catalog": the DCAT catalog of what this server publishes, for harvesters and people.

``/catalog`` answers the catalog of ``kg.catalog.catalog_graph`` by ``Accept`` (Turtle first, so a
harvester asking ``*/*`` gets RDF; browsers get the HTML page), ``/catalog.ttl`` ``.jsonld`` ``.rdf`` ``.nt``
``.html`` one format each. ``?page=N`` walks the Hydra pages (a page that does not exist is a 404) and
``?profile=dcat-ap-2`` gives the DCAT-AP 2.1.1 variant open.canada.ca harvests. Every URL in the catalog is
one this server answers: the downloads, the SPARQL endpoint, the landing page, the page links (built with
``url_for(..., _external=True)``, so a development server describes itself, a production one its public
origin). The IRIs the catalog mints (``{base}catalog/kg-funding``, ``{base}dataset/kg-funding``,
``{base}distribution/...``, ``{base}service/sparql``) are not in the graph; they answer 303 to the catalog
document, as resource IRIs do. ``/catalog/opencanada.json`` is the open.canada.ca record with the same URLs.
The HTML page is the dataset's page: it embeds the schema.org ``Dataset`` (``kg.dataset_jsonld``), as the
landing page does.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from kg import __version__
from kg.catalog import catalog_graph
from kg.catalog_stats import STATS_QUERY, CatalogStats, stats_from_records
from kg.catalog_terms import CATALOG_KEY, DCAT, DCATAP, HYDRA, IANA, SPDX, Profile
from kg.dataset_jsonld import schema_org_dataset
from kg.dumps import CONTEXT_FILE, DumpInfo
from kg.exports import csvw, opencanada
from kg.exports.files import CATALOG_FORMATS, CATALOG_STEM
from kg.formats import JSON, RdfFormat
from kg.iris import slugify
from kg.web import resources
from kg.web.http import (
    chosen_format,
    etag_for,
    link_header,
    page_variant,
    rdf_response,
    representation,
    see_other,
    serialize,
    text_response,
)
from kg.web.links import keep_language
from kg.web.links import linker as request_linker
from kg.web.negotiation import RESOURCE_FORMATS, RESOURCE_OFFERS, Html, with_html
from kg.web.pages import Linker
from kg.web.state import AppState, state

bp = Blueprint("catalog", __name__)

OFFERS = with_html(RESOURCE_OFFERS)
"""Turtle, JSON-LD, N-Triples, RDF/XML, then HTML: ``*/*`` (curl, harvesters) gets Turtle."""
PROFILES: tuple[Profile, ...] = ("dcat-ap-3", "dcat-ap-2")
PAGE_SIZE = 100  # ckanext-dcat's datasets per page
PAGE_NUMBER = re.compile(r"^[0-9]{1,9}$")
NOT_DESCRIBED = frozenset(
    {CONTEXT_FILE, csvw.QUERY_FILE, opencanada.FILE_NAME}
    | {f"{CATALOG_STEM}.{fmt.extension}" for fmt in CATALOG_FORMATS}
)
"""Files of a build that are not data: the catalog does not list them (as at build time, kg.exports.files)."""
_CACHE = "kg.catalog"

_WORDS = {  # key: (English, French), for the page; data texts come from the catalog graph
    "catalog": ("Data catalogue", "Catalogue de données"),
    "distributions": ("Distributions", "Distributions"),
    "services": ("Services", "Services"),
    "publisher": ("Publisher", "Éditeur"),
    "licence": ("Licence", "Licence"),
    "version": ("Version", "Version"),
    "issued": ("Issued", "Publié le"),
    "modified": ("Modified", "Modifié le"),
    "period": ("Period covered", "Période couverte"),
    "spatial": ("Places covered", "Lieux couverts"),
    "keywords": ("Keywords", "Mots-clés"),
    "themes": ("Themes", "Thèmes"),
    "landing": ("Landing page", "Page d'accueil"),
    "identifier": ("Identifier", "Identifiant"),
    "compressed": ("compressed", "compressé"),
    "page": ("Page", "Page"),
    "profile2": ("DCAT-AP 2.1.1 (Turtle)", "DCAT-AP 2.1.1 (Turtle)"),
    "opencanada": ("open.canada.ca record (JSON)", "Fiche open.canada.ca (JSON)"),
}
WORDS = {lang: {key: pair[i] for key, pair in _WORDS.items()} for i, lang in enumerate(("en", "fr"))}


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    stats: CatalogStats | None = None


def served_stats(st: AppState) -> CatalogStats:
    """The catalog's figures (counts, dates, regions, themes) from the store, computed once per app."""
    cache = current_app.extensions.setdefault(_CACHE, _Cache())
    assert isinstance(cache, _Cache)
    with cache.lock:
        if cache.stats is None:
            store = st.reader.store
            cache.stats = stats_from_records(store.query(STATS_QUERY).records(), triples=len(store))
        return cache.stats


def described_files(st: AppState) -> list[DumpInfo]:
    """The data files of the build: what the catalog lists as downloadable distributions."""
    return [info for info in st.dataset.dumps if info.name not in NOT_DESCRIBED]


def _urls() -> dict[str, str]:
    """Where this server answers: its landing page, SPARQL endpoint and downloads."""
    return {
        "landing_url": url_for("home.index", _external=True),
        "endpoint_url": url_for("sparql.endpoint", _external=True),
        "download_base": url_for("downloads.listing", _external=True),
    }


def dataset_jsonld(st: AppState, lang: str) -> dict[str, Any] | None:
    """The schema.org ``Dataset`` block of the landing and catalog pages; None when serving plain files."""
    if st.dataset.dist_dir is None:
        return None  # `kg serve FILES`: the files are not the kg-funding release the texts describe
    urls = _urls()
    return schema_org_dataset(
        served_stats(st),
        described_files(st),
        lang=lang,
        base_iri=st.settings.base_iri,
        version=__version__,
        published=st.dataset.modified,
        modified=st.dataset.modified,
        site_url=urls["landing_url"],
        download_base=urls["download_base"],
        catalog_url=url_for("catalog.catalog", _external=True),
    )


def _graph(st: AppState, page: int, profile: Profile, catalog_url: str) -> Graph:
    """The catalog page; :raises ValueError: for a page that does not exist."""
    graph = catalog_graph(
        st.settings,
        described_files(st),
        served_stats(st),
        issued=st.dataset.modified,
        modified=st.dataset.modified,
        version=__version__,
        catalog_url=catalog_url,
        page=page,
        page_size=PAGE_SIZE,
        profile=profile,
        **_urls(),
    )
    graph.bind("dcatap", DCATAP)
    if profile != PROFILES[0]:
        _keep_profile(graph, f"{catalog_url}?page=", profile)
    return graph


def _keep_profile(graph: Graph, prefix: str, profile: str) -> None:
    """Page links of a profile's pages stay in that profile (``?page=2&profile=dcat-ap-2``)."""
    for s, p, o in list(graph):
        if not any(isinstance(t, URIRef) and str(t).startswith(prefix) for t in (s, o)):
            continue
        graph.remove((s, p, o))
        s2, o2 = (URIRef(f"{t}&profile={profile}") if str(t).startswith(prefix) else t for t in (s, o))
        graph.add((s2, p, o2))


def _parameters() -> tuple[int, Profile] | Response:
    page_text = request.args.get("page", "1")
    if PAGE_NUMBER.match(page_text) is None:
        return text_response(400, "Bad Request: page must be a number from 1.")
    profile = request.args.get("profile", PROFILES[0])
    for known in PROFILES:
        if profile == known:
            return int(page_text), known
    return text_response(400, f"Bad Request: profile must be one of {', '.join(PROFILES)}.")


def _alternates() -> str:
    path = url_for("catalog.catalog")
    links = [(f"{path}.{f.extension}", "alternate", f.media_type) for f in RESOURCE_FORMATS]
    return link_header([*links, (f"{path}.html", "alternate", "text/html")])


@bp.get("/catalog")
@bp.get("/catalog.<suffix>")
def catalog(suffix: str | None = None) -> Response:
    fmt = chosen_format(OFFERS, suffix)
    return _serve(fmt, suffix, negotiated=suffix is None)


def _serve(fmt: RdfFormat | Html, suffix: str | None, *, negotiated: bool) -> Response:
    """The catalog page in ``fmt``; its page links follow ``suffix`` (``/catalog.ttl?page=2``)."""
    st = state()
    parameters = _parameters()
    if isinstance(parameters, Response):
        return parameters
    page, profile = parameters
    lang, vary = page_variant(fmt, negotiated=negotiated)
    parts = (fmt, lang, page, profile, suffix, request.host_url)
    location = None
    if suffix is None:
        location = url_for("catalog.catalog", suffix="html" if fmt == "html" else fmt.extension)
    return representation(
        st,
        etag_for(st.dataset.version, "catalog", *parts),
        lambda: _document(st, fmt, suffix, page, profile, lang),
        vary=vary,
        content_location=location,
    )


def _document(
    st: AppState, fmt: RdfFormat | Html, suffix: str | None, page: int, profile: Profile, lang: str
) -> Response:
    url = url_for("catalog.catalog", suffix=suffix, _external=True)
    try:
        graph = _graph(st, page, profile, url)
    except ValueError:
        abort(404, description=f"The catalog has no page {page}.")
    if fmt == "html":
        body = render_template(
            "catalog/index.html",
            view=catalog_view(graph, lang, page, request_linker()),
            jsonld=dataset_jsonld(st, lang),
            w=WORDS[lang],
            formats=RESOURCE_FORMATS,
        )
        response = Response(body, content_type="text/html; charset=utf-8")
    else:
        response = rdf_response(serialize(graph, fmt), fmt)
    response.headers["Link"] = _alternates()
    return response


@bp.get("/catalog/opencanada.json")
def opencanada_json() -> Response:
    """The open.canada.ca record (``kg.exports.opencanada``) with this server's URLs."""
    st = state()
    tag = etag_for(st.dataset.version, "opencanada", request.host_url)
    return representation(st, tag, lambda: _opencanada(st))


def _opencanada(st: AppState) -> Response:
    urls = _urls()
    record = opencanada.opencanada_record(
        served_stats(st),
        described_files(st),
        endpoint_url=urls["endpoint_url"],
        download_base=urls["download_base"],
        published=st.dataset.modified.date(),
        modified=st.dataset.modified.date(),
    )
    body = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    return Response(body, content_type=f"{JSON}; charset=utf-8")


# The IRIs kg.catalog mints. They are not in the store (the catalog is made per request, with this
# server's URLs), so the resources blueprint would answer 404; they answer with the catalog document.
@bp.get(f"/catalog/{CATALOG_KEY}")
@bp.get(f"/dataset/{CATALOG_KEY}")
@bp.get("/service/sparql")
def minted() -> Response:
    return _dereference()


@bp.get("/distribution/<name>")
def distribution(name: str) -> Response:
    keys = {slugify(info.name) for info in described_files(state())} | {"sparql"}
    if name not in keys:
        return resources.resource("distribution", name)  # an IRI of the data, if any
    return _dereference()


def _dereference() -> Response:
    """303 to the catalog document in the negotiated format (or that document, with ``KG_REDIRECT=200``)."""
    st = state()
    fmt = chosen_format(
        OFFERS,
    )
    extension = "html" if fmt == "html" else fmt.extension
    target = url_for("catalog.catalog", suffix=extension)
    if extension == "html":
        target = keep_language(target)  # the reader's chosen language survives the redirect
    if st.options.redirect == "200":
        response = _serve(fmt, extension, negotiated=True)
        response.headers["Content-Location"] = target
        return response
    return see_other(target, _alternates(), st.options.cache_seconds)


# The HTML page: what the catalog graph says, in one language.


@dataclass(frozen=True)
class FileRow:
    title: str
    url: str
    media_type: str
    compressed: bool
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class DatasetView:
    iri: str
    title: str
    description: str
    facts: list[tuple[str, str, str | None]]  # (word key, text, link)
    files: list[FileRow]
    services: list[tuple[str, str]]  # (title, endpoint URL)


@dataclass(frozen=True)
class CatalogView:
    iri: str
    title: str
    description: str
    datasets: list[DatasetView]
    pages: dict[str, str] = field(default_factory=dict)  # first, previous, next, last -> URL
    page: int = 1
    last: int = 1


def _text(graph: Graph, node: Any, predicate: URIRef, lang: str) -> str:
    values = sorted((o for o in graph.objects(node, predicate) if isinstance(o, Literal)), key=str)
    chosen = next((v for v in values if v.language == lang), values[0] if values else None)
    return "" if chosen is None else str(chosen)


def _labels(graph: Graph, node: Any, predicate: URIRef, lang: str) -> str:
    return ", ".join(sorted(_text(graph, o, SKOS.prefLabel, lang) for o in graph.objects(node, predicate)))


def _number(value: Any) -> int | None:
    return int(float(str(value))) if value is not None else None


def _dataset_view(graph: Graph, node: Any, lang: str, linker: Linker) -> DatasetView:
    publisher = graph.value(node, DCTERMS.publisher)
    licence = graph.value(graph.value(node, DCAT.distribution), DCTERMS.license)
    period = graph.value(node, DCTERMS.temporal)
    span = [str(graph.value(period, p) or "") for p in (DCAT.startDate, DCAT.endDate)]
    landing = graph.value(node, DCAT.landingPage)
    version = graph.value(node, DCAT.version) or graph.value(node, OWL.versionInfo)
    keywords = sorted(
        {str(k) for k in graph.objects(node, DCAT.keyword) if isinstance(k, Literal) and k.language == lang}
    )
    facts: list[tuple[str, str, str | None]] = [
        ("identifier", str(node), linker.href(str(node))),
        ("publisher", _text(graph, publisher, FOAF.name, lang), linker.href(str(publisher))),
        ("licence", _text(graph, licence, DCTERMS.title, lang), str(licence) if licence else None),
        ("version", str(version or ""), None),
        ("issued", str(graph.value(node, DCTERMS.issued) or ""), None),
        ("modified", str(graph.value(node, DCTERMS.modified) or ""), None),
        ("period", " – ".join(dict.fromkeys(s for s in span if s)), None),
        ("spatial", _labels(graph, node, DCTERMS.spatial, lang), None),
        ("themes", _labels(graph, node, DCAT.theme, lang), None),
        ("keywords", ", ".join(keywords), None),
        ("landing", str(landing or ""), str(landing) if landing else None),
    ]
    files, services = [], []
    for dist in graph.objects(node, DCAT.distribution):
        service = graph.value(dist, DCAT.accessService)
        if service is not None:
            services.append(
                (_text(graph, service, DCTERMS.title, lang), str(graph.value(service, DCAT.endpointURL)))
            )
            continue
        checksum = graph.value(dist, SPDX.checksum)
        value = graph.value(checksum, SPDX.checksumValue) if checksum is not None else None
        files.append(
            FileRow(
                title=_text(graph, dist, DCTERMS.title, lang),
                url=str(graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)),
                media_type=str(graph.value(dist, DCAT.mediaType) or "").removeprefix(IANA),
                compressed=graph.value(dist, DCAT.compressFormat) is not None,
                size=_number(graph.value(dist, DCAT.byteSize)),
                sha256=str(value) if value is not None else None,
            )
        )
    return DatasetView(
        iri=str(node),
        title=_text(graph, node, DCTERMS.title, lang),
        description=_text(graph, node, DCTERMS.description, lang),
        facts=[fact for fact in facts if fact[1]],
        files=sorted(files, key=lambda row: row.url),
        services=sorted(services),
    )


def catalog_view(graph: Graph, lang: str, page: int, linker: Linker) -> CatalogView:
    """The catalog, its datasets with their distributions and services, and the page links."""
    node = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    datasets = [_dataset_view(graph, d, lang, linker) for d in graph.objects(node, DCAT.dataset)]
    view = graph.value(node, HYDRA.view)
    links = {"first": HYDRA.first, "previous": HYDRA.previous, "next": HYDRA.next, "last": HYDRA.last}
    pages = {name: str(url) for name, p in links.items() if (url := graph.value(view, p)) is not None}
    total, size = (_number(graph.value(view, p)) or 0 for p in (HYDRA.totalItems, HYDRA.itemsPerPage))
    return CatalogView(
        iri=str(node),
        title=_text(graph, node, DCTERMS.title, lang),
        description=_text(graph, node, DCTERMS.description, lang),
        datasets=sorted(datasets, key=lambda d: d.iri),
        pages=pages,
        page=page,
        last=max(1, -(-total // size)) if size else 1,
    )
