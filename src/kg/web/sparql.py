"""Blueprint "sparql": the SPARQL 1.1 Protocol query operation at ``/sparql``.

GET ``?query=``, POST form-encoded, POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri``; answers negotiated by ``Accept`` (q-values) or ``format``/``output``. Without a query
the endpoint URL answers its Service Description (RDF) or, for a browser, a plain query form.

Every failure has its own status, never a short 200: syntax errors 400 (text/plain, with line and
column), refused queries 400, updates 400/415, a client over its share of the workers 429 +
``Retry-After`` (``kg.web.fairness``), busy 503 + ``Retry-After``, timeouts 503, engine crashes 500.
A result cut at the row limit is a 200 that says so: ``X-KG-Truncated: true`` and a ``Link`` to the limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, request, url_for

from kg.errors import QueryCrashed, QueryError, QueryRefused, QueryTimeout
from kg.formats import RdfFormat, ResultsFormat
from kg.sparql import QueryAnswer, QueryBusy, QueryRequest, inspect_query
from kg.vocab import sparql_prologue
from kg.web import links
from kg.web.editor import default_query, example_query, render_form
from kg.web.http import (
    chosen_format,
    etag_for,
    link_header,
    not_acceptable,
    page_variant,
    rdf_response,
    representation,
    serialize,
    text_response,
)
from kg.web.negotiation import (
    BOOLEAN_OFFERS,
    RDF_OFFERS,
    RESULTS_OFFERS,
    BadFormatParameter,
    Choice,
    Html,
    choose_among,
    with_html,
)
from kg.web.protocol import ProtocolError, ProtocolRequest, parse
from kg.web.sd import service_description
from kg.web.state import AppState, state

bp = Blueprint("sparql", __name__)
SD_OFFERS = with_html(RDF_OFFERS)
HTML_ROWS = 1_000
EXAMPLE = """SELECT ?project ?name WHERE {
  ?project a kg:Project ;
    schema:name ?name .
  FILTER(lang(?name) = "en")
}
ORDER BY ?name
LIMIT 50
"""


EVERY_OFFER = [*with_html(RESULTS_OFFERS), *RDF_OFFERS]
"""Every format some query form is answered in: a format parameter naming one of them is not junk."""


def offers_for(form: str) -> Sequence[tuple[str, Choice]]:
    if form == "ASK":
        return with_html(BOOLEAN_OFFERS)
    if form == "SELECT":
        return with_html(RESULTS_OFFERS)
    return with_html(RDF_OFFERS)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    st = state()
    try:
        query = parse(request.method, request.headers.get("Content-Type"), request.query_string, _body())
    except ProtocolError as exc:
        return text_response(exc.status, exc.message)
    if query is None:
        return _service_description(st)
    if st.queries is None:
        return text_response(503, "The SPARQL endpoint is not available on this server.")
    try:
        info = inspect_query(query.query, st.queries.limits, st.queries.public_graphs)
        offers = offers_for(info.form)
        fmt = choose_among(request.headers.get("Accept"), query.formats, offers, EVERY_OFFER)
    except BadFormatParameter as exc:
        return text_response(400, str(exc))
    except QueryError as exc:
        if _wants_html(query):
            return _html_error(st, query, exc)
        return _query_error(exc)
    if fmt is None:
        return not_acceptable(offers)
    lang, vary = page_variant(fmt, negotiated=True)
    # An HTML page is translated, so its validator names the language; a result's stays as it was.
    parts = (query.query, query.default_graphs, query.named_graphs, fmt, request.host_url)
    tag = etag_for(st.dataset.version, *parts, *([lang] if lang else []))
    if request.method in ("GET", "HEAD"):
        return representation(st, tag, lambda: _run(st, query, fmt, vary), vary=vary)
    response = _run(st, query, fmt, vary)
    if response.status_code == 200:
        # A POSTed query is not a URL a cache could look up again: nothing may keep its answer.
        response.cache_control.no_store = True
    return response


def _run(st: AppState, query: ProtocolRequest, fmt: Choice, vary: list[str]) -> Response:
    """The query's answer in ``fmt``, or the error that stopped it (never with validators)."""
    assert st.queries is not None  # checked by the endpoint before the query is inspected
    result_format = ResultsFormat.JSON if fmt == "html" or not isinstance(fmt, ResultsFormat) else fmt
    graph_format = RdfFormat.TURTLE if fmt == "html" or not isinstance(fmt, RdfFormat) else fmt
    text = with_base(query.query, url_for("sparql.endpoint", _external=True))
    try:
        answer = _answer_fairly(
            st, QueryRequest(text, result_format, graph_format, query.default_graphs, query.named_graphs)
        )
    except OverShare:
        return text_response(
            429,
            f"Too many queries at once from your address (at most {st.shares.per_client} running); "
            "retry when one has finished.",
            {"Retry-After": str(max(1, round(st.queries.limits.timeout_s / 2)))},
        )
    except QueryBusy as exc:
        return text_response(503, f"Service busy: {exc}", {"Retry-After": str(max(1, exc.retry_after_s))})
    except QueryTimeout as exc:
        return text_response(503, f"Query timeout: {exc}", {"Retry-After": "5"})
    except QueryCrashed as exc:
        return text_response(500, f"Query failed: {exc}")
    except QueryError as exc:
        if fmt == "html":
            return _html_error(st, query, _unshift(exc))
        return _query_error(_unshift(exc))
    response = _html(st, query, answer) if fmt == "html" else _answer(answer)
    for name in vary:  # a POST's answer is not cached, but still depends on these
        response.vary.add(name)
    if answer.unbound:  # e.g. GROUP_CONCAT over IRIs: an error the SPARQL semantics answer as unbound
        response.headers["X-KG-Unbound"] = ", ".join(quote(name, safe="_") for name in answer.unbound)
    if answer.truncated:
        response.headers["X-KG-Truncated"] = "true"
        response.headers["X-KG-Row-Limit"] = str(st.queries.limits.max_rows)
        response.headers["Link"] = link_header(
            [(url_for("system.limits"), "describedby", None)], title="result truncated"
        )
    return response


