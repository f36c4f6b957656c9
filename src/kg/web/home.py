"""Blueprint "home": the landing page - what the dataset is and where to go next."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from rdflib import URIRef

from kg.figures.read import home_figures, store_records
from kg.vocab import KG
from kg.web import links
from kg.web.catalog import dataset_jsonld
from kg.web.http import etag_for, page_variant, representation
from kg.web.money import HomeMoney, MoneyPages
from kg.web.money_words import money_words
from kg.web.negotiation import RESOURCE_FORMATS
from kg.web.pages import PageBuilder
from kg.web.state import AppState, state

bp = Blueprint("home", __name__)
MAX_LISTED = 200


@bp.get("/")
def index() -> Response:
    st = state()
    lang, vary = page_variant("html", negotiated=False)
    # The JSON-LD block names this server's URLs: the validator depends on the origin.
    tag = etag_for(st.dataset.version, "home", lang, request.host_url)
    return representation(st, tag, lambda: _page(st, lang), vary=vary)


def _page(st: AppState, lang: str) -> Response:
    builder = PageBuilder(st.reader, links.linker(), lang)
    projects = sorted(
        (builder.link(node) for node in st.reader.instances(str(KG.Project), MAX_LISTED)),
        key=lambda link: link.label.lower(),
    )
    releases = [builder.link(node) for node in st.reader.instances(str(KG.NewsRelease), MAX_LISTED)]
    stats = st.stats()
    classes = sorted(
        ((builder.link(URIRef(iri)), count) for iri, count in stats.classes.items()),
        key=lambda item: -item[1],
    )
    body = render_template(
        "home/index.html",
        title=st.dataset.title_in(lang),
        projects=projects,
        releases=releases,
        stats=stats,
        classes=classes[:30],
        dumps=st.dataset.dumps,
        sparql=st.queries is not None,
        money=_money(st, builder, lang),
        mw=money_words(lang),
        jsonld=dataset_jsonld(st, lang),
        formats=RESOURCE_FORMATS,
    )
    return Response(body, content_type="text/html; charset=utf-8")


def _money(st: AppState, builder: PageBuilder, lang: str) -> HomeMoney:
    """The figures and charts, computed once per served build and language (a few aggregate queries)."""
    figures = st.memo("home-figures", lambda: home_figures(store_records(st.reader.store)))
    # The links carry ``?lang=`` only when the reader chose it (kg.web.links): both versions are kept.
    key = ("home-money", lang, links.chosen_language(), request.script_root)
    return st.memo(key, lambda: MoneyPages(builder).home(figures))
