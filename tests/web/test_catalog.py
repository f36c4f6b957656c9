"""/catalog over real HTTP: the DCAT catalog a harvester reads, and the schema.org Dataset the pages embed.

The server runs on a loopback port (``live``) with the query service; every URL the catalog advertises is
fetched from it, so "a harvester can use this catalog" is checked, not assumed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, XSD
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.catalog_terms import DCAT, HYDRA, IANA, SPDX, TEXT
from kg.dataset_jsonld import MAX_DESCRIPTION, MIN_DESCRIPTION
from kg.formats import RdfFormat
from kg.settings import Settings
from kg.store import KgStore
from kg.vocab import sparql_prologue
from kg.web import create_app
from kg.web.config import Dataset, WebOptions
from kg.web.http import CSP
from kg.web.negotiation import RESOURCE_FORMATS
from kg.web.state import state

from .conftest import BASE
from .support import Reply, fetch

DATASET = URIRef(f"{BASE}dataset/kg-funding")
CATALOG = URIRef(f"{BASE}catalog/kg-funding")
JSONLD_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
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


def _path(live: str, url: str) -> str:
    """The path of a URL this server must answer (it has to be on the server's own origin)."""
    assert url.startswith(f"{live}/"), f"{url} is not served by {live}"
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _parse(reply: Reply, fmt: RdfFormat) -> Graph:
    assert reply.status == 200, reply.text
    assert (reply.header("Content-Type") or "").split(";")[0] == fmt.media_type
    return Graph().parse(data=reply.body, format=fmt.rdflib_name)


def _renamed(graph: Graph, old: str, new: str) -> Graph:
    """The graph with ``old`` replaced by ``new`` at the start of IRIs (the page links name the document)."""

    def rename(term: object) -> object:
        return (
            URIRef(new + str(term)[len(old) :]) if isinstance(term, URIRef) and term.startswith(old) else term
        )

    out = Graph()
    for triple in graph:
        out.add(tuple(rename(t) for t in triple))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def catalog(live: str) -> Graph:
    return _parse(fetch(live, "/catalog", headers={"Accept": "text/turtle"}), RdfFormat.TURTLE)


def _jsonld(html: str) -> dict[str, object]:
    blocks = JSONLD_BLOCK.findall(html)
    assert len(blocks) == 1
    doc = json.loads(blocks[0])
    assert isinstance(doc, dict)
    return doc


# The catalog, in every format


def test_every_format_by_accept_is_the_same_graph(live: str, catalog: Graph) -> None:
    assert (CATALOG, RDF.type, DCAT.Catalog) in catalog
    assert (CATALOG, DCAT.dataset, DATASET) in catalog
    for fmt in RESOURCE_FORMATS:
        reply = fetch(live, "/catalog", headers={"Accept": fmt.media_type})
        assert "Accept" in (reply.header("Vary") or "")
        assert reply.header("Content-Location") == f"/catalog.{fmt.extension}"
        assert isomorphic(_parse(reply, fmt), catalog), fmt


def test_every_suffix_is_the_same_graph_with_its_own_page_links(live: str, catalog: Graph) -> None:
    for fmt in RESOURCE_FORMATS:
        path = f"/catalog.{fmt.extension}"
        head = fetch(live, path, method="HEAD")  # ckanext-dcat sends HEAD first
        assert head.status == 200 and (head.header("Content-Type") or "").startswith(fmt.media_type)
        served = _parse(fetch(live, path), fmt)
        assert served.value(CATALOG, HYDRA.view) == URIRef(f"{live}{path}?page=1"), fmt
        assert isomorphic(_renamed(served, f"{live}{path}?", f"{live}/catalog?"), catalog), fmt


def test_a_harvester_without_preferences_gets_turtle_and_a_browser_html(live: str) -> None:
    anything = fetch(live, "/catalog", headers={"Accept": "*/*"})
    assert anything.header("Content-Type") == "text/turtle; charset=utf-8"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reply = fetch(live, "/catalog", headers={"Accept": browser})
    assert reply.header("Content-Type") == "text/html; charset=utf-8"
    assert fetch(live, "/catalog", headers={"Accept": "image/png"}).status == 406
    assert (
        fetch(live, "/catalog?format=jsonld").header("Content-Type") == "application/ld+json; charset=utf-8"
    )
    assert fetch(live, "/catalog?format=a%3Bb").status == 400
    assert fetch(live, "/catalog.exe").status == 404


# Every URL in it answers


def test_every_download_url_answers_with_the_advertised_type_and_size(live: str, catalog: Graph) -> None:
    downloads = list(catalog.subject_objects(DCAT.downloadURL))
    assert len(downloads) == 12  # the test build: six RDF dumps, each plain and gzipped
    for distribution, url in downloads:
        reply = fetch(live, _path(live, str(url)), headers={"Accept-Encoding": "identity"})
        assert reply.status == 200, url
        compressed = catalog.value(distribution, DCAT.compressFormat)
        advertised = compressed if compressed is not None else catalog.value(distribution, DCAT.mediaType)
        assert (reply.header("Content-Type") or "").split(";")[0] == str(advertised).removeprefix(IANA), url
        size = catalog.value(distribution, DCAT.byteSize)
        assert size is not None and len(reply.body) == int(size) == int(reply.header("Content-Length") or -1)
        checksum = catalog.value(catalog.value(distribution, SPDX.checksum), SPDX.checksumValue)
        assert str(checksum) == hashlib.sha256(reply.body).hexdigest(), url
        assert catalog.value(distribution, DCAT.accessURL) == url


def test_the_data_service_endpoint_answers_ask(live: str, catalog: Graph) -> None:
    service = catalog.value(predicate=RDF.type, object=DCAT.DataService)
    endpoint = str(catalog.value(service, DCAT.endpointURL))
    assert endpoint == f"{live}/sparql"
    client = SPARQLWrapper(endpoint)
    client.setQuery(sparql_prologue() + "ASK { ?project a kg:Project }")
    client.setReturnFormat(JSON)
    assert client.query().convert() == {"head": {}, "boolean": True}
    description = fetch(
        live,
        _path(live, str(catalog.value(service, DCAT.endpointDescription))),
        headers={"Accept": "text/turtle"},
    )
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/sparql-service-description#Service")) in _parse(
        description, RdfFormat.TURTLE
    )


