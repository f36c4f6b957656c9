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

from kg.formats import TEXT_PLAIN, RdfFormat
from kg.iris import KINDS, SLUG
from kg.vocab import KG, SCHEMA
from kg.web.doccache import CachedDocument
from kg.web.http import (
    cacheable,
    conditional_304,
    etag_for,
    link_header,
    not_acceptable,
    not_modified,
    rdf_response,
    serialize,
    text_response,
)
from kg.web.labels import choose_language
from kg.web.negotiation import RESOURCE_FORMATS, RESOURCE_OFFERS, Html, choose, from_suffix, with_html
from kg.web.pages import Linker, PageBuilder
from kg.web.state import AppState, state

bp = Blueprint("resources", __name__)

OFFERS = with_html(RESOURCE_OFFERS, first=True)
SOURCE_KIND = "source"
GRAPH_KIND = "graph"


def linker() -> Linker:
    return Linker(state().settings.base_iri, request.script_root)


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
    if dot:
        fmt = from_suffix(suffix, OFFERS)
        if fmt is None:
            abort(404)
        return _document(st, iri, path, fmt, kind)
    if not _known(st, iri, kind):
        abort(404)
    fmt = choose(request.headers.get("Accept"), request.args.get("format"), OFFERS)
    if fmt is None:
        return not_acceptable(OFFERS)
    extension = "html" if fmt == "html" else fmt.extension
    if st.options.redirect == "200":
        response = _document(st, iri, path, fmt, kind, negotiated=True)
        response.headers["Content-Location"] = f"{path}.{extension}"
        return response
    target = f"{path}.{extension}{_lang_query()}"
    response = text_response(303, f"See Other: {target}", {"Location": target, "Link": _alternates(path)})
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = st.options.cache_seconds
    return response


def _document(
    st: AppState, iri: str, path: str, fmt: RdfFormat | Html, kind: str, negotiated: bool = False
) -> Response:
    lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
    vary = ["Accept"] if negotiated else []
    incoming = request.args.get("incoming")
    page = request.args.get("page", "1")
    if fmt == "html" and "lang" not in request.args:
        vary.append("Accept-Language")
    tag = etag_for(st.dataset.version, iri, fmt, lang if fmt == "html" else "", incoming, page)
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
        lang if fmt == "html" else "",
        negotiated,
    )
    cached = st.documents.get(key)
    # A cached document was described at this version: only a miss needs to ask the store.
    if cached is None and not _known(st, iri, kind):
        abort(404)
    if not_modified(tag, st.dataset.modified):
        return conditional_304(tag, st.dataset.modified, st.options.cache_seconds, vary)
    if cached is not None:
        return cached.response()
    response = _fresh_document(st, iri, path, fmt, kind, lang, incoming, page)
    response = cacheable(response, tag, st.dataset.modified, st.options.cache_seconds, vary)
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
    return render_template("resources/resource.html", page=view, lang=lang)


SOURCE_OFFERS: list[tuple[str, object]] = [
    ("text/plain", "txt"),
    ("text/html", "txt"),
    ("application/xhtml+xml", "txt"),
    *[(f.media_type, f) for f in RESOURCE_FORMATS],
]


def _negotiate_source(st: AppState, path: str) -> Response | None:
    """A source IRI is the text itself; RDF clients are sent to its description. None: serve the text."""
    wanted = choose(request.headers.get("Accept"), request.args.get("format"), SOURCE_OFFERS)
    if wanted is None:
        return not_acceptable(SOURCE_OFFERS)
    if not isinstance(wanted, RdfFormat):
        return None
    target = f"{path}.{wanted.extension}"
    response = text_response(303, f"See Other: {target}", {"Location": target, "Link": _alternates(path)})
    response.vary.add("Accept")
    return response


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
    vary = ["Accept"] if negotiated else []
    if not_modified(actual, st.dataset.modified):
        return conditional_304(actual, st.dataset.modified, st.options.cache_seconds, vary)
    response = Response(data, content_type=TEXT_PLAIN)
    response.headers["Link"] = _alternates(path)
    return cacheable(response, actual, st.dataset.modified, st.options.cache_seconds, vary)


def _plain_file_name(name: str) -> bool:
    return (
        bool(name)
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
        and "\x00" not in name
    )