OUTCOME = "kg.sparql.outcome"
"""WSGI environ key: a query already run before Flask (``kg.web.light_queries``) and what it gave, as
``(AppState, QueryRequest, answer or exception)``; the blueprint writes that answer or error instead of
running the query again (an answer cut at the row limit, an error, a client over its share)."""


class OverShare(Exception):
    """The client already has its share of the workers busy (``kg.web.fairness``)."""


def answer_fairly(st: AppState, query: QueryRequest, client: str, *, light_first: bool = True) -> QueryAnswer:
    """A cached or lean answer at once (no worker, no share; skipped when ``light_first`` is False because
    the caller just asked); otherwise the query runs on a worker, on one of ``client``'s shares. The client
    is the remote address (a forwarded one only from trusted proxies, ``kg.web.origin``).

    :raises OverShare: the client holds its share and its queue is full.
    :raises QueryError: as ``QueryService.run`` (refused, syntax, busy, timeout, crash).
    """
    assert st.queries is not None
    if light_first:
        light: Callable[[QueryRequest], QueryAnswer | None] | None = getattr(st.queries, "light", None)
        answer = light(query) if light is not None else None
        if answer is not None:
            return answer
    with st.shares.take(client) as granted:
        if not granted:
            raise OverShare
        return st.queries.run(query)


def _answer_fairly(st: AppState, query: QueryRequest) -> QueryAnswer:
    """The answer of the query run before Flask for this request, if it was; otherwise ``answer_fairly``."""
    done = request.environ.get(OUTCOME)
    if done is not None and done[0] is st and done[1] == query:
        outcome: QueryAnswer | Exception = done[2]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return answer_fairly(st, query, request.remote_addr or "")


def with_base(text: str, endpoint_url: str) -> str:
    """Resolve relative IRIs against the endpoint URL (SPARQL 1.1 Query §4.1.1.1); a BASE in the query wins.

    ``QueryRequest`` has no base IRI, so the base is a first line of the text; error positions are
    shifted back by :func:`_unshift`.
    """
    return f"BASE <{endpoint_url}>\n{text}"


_POSITIONS = (
    (re.compile(r"\b(at|on line) (\d+):(\d+)"), lambda m: f"{m[1]} {int(m[2]) - 1}:{m[3]}"),
    (re.compile(r"\bline (\d+), column"), lambda m: f"line {int(m[1]) - 1}, column"),
)


def _unshift(exc: QueryError) -> QueryError:
    """The error as the client wrote the query: one line up (the BASE line is ours)."""
    message = str(exc)
    for pattern, replace in _POSITIONS:
        message = pattern.sub(replace, message)
    line = exc.line - 1 if exc.line is not None and exc.line > 1 else exc.line
    return type(exc)(message, line=line, column=exc.column)


