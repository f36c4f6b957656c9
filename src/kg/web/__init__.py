"""The web layer: a Flask app publishing the graph as Linked Data, with a SPARQL 1.1 endpoint.

``create_app`` is the only entry point; it takes everything it serves as arguments (settings, store,
query service, dataset description), so tests and servers build apps without globals. This package is
the only one that imports Flask, and it never imports ``kg.cli``.

URL families, one blueprint each: ``/`` (home), ``/{kind}/{key}`` (resources), ``/sparql`` (sparql),
``/downloads/`` (downloads), ``/ontology`` and ``/shapes`` (ontology), ``/.well-known/void`` (void),
``/catalog`` (catalog), ``/projects`` and ``/search`` (browse), ``/-/...`` (system).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from urllib.parse import urlencode

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.errors import StoreUnavailable
from kg.settings import Settings
from kg.store import Store
from kg.web.answers import AnswerCache
from kg.web.config import Dataset, WebOptions
from kg.web.doccache import DocumentCache
from kg.web.fairness import ClientShares, default_share
from kg.web.http import apply_safety_headers, preflight, text_response
from kg.web.i18n import translator
from kg.web.labels import choose_language, format_number
from kg.web.links import install as install_links
from kg.web.negotiation import HTML_TYPES, negotiate
from kg.web.origin import OriginGuard, PublicUrl, allowed_host_names, local_path
from kg.web.reader import ResourceReader
from kg.web.state import EXTENSION, AppState, QueryRunner

MAX_PATH_LENGTH = 2048
log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    store: Store,
    dataset: Dataset,
    queries: QueryRunner | None = None,
    options: WebOptions | None = None,
) -> Flask:
    """Build the app.

    :param store: resource lookups go through it (quad patterns only); open it read-only in servers.
    :param dataset: what is served (version for caching, dumps, source texts, public graphs).
    :param queries: runs ``/sparql`` queries; without one ``/sparql`` answers 503.
    """
    options = options or WebOptions()
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=options.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=options.max_body_bytes,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.autoescape = True
    install_links(app)  # templates' url_for keeps the reader's chosen language (kg.web.links)
    app.jinja_env.filters["number"] = _number
    reader = ResourceReader(store, count_cap=options.count_cap)
    documents = DocumentCache(options.page_cache_bytes)
    shares = ClientShares(options.client_queries or default_share(options.workers), wait_s=options.timeout)
    app.extensions[EXTENSION] = AppState(settings, options, dataset, reader, queries, documents, shares)

    from kg.web import browse, catalog, downloads, home, ontology, resources, sparql, system, wellknown
    from kg.web.lane import EXTENSION as LANE
    from kg.web.lane import Lane
    from kg.web.light_queries import LightQueries

    for module in (home, system, sparql, downloads, ontology, wellknown, catalog, browse, resources):
        app.register_blueprint(module.bp)

    app.before_request(_guard)
    app.after_request(apply_safety_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreUnavailable, _store_unavailable)
    app.register_error_handler(Exception, _crash)
    app.context_processor(_template_context)
    public = PublicUrl.parse(options.public_url) if options.public_url else None
    # Lookups and cached answers skip Flask (kg.web.light_queries), behind the origin rules like the app.
    light = LightQueries(app, app.wsgi_app)
    guarded = OriginGuard(
        light,
        allowed=allowed_host_names(options.allowed_hosts, public, options.host),
        public=public,
        trusted_proxies=options.trusted_proxies,
    )
    answers = AnswerCache(guarded, options.answer_cache_bytes)
    app.extensions[LANE] = Lane(light, guarded, options.max_body_bytes, answers)  # kg serve's handler: first
    app.wsgi_app = answers  # type: ignore[method-assign]
    return app


def _guard() -> Response | None:
    """Answer CORS preflights; refuse absurd paths before routing."""
    if request.method == "OPTIONS":
        return preflight()
    if len(request.path) > MAX_PATH_LENGTH:
        return text_response(414, "URI Too Long: use POST for long SPARQL queries.")
    return None


def _prefers_html() -> bool:
    offers = [("text/plain", False), *[(m, True) for m in HTML_TYPES]]
    return bool(negotiate(request.headers.get("Accept"), offers))


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    name = exc.name
    description = exc.description or ""
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    if _prefers_html() and code in (404, 405, 406, 410):
        body = render_template("error.html", code=code, name=name, description=description)
        response = Response(body, status=code, content_type="text/html; charset=utf-8")
    else:
        response = text_response(code, f"{code} {name}: {description}")
    for key, value in headers.items():
        response.headers[key] = value
    return response


def _crash(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError("The server failed on this request; it keeps serving others."))


def _store_unavailable(exc: StoreUnavailable) -> Response:
    """A remote store that is down or slow: 503 at once, with when to come back (never a hang)."""
    log.warning("store unavailable on %s %s: %s", request.method, request.path, exc)
    headers = {"Retry-After": str(max(1, exc.retry_after_s))}
    return text_response(503, f"503 Service Unavailable: the data store is not answering; {exc}", headers)


def _number(value: int, lang: str = "en") -> str:
    return format_number(Decimal(value), lang)


def _template_context() -> dict[str, object]:
    lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
    other = "fr" if lang == "en" else "en"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = other
    here = local_path(request.script_root, request.path)
    return {
        "lang": lang,
        "t": translator(lang),
        "here": here,
        "switch_url": f"{here}?{urlencode(args)}",
        "switch_lang": other,
        "root": request.script_root,
    }
