"""Blueprint "void": ``/.well-known/void``, the VoID description generated from the data (VoID §7.2)."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from kg.vocab import KG
from kg.void import void_graph
from kg.web.http import (
    cacheable,
    conditional_304,
    etag_for,
    not_acceptable,
    not_modified,
    rdf_response,
    serialize,
)
from kg.web.negotiation import RDF_OFFERS, choose
from kg.web.state import state

bp = Blueprint("void", __name__)


@bp.get("/.well-known/void")
def void() -> Response:
    st = state()
    fmt = choose(request.headers.get("Accept"), request.args.get("format"), RDF_OFFERS)
    if fmt is None:
        return not_acceptable(RDF_OFFERS)
    tag = etag_for(st.dataset.version, "void", fmt, request.host_url)
    if not_modified(tag, st.dataset.modified):
        return conditional_304(tag, st.dataset.modified, st.options.cache_seconds, ["Accept"])
    endpoint = url_for("sparql.endpoint", _external=True) if st.queries is not None else None
    graph = void_graph(
        st.stats(),
        st.dataset.dumps,
        st.settings,
        endpoint,
        downloads_url=url_for("downloads.listing", _external=True),
        title=st.dataset.title,
        modified=st.dataset.modified,
        examples=[str(node) for node in st.reader.instances(str(KG.Project), 1)],
    )
    response = rdf_response(serialize(graph, fmt), fmt)
    return cacheable(response, tag, st.dataset.modified, st.options.cache_seconds, ["Accept"])