def test_landing_page_and_homepage_are_this_server(live: str, catalog: Graph) -> None:
    assert catalog.value(DATASET, DCAT.landingPage) == URIRef(f"{live}/")
    assert fetch(live, "/").status == 200


def test_paging_links_resolve_and_the_last_page_has_no_next(live: str) -> None:
    first = _parse(fetch(live, "/catalog.ttl"), RdfFormat.TURTLE)
    view = first.value(CATALOG, HYDRA.view)
    assert (view, RDF.type, HYDRA.PartialCollectionView) in first
    assert first.value(view, HYDRA.totalItems) == Literal(1)
    seen, page = [], view
    while page is not None:  # follow the chain a harvester follows
        assert page not in seen and len(seen) < 10
        seen.append(page)
        graph = _parse(fetch(live, _path(live, str(page))), RdfFormat.TURTLE)
        page = graph.value(graph.value(CATALOG, HYDRA.view), HYDRA.next)
    last = first.value(view, HYDRA.last)
    assert seen[-1] == last and first.value(view, HYDRA.first) == seen[0]
    assert (None, HYDRA.next, None) not in _parse(fetch(live, _path(live, str(last))), RdfFormat.TURTLE)
    assert fetch(live, f"/catalog.ttl?page={len(seen) + 1}").status == 404
    assert fetch(live, "/catalog?page=0").status == 404
    assert fetch(live, "/catalog?page=two").status == 400


