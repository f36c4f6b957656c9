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
    chosen_format,
    etag_for,
    link_header,
    page_variant,
    rdf_response,
    representation,
    serialize,
)
from kg.web.negotiation import RDF_OFFERS, RESOURCE_FORMATS, Html, with_html
from kg.web.state import state
from kg.web.vocabdoc import ontology_doc, shapes_doc

bp = Blueprint("ontology", __name__)
OFFERS = with_html(RDF_OFFERS, first=True)
_FORMATS = (*RESOURCE_FORMATS, RdfFormat.TRIG, RdfFormat.NQUADS)


def _serve(name: str, suffix: str | None, graph: Graph, template: str) -> Response:
    st = state()
    fmt = chosen_format(OFFERS, suffix)
    lang, vary = page_variant(fmt, negotiated=suffix is None)
    path = f"{request.script_root}/{name}"
    extension = "html" if fmt == "html" else fmt.extension
    return representation(
        st,
        etag_for(st.dataset.version, name, fmt, lang),
        lambda: _document(name, graph, template, fmt, lang, path),
        vary=vary,
        content_location=f"{path}.{extension}" if suffix is None else None,
    )


def _document(
    name: str, graph: Graph, template: str, fmt: RdfFormat | Html, lang: str, path: str
) -> Response:
    if fmt == "html":
        if name == "ontology":
            body = render_template(template, doc=ontology_doc(graph, lang))
        else:
            body = render_template(template, shapes=shapes_doc(graph, lang), triples=len(graph))
        response = Response(body, content_type="text/html; charset=utf-8")
    else:
        response = rdf_response(serialize(graph, fmt), fmt)
    links = [(f"{path}.{f.extension}", "alternate", f.media_type) for f in _FORMATS]
    response.headers["Link"] = link_header([*links, (f"{path}.html", "alternate", "text/html")])
    return response


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
