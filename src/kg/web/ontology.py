"""Blueprint "ontology": the ontology at its IRI and the SHACL shapes at ``/shapes``.

The ontology IRI names the ontology document, so it answers 200 with the negotiated representation
(HTML documentation for browsers, RDF for machines; ``Vary: Accept``, ``Content-Location`` naming the
suffixed document). Term IRIs ``{ontology}#Term`` land on the term's anchor of the HTML page.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg.formats import RdfFormat
from kg.vocab import KG_ONTOLOGY
from kg.web.http import (
    cacheable,
    conditional_304,
    etag_for,
    link_header,
    not_acceptable,
    not_modified,
    rdf_response,
    serialize,
)
from kg.web.labels import choose_language
from kg.web.negotiation import RDF_OFFERS, RESOURCE_FORMATS, Html, choose, from_suffix, with_html
from kg.web.state import AppState, state
from kg.web.vocabdoc import ontology_doc, shapes_doc

bp = Blueprint("ontology", __name__)
OFFERS = with_html(RDF_OFFERS, first=True)
_FORMATS = (*RESOURCE_FORMATS, RdfFormat.TRIG, RdfFormat.NQUADS)


def _serve(name: str, suffix: str | None, graph: Graph, template: str) -> Response:
    st = state()
    path = f"{request.script_root}/{name}"
    fmt: RdfFormat | Html | None
    if suffix is not None:
        fmt = from_suffix(suffix, OFFERS)
        if fmt is None:
            abort(404)
    else:
        fmt = choose(request.headers.get("Accept"), request.args.get("format"), OFFERS)
        if fmt is None:
            return not_acceptable(OFFERS)
    lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
    vary = [] if suffix is not None else ["Accept"]
    if fmt == "html" and "lang" not in request.args:
        vary.append("Accept-Language")
    tag = etag_for(st.dataset.version, name, fmt, lang if fmt == "html" else "")
    if not_modified(tag, st.dataset.modified):
        return conditional_304(tag, st.dataset.modified, st.options.cache_seconds, vary)
    if fmt == "html":
        body = _render(st, name, graph, template, lang)
        response = Response(body, content_type="text/html; charset=utf-8")
    else:
        response = rdf_response(serialize(graph, fmt), fmt)
    links = [(f"{path}.{f.extension}", "alternate", f.media_type) for f in _FORMATS]
    response.headers["Link"] = link_header([*links, (f"{path}.html", "alternate", "text/html")])
    if suffix is None:
        response.headers["Content-Location"] = f"{path}.{'html' if fmt == 'html' else fmt.extension}"
    return cacheable(response, tag, st.dataset.modified, st.options.cache_seconds, vary)


def _render(st: AppState, name: str, graph: Graph, template: str, lang: str) -> str:
    if name == "ontology":
        return render_template(template, doc=ontology_doc(graph, lang))
    return render_template(template, shapes=shapes_doc(graph, lang), triples=len(graph))


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    return _serve("ontology", suffix, state().ontology(), "ontology/ontology.html")


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The ontology's ``owl:versionIRI`` (``{ontology}/0.1.0``) answers with the ontology too."""
    graph = state().ontology()
    if URIRef(f"{KG_ONTOLOGY}/{version}") not in set(graph.objects(None, OWL.versionIRI)):
        abort(404)
    return _serve("ontology", None, graph, "ontology/ontology.html")


@bp.get("/shapes")
@bp.get("/shapes.<suffix>")
def shapes(suffix: str | None = None) -> Response:
    return _serve("shapes", suffix, state().shapes(), "ontology/shapes.html")