def test_dcat_ap_2_profile(live: str) -> None:
    graph = _parse(fetch(live, "/catalog.ttl?profile=dcat-ap-2"), RdfFormat.TURTLE)
    assert graph.value(DATASET, OWL.versionInfo) is not None
    assert graph.value(DATASET, DCAT.version) is None
    assert (None, SPDX.checksum, None) not in graph
    sizes = {o.datatype for o in graph.objects(None, DCAT.byteSize) if isinstance(o, Literal)}
    assert sizes == {XSD.decimal}
    view = graph.value(CATALOG, HYDRA.view)
    assert str(view) == f"{live}/catalog.ttl?page=1&profile=dcat-ap-2"
    assert isomorphic(
        _parse(fetch(live, _path(live, str(graph.value(view, HYDRA.first)))), RdfFormat.TURTLE), graph
    )
    assert fetch(live, "/catalog?profile=dcat-ap-9").status == 400


# HTTP: caching, headers, the HTML page


def test_revalidation_answers_304(live: str) -> None:
    for path, headers in (
        ("/catalog.ttl", {}),
        ("/catalog", {"Accept": "text/html"}),
        ("/catalog/opencanada.json", {}),
    ):
        first = fetch(live, path, headers=headers)
        etag, modified = first.header("ETag"), first.header("Last-Modified")
        assert etag and modified and "max-age" in (first.header("Cache-Control") or "")
        assert fetch(live, path, headers={**headers, "If-None-Match": etag}).status == 304
        assert fetch(live, path, headers={**headers, "If-Modified-Since": modified}).status == 304
        assert fetch(live, path, headers={**headers, "If-None-Match": '"other"'}).status == 200
    assert fetch(live, "/catalog.ttl").header("ETag") != fetch(live, "/catalog.jsonld").header("ETag")


def test_a_304_repeats_content_location(live: str) -> None:
    """RFC 9110 §15.4.5: a 304 repeats the Content-Location the 200 would send."""
    for accept, location in (("text/html", "/catalog.html"), ("text/turtle", "/catalog.ttl")):
        first = fetch(live, "/catalog", headers={"Accept": accept})
        assert first.header("Content-Location") == location
        etag = first.header("ETag") or ""
        again = fetch(live, "/catalog", headers={"Accept": accept, "If-None-Match": etag})
        assert again.status == 304 and again.header("Content-Location") == location


@pytest.mark.parametrize(
    "path", ["/catalog", "/catalog.ttl", "/catalog/opencanada.json", "/dataset/kg-funding"]
)
def test_cors_and_safety_headers(live: str, path: str) -> None:
    reply = fetch(live, path)
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("Content-Security-Policy") == CSP
    assert reply.header("Access-Control-Allow-Credentials") is None


def test_html_page_lists_the_dataset_and_its_distributions(live: str, catalog: Graph) -> None:
    html = fetch(live, "/catalog.html").text
    assert TEXT["dataset"]["en"] in html
    for url in catalog.objects(None, DCAT.downloadURL):
        assert f'href="{url}"' in html
    assert f'href="{live}/sparql"' in html
    assert 'href="/catalog.ttl?profile=dcat-ap-2"' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [' type="application/ld+json"']  # the CSP allows no other script
    assert "style=" not in html and not re.search(r"\son[a-z]+=", html)
    french = fetch(live, "/catalog.html?lang=fr").text
    assert TEXT["dataset"]["fr"].replace("'", "&#39;") in french and "Mots-clés" in french
    assert _jsonld(french)["name"] == TEXT["dataset"]["fr"]


def test_opencanada_record(live: str) -> None:
    reply = fetch(live, "/catalog/opencanada.json")
    assert reply.header("Content-Type") == "application/json; charset=utf-8"
    record = json.loads(reply.body)
    assert record["title_translated"] == TEXT["dataset"]
    for resource in record["resources"]:
        assert resource["url"].startswith(f"{live}/")
        if resource["resource_type"] != "api":
            assert fetch(live, _path(live, resource["url"]), method="HEAD").status == 200


# The IRIs the catalog mints


