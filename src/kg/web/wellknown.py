"""Blueprint "void": ``/.well-known/void``, the VoID description generated from the data (VoID §7.2)."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from rdflib import Graph

from kg.vocab import KG
from kg.void import void_graph
from kg.web.http import chosen_format, etag_for, rdf_response, representation, serialize
from kg.web.negotiation import RDF_OFFERS
from kg.web.state import AppState, state

bp = Blueprint("void", __name__)


@bp.get("/.well-known/void")
def void() -> Response:
    st = state()
    fmt = chosen_format(RDF_OFFERS)
    tag = etag_for(st.dataset.version, "void", fmt, request.host_url)
    return representation(st, tag, lambda: rdf_response(serialize(_graph(st), fmt), fmt), vary=["Accept"])


def _graph(st: AppState) -> Graph:
    endpoint = url_for("sparql.endpoint", _external=True) if st.queries is not None else None
    return void_graph(
        st.stats(),
        st.dataset.dumps,
        st.settings,
        endpoint,
        downloads_url=url_for("downloads.listing", _external=True),
        title=st.dataset.title,
        modified=st.dataset.modified,
        examples=[str(node) for node in st.reader.instances(str(KG.Project), 1)],
    )