def _body() -> bytes:
    """The request body, at most ``max_body_bytes``: larger ones are a 413, chunked ones too.

    A declared ``Content-Length`` over the limit is refused before reading (MAX_CONTENT_LENGTH). For a
    chunked body Werkzeug's stream stops at the limit without saying so; reading one more byte makes it
    raise the 413 (rather than passing on a silently cut query).
    """
    if request.method != "POST":
        return b""
    limit = state().options.max_body_bytes
    data = request.stream.read(limit)
    if len(data) >= limit and request.stream.read(1):
        abort(413)
    return data


def _error_message(exc: QueryError) -> str:
    kind = "Query refused" if isinstance(exc, QueryRefused) else "Query error"
    where = ""
    if exc.line is not None and f"line {exc.line}" not in str(exc):
        where = f" (line {exc.line}, column {exc.column})"
    return f"{kind}: {exc}{where}"


def _query_error(exc: QueryError) -> Response:
    return text_response(400, _error_message(exc))


def _wants_html(query: ProtocolRequest) -> bool:
    """Whether a query that failed before its form was known was asked for as a page."""
    try:
        offers = with_html(RESULTS_OFFERS)
        return choose_among(request.headers.get("Accept"), query.formats, offers, EVERY_OFFER) == "html"
    except BadFormatParameter:
        return False


def _html_error(st: AppState, query: ProtocolRequest, exc: QueryError) -> Response:
    """A failed query asked for as a page: the form again, with the query as it was and the error beside
    it (400), never a bare text that loses what the reader typed."""
    lang, _ = page_variant("html", negotiated=True)
    endpoint = url_for("sparql.endpoint")
    return render_form(
        st, endpoint=endpoint, lang=lang, query=query.query, status=400, error=_error_message(exc)
    )


def answer_content_type(answer: QueryAnswer) -> str:
    media_type = answer.media_type
    if media_type.startswith("text/") or media_type in ("application/n-triples", "application/n-quads"):
        media_type += "; charset=utf-8"
    return media_type


def _answer(answer: QueryAnswer) -> Response:
    response = Response(answer.body, content_type=answer_content_type(answer))
    response.headers["X-KG-Rows"] = str(answer.rows)
    return response


def _html(st: AppState, query: ProtocolRequest, answer: QueryAnswer) -> Response:
    linker = links.linker()
    table: dict[str, Any] | None = None
    boolean: bool | None = None
    text: str | None = None
    if answer.kind == "graph":
        text = answer.body.decode("utf-8", errors="replace")
    else:
        doc = json.loads(answer.body)
        if answer.kind == "boolean":
            boolean = bool(doc.get("boolean"))
        else:
            variables = doc["head"].get("vars", [])
            rows = []
            for binding in doc["results"]["bindings"][:HTML_ROWS]:
                row = []
                for var in variables:
                    cell = binding.get(var)
                    value = cell["value"] if cell else ""
                    href = linker.href(value) if cell and cell.get("type") == "uri" else None
                    row.append({"value": value, "href": href})
                rows.append(row)
            table = {"vars": variables, "rows": rows, "shown": len(rows), "total": answer.rows}
    results = {
        "prologue": sparql_prologue(),
        "table": table,
        "boolean": boolean,
        "text": text,
        "truncated": answer.truncated,
        "unbound": answer.unbound,
    }
    lang, _ = page_variant("html", negotiated=True)
    return render_form(st, endpoint=url_for("sparql.endpoint"), lang=lang, query=query.query, results=results)


def _service_description(st: AppState) -> Response:
    fmt = chosen_format(SD_OFFERS)
    lang, vary = page_variant(fmt, negotiated=True)
    # The page shows the example named by ``?example=``; its validator names it too.
    example = request.args.get("example") if fmt == "html" else None
    tag = etag_for(st.dataset.version, "sd", fmt, request.host_url, example, *([lang] if lang else []))
    return representation(st, tag, lambda: _sd_document(st, fmt), vary=vary)


def _sd_document(st: AppState, fmt: RdfFormat | Html) -> Response:
    if fmt == "html":
        lang, _ = page_variant("html", negotiated=True)
        query = example_query(request.args.get("example")) or default_query(EXAMPLE)
        return render_form(st, endpoint=url_for("sparql.endpoint"), lang=lang, query=query)
    limits = st.queries.limits if st.queries else None
    graph = service_description(
        st.settings,
        url_for("sparql.endpoint", _external=True),
        sorted(st.queries.public_graphs) if st.queries else [],
        triples=st.stats().triples,
        timeout=limits.timeout_s if limits else None,
        max_rows=limits.max_rows if limits else None,
    )
    return rdf_response(serialize(graph, fmt), fmt)