def test_the_catalog_iris_dereference(live: str, catalog: Graph) -> None:
    minted = sorted({str(s) for s in catalog.subjects() if isinstance(s, URIRef) and s.startswith(BASE)})
    ours = [
        iri
        for iri in minted
        if iri.split("#")[0][len(BASE) :].split("/")[0] in ("catalog", "dataset", "distribution", "service")
    ]
    assert len(ours) >= 15
    for iri in ours:
        path = "/" + iri.split("#")[0][len(BASE) :]
        reply = fetch(live, path, headers={"Accept": "application/ld+json"})
        assert reply.status == 303 and reply.header("Location") == "/catalog.jsonld", iri
        assert fetch(live, path, headers={"Accept": "text/html"}).header("Location") == "/catalog.html"
    assert fetch(live, "/distribution/no-such-file").status == 404
    assert fetch(live, "/dataset/other").status == 404


def test_the_catalog_iris_answer_200_in_200_mode(app: Flask) -> None:
    with app.app_context():
        st = state()
    other = create_app(
        st.settings, store=st.reader.store, dataset=st.dataset, options=replace(st.options, redirect="200")
    )
    response = other.test_client().get("/dataset/kg-funding", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == "/catalog.ttl"
    assert "Accept" in response.headers["Vary"]
    assert (DATASET, RDF.type, DCAT.Dataset) in Graph().parse(data=response.data, format="turtle")


# The schema.org Dataset of the landing page


@pytest.mark.parametrize(("headers", "lang"), [({}, "en"), ({"Accept-Language": "fr-CA,fr;q=0.9"}, "fr")])
def test_landing_page_embeds_the_schema_org_dataset(live: str, headers: dict[str, str], lang: str) -> None:
    doc = _jsonld(fetch(live, "/", headers=headers).text)
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    assert doc["@id"] == doc["identifier"] == str(DATASET)
    for key in ("name", "description", *RECOMMENDED):
        assert doc.get(key) not in (None, "", []), key
    description = doc["description"]
    assert isinstance(description, str) and MIN_DESCRIPTION <= len(description) <= MAX_DESCRIPTION
    assert doc["name"] == TEXT["dataset"][lang]
    assert description.startswith("13 proje")
    assert ("projets" in description) == (lang == "fr")
    assert doc["inLanguage"] == ["en", "fr"] and doc["isAccessibleForFree"] is True
    assert doc["url"] == f"{live}/"
    creator, publisher = doc["creator"], doc["publisher"]
    assert isinstance(creator, dict) and isinstance(publisher, dict)
    assert creator["@type"] == "Organization" and creator["name"] and creator["url"]
    assert publisher["name"] == TEXT["publisher"][lang]
    assert fetch(live, _path(live, publisher["url"])).status == 303  # the organisation's IRI, on this server
    assert doc["temporalCoverage"] == "2011-06-22"
    places = doc["spatialCoverage"]
    assert isinstance(places, list)
    assert {"en": "Central America", "fr": "Amérique centrale"}[lang] in {p["name"] for p in places}
    distribution = doc["distribution"]
    assert isinstance(distribution, list) and len(distribution) == 12
    for download in distribution:
        assert download["@type"] == "DataDownload" and download["encodingFormat"]
        assert fetch(live, _path(live, download["contentUrl"]), method="HEAD").status == 200


def test_french_by_switch_and_the_validator_follows_the_language(live: str) -> None:
    english, french = fetch(live, "/?lang=en"), fetch(live, "/?lang=fr")
    assert _jsonld(french.text)["description"] != _jsonld(english.text)["description"]
    assert english.header("ETag") != french.header("ETag")
    assert 'href="/catalog.ttl"' in english.text and 'rel="alternate"' in english.text


def test_no_dataset_block_when_serving_other_files(tmp_path: Path) -> None:
    store = KgStore()
    store.load(
        b'<http://example.org/a> <http://example.org/p> "1" .', RdfFormat.NTRIPLES, graph=f"{BASE}graph/x"
    )
    app = create_app(
        Settings(data_dir=tmp_path, dist_dir=tmp_path / "dist"),
        store=store,
        dataset=Dataset(version="test"),
        options=WebOptions(store_dir=tmp_path),
    )
    client = app.test_client()
    assert JSONLD_BLOCK.search(client.get("/").text) is None
    graph = Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    assert (None, DCAT.downloadURL, None) not in graph and (None, DCAT.endpointURL, None) in graph
