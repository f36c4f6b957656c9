"""Blueprint "resources": every IRI the project mints, ``/{kind}/{key}``, dereferences.

A thing's IRI (a project, an organisation...) is not a document, so by default it answers
``303 See Other`` to the document that describes it, chosen by ``Accept`` or ``?format=`` (W3C Note "Cool
URIs for the Semantic Web", §4.3 "303 URIs forwarding to Different Documents"): ``/project/x`` ->
``/project/x.html`` for a browser, ``/project/x.ttl`` for a Turtle client. The documents answer 200 in one
format each. With ``redirect="200"`` the IRI answers the negotiated document itself (``Content-Location``
names it). ``/source/{key}`` is a document (the verbatim text) and answers 200 ``text/plain``.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request
from rdflib import URIRef

from kg.figures.read import store_records
from kg.formats import TEXT_PLAIN, RdfFormat
from kg.iris import KINDS, SLUG
from kg.vocab import KG, SCHEMA
from kg.web import links
from kg.web.doccache import CachedDocument
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
from kg.web.money import MoneyPages
from kg.web.money_words import money_words
from kg.web.negotiation import RESOURCE_FORMATS, RESOURCE_OFFERS, Html, with_html
from kg.web.pages import Linker, PageBuilder
from kg.web.state import AppState, state

bp = Blueprint("resources", __name__)

OFFERS = with_html(RESOURCE_OFFERS, first=True)
SOURCE_KIND = "source"
GRAPH_KIND = "graph"


def linker() -> Linker:
    return links.linker()


def _alternates(path: str, html: bool = True) -> str:
    links = [(f"{path}.{f.extension}", "alternate", f.media_type) for f in RESOURCE_FORMATS]
    if html:
        links.append((f"{path}.html", "alternate", "text/html"))
    return link_header(links)


def _lang_query() -> str:
    lang = request.args.get("lang")
    return f"?{urlencode({'lang': lang})}" if lang in ("en", "fr") else ""


@bp.get("/<kind>/<name>")
def resource(kind: str, name: str) -> Response:
    key, dot, suffix = name.partition(".")
    if kind not in KINDS or SLUG.match(key) is None or len(key) > 300:
        abort(404)
    st = state()
    iri = f"{st.settings.base_iri}{kind}/{key}"
    path = f"{request.script_root}/{kind}/{key}"
    if kind == SOURCE_KIND and (not dot or suffix == "txt"):
        return _source_text(st, iri, path, negotiated=not dot)
    # An unknown thing is a 404 before any 406; a document (``.ttl``...) is looked up by _document,
    # after the page cache.
    if not dot and not _known(st, iri, kind):
        abort(404)
    fmt = chosen_format(OFFERS, suffix if dot else None)
    if dot:
        return _document(st, iri, path, fmt, kind)
    extension = "html" if fmt == "html" else fmt.extension
    if st.options.redirect == "200":
        response = _document(st, iri, path, fmt, kind, negotiated=True)
        response.headers["Content-Location"] = f"{path}.{extension}"
        return response
    target = f"{path}.{extension}{_lang_query()}"
    return see_other(target, _alternates(path), st.options.cache_seconds)


def _document(
    st: AppState, iri: str, path: str, fmt: RdfFormat | Html, kind: str, negotiated: bool = False
) -> Response:
    lang, vary = page_variant(fmt, negotiated=negotiated)
    incoming = request.args.get("incoming")
    page = request.args.get("page", "1")
    tag = etag_for(st.dataset.version, iri, fmt, lang, incoming, page)
    # Everything the answer depends on: the version, the origin and root (links), the URL, the format,
    # the language and whether the format was negotiated (Vary).
    key = (
        st.dataset.version,
        request.scheme,
        request.host,
        request.script_root,
        request.path,
        request.query_string,
        "html" if fmt == "html" else fmt.name,
        lang,
        negotiated,
    )
    cached = st.documents.get(key)
    # A cached document was described at this version: only a miss needs to ask the store.
    if cached is None and not _known(st, iri, kind):
        abort(404)

    def render() -> Response:
        if cached is not None:
            return cached.response()
        return _fresh_document(st, iri, path, fmt, kind, lang, incoming, page)

    response = representation(st, tag, render, vary=vary)
    if cached is None and response.status_code == 200:
        # Kept as sent, validators included: a hit goes out as this answer did.
        st.documents.put(key, CachedDocument.of(response))
    return response


def _known(st: AppState, iri: str, kind: str) -> bool:
    return iri in st.reader.graphs() if kind == GRAPH_KIND else st.reader.exists(iri)


def _fresh_document(
    st: AppState,
    iri: str,
    path: str,
    fmt: RdfFormat | Html,
    kind: str,
    lang: str,
    incoming: str | None,
    page: str,
) -> Response:
    if fmt == "html":
        response = Response(
            _html(st, iri, kind, lang, incoming, page), content_type="text/html; charset=utf-8"
        )
    elif kind == GRAPH_KIND:
        response = rdf_response(st.reader.store.dump(fmt, graph=iri), fmt)
    else:
        response = rdf_response(serialize(st.reader.describe(iri), fmt), fmt)
    response.headers["Link"] = _alternates(path)
    return response


def _html(st: AppState, iri: str, kind: str, lang: str, incoming: str | None, page_text: str) -> str:
    builder = PageBuilder(st.reader, linker(), lang)
    if kind == GRAPH_KIND:
        triples = st.stats().graphs.get(iri, 0)
        return render_template(
            "resources/graph.html", link=builder.link(URIRef(iri)), triples=triples, lang=lang
        )
    page = int(page_text) if page_text.isdigit() and len(page_text) < 9 else 1
    view = builder.resource(iri, incoming_predicate=incoming, page=page, size=st.options.incoming_page)
    money = MoneyPages(builder).resource(store_records(st.reader.store), kind, iri)
    return render_template("resources/resource.html", page=view, lang=lang, money=money, mw=money_words(lang))


SOURCE_OFFERS: list[tuple[str, object]] = [
    ("text/plain", "txt"),
    ("text/html", "txt"),
    ("application/xhtml+xml", "txt"),
    *[(f.media_type, f) for f in RESOURCE_FORMATS],
]


def _negotiate_source(st: AppState, path: str) -> Response | None:
    """A source IRI is the text itself; RDF clients are sent to its description. None: serve the text."""
    wanted = chosen_format(SOURCE_OFFERS)
    if not isinstance(wanted, RdfFormat):
        return None
    return see_other(f"{path}.{wanted.extension}", _alternates(path), st.options.cache_seconds)


def _source_text(st: AppState, iri: str, path: str, negotiated: bool) -> Response:
    """The verbatim source text, checked against the SHA-256 the graph states for it."""
    if negotiated and (redirect := _negotiate_source(st, path)) is not None:
        return redirect
    name = st.reader.first(iri, str(SCHEMA.name))
    digest = st.reader.first(iri, str(KG.sha256))
    folder = st.dataset.sources_dir
    if name is None or folder is None or not _plain_file_name(str(name)):
        abort(404)
    file = folder / str(name)
    if not file.is_file():
        abort(404)
    data = file.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if digest is not None and actual != str(digest):
        return text_response(500, "The source text on disk does not match the checksum in the graph.")
    # The text's own digest is its validator: it changes with the text, not with the dataset version.
    return representation(
        st, actual, lambda: _text_document(data, path), vary=["Accept"] if negotiated else []
    )


def _text_document(data: bytes, path: str) -> Response:
    response = Response(data, content_type=TEXT_PLAIN)
    response.headers["Link"] = _alternates(path)
    return response


def _plain_file_name(name: str) -> bool:
    return (
        bool(name)
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
        and "\x00" not in name
    )
