"""Blueprint "void": ``/.well-known/void``, the VoID description generated from the data (VoID §7.2).

RDF by ``Accept`` (Turtle for ``*/*``), and an HTML view for people who follow the VoID link of a page.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Graph

from kg.formats import RdfFormat
from kg.vocab import KG
from kg.void import dataset_iri, dump_files, void_graph
from kg.web.http import chosen_format, etag_for, page_variant, rdf_response, representation, serialize
from kg.web.negotiation import RDF_OFFERS, with_html
from kg.web.state import AppState, state

bp = Blueprint("void", __name__)

OFFERS = with_html(RDF_OFFERS)  # HTML last: a client without preferences (``*/*``) gets Turtle
_LINKED = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)


@bp.get("/.well-known/void")
def void() -> Response:
    st = state()
    fmt = chosen_format(OFFERS)
    lang, vary = page_variant(fmt, negotiated=True)
    tag = etag_for(st.dataset.version, "void", fmt, request.host_url, *([lang] if lang else []))
    if fmt == "html":
        return representation(st, tag, lambda: _page(st), vary=vary)
    assert isinstance(fmt, RdfFormat)
    return representation(st, tag, lambda: rdf_response(serialize(_graph(st), fmt), fmt), vary=vary)


def _endpoint(st: AppState) -> str | None:
    return url_for("sparql.endpoint", _external=True) if st.queries is not None else None


def _graph(st: AppState) -> Graph:
    return void_graph(
        st.stats(),
        st.dataset.dumps,
        st.settings,
        _endpoint(st),
        downloads_url=_downloads(),
        title=st.dataset.title,
        modified=st.dataset.modified,
        examples=[str(node) for node in st.reader.instances(str(KG.Project), 1)],
    )


def _downloads() -> str:
    return url_for("downloads.listing", _external=True)


def _page(st: AppState) -> Response:
    stats = st.stats()
    html = render_template(
        "void/index.html",
        stats=stats,
        dataset=str(dataset_iri(st.settings)),
        title=st.dataset.title_in(page_variant("html", negotiated=True)[0]),
        endpoint=_endpoint(st),
        dumps=[
            {
                "name": d.name,
                "url": f"{_downloads()}{d.name}",
                "media_type": d.media_type,
                "encoding": d.encoding,
            }
            for d in dump_files(st.dataset.dumps)
        ],
        classes=sorted(stats.classes.items()),
        properties=sorted(stats.properties.items()),
        formats=[(f.extension, f.label) for f in _LINKED],
    )
    return Response(html, content_type="text/html; charset=utf-8")
