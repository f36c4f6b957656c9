"""``/sparql`` requests answered before Flask: lookups, cached answers and queries for a worker (issue 12).

A point lookup costs the engine 0.1-0.2 ms; through Flask (request context, routing, negotiation objects,
response objects, after-request hooks) it cost 1.5 ms of Python, which held distinct lookups to a sixth of
Oxigraph server's rate. This middleware answers queries with the same parts as the blueprint
(``kg.web.protocol.parse``, ``kg.sparql.inspect_query``, ``choose_among``, ``etag_for``, ``safety_headers``)
and so the same answer, byte for byte and header for header (tested against the blueprint in
tests/web/test_light_queries.py): the ones ``QueryService.light`` answers (a lean query, ``kg.sparql.lean``,
or one in the result cache), and the others on a worker, on the client's share (``answer_fairly``, as the
blueprint runs them: a heavy aggregate at 10^5 cost the server process 1.7 ms of CPU, now 1.0 ms). The
URLs the answer depends on (the endpoint, the base of relative IRIs, and the host in the ETag) are asked of
Flask once per origin.

Everything else goes to the app as it came: an HTML page, a service description, a conditional GET (it may
answer 304), HEAD, and a query refused or with a syntax error (the blueprint writes the error). A query
that ran here and whose answer the blueprint writes (an error, a client over its share, an answer cut at
the row limit or with unbound variables: their extra headers link to the limits page) reaches it with the
outcome in the environ (``kg.web.sparql.OUTCOME``), and is not run again.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from io import BytesIO
from typing import TYPE_CHECKING

from flask import Flask, request, url_for
from werkzeug.http import http_date, quote_etag

from kg.errors import QueryError
from kg.formats import RdfFormat, ResultsFormat
from kg.sparql import QueryAnswer, QueryRequest, inspect_query
from kg.web.answers import CONDITIONAL
from kg.web.http import etag_for, safety_headers
from kg.web.negotiation import BadFormatParameter, Choice, choose_among
from kg.web.protocol import ProtocolError, parse
from kg.web.sparql import (
    EVERY_OFFER,
    OUTCOME,
    answer_content_type,
    answer_fairly,
    offers_for,
    with_base,
)
from kg.web.state import EXTENSION, AppState

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PATH = "/sparql"
_CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
# What names an origin, so what the endpoint URL and the request's host URL depend on.
_ORIGIN = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")
_MAX_ORIGINS = 64

Answer = tuple[str, list[tuple[str, str]], bytes]
# Set in an environ this middleware has answered or declined: a request the lane declined is not asked again.
TRIED = "kg.light_queries.tried"


class LightQueries:
    """WSGI middleware in front of ``flask_app.wsgi_app`` (``app``), behind ``kg.web.origin``.

    ``answered`` counts the requests answered here (for tests and ``/-/health``-style checks).
    """

    def __init__(self, flask_app: Flask, app: WSGIApplication) -> None:
        self.flask = flask_app
        self.app = app
        self.answered = 0
        self._origins: dict[tuple[object, ...], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        found = None
        tried = TRIED in environ  # by the lane (kg.web.lane), which declined it: the same answer again
        if (
            not tried
            and environ.get("PATH_INFO") == PATH
            and environ.get("REQUEST_METHOD") in ("GET", "POST")
        ):
            found = self.answer(environ)
        if found is None:
            return self.app(environ, start_response)
        status, headers, body = found
        start_response(status, headers)
        return [body]

    def answer(self, environ: WSGIEnvironment) -> Answer | None:
        """The whole answer to a ``GET`` or ``POST`` of ``/sparql`` answered here, or None for the app to
        answer (``kg.web.lane`` calls this too, before the WSGI environ is made)."""
        environ[TRIED] = True
        try:
            found = self._answer(environ)
        except (QueryError, ProtocolError, BadFormatParameter):
            return None  # the blueprint answers it, with the error page or text it writes
        if found is not None:
            with self._lock:
                self.answered += 1
        return found

    def _answer(self, environ: WSGIEnvironment) -> Answer | None:
        st: AppState = self.flask.extensions[EXTENSION]
        queries = st.queries
        if queries is None:
            return None
        method = environ["REQUEST_METHOD"]
        if any(map(environ.__contains__, CONDITIONAL)):  # a C loop, not a generator (1 us)
            return None
        body = _body(environ, st.options.max_body_bytes) if method == "POST" else b""
        if body is None:
            return None
        query_string = environ.get("QUERY_STRING", "").encode("latin-1")  # PEP 3333: bytes as latin-1
        query = parse(method, environ.get("CONTENT_TYPE"), query_string, body)
        if query is None:
            return None
        endpoint, host_url = self._urls(environ)
        text = with_base(query.query, endpoint)
        # The text the service runs, not the one sent: the service's own inspection is then a memo hit.
        info = inspect_query(text, queries.limits, queries.public_graphs)
        fmt = _negotiated(environ.get("HTTP_ACCEPT"), query.formats, info.form)
        if fmt is None or fmt == "html":
            return None
        asked = QueryRequest(
            text,
            fmt if isinstance(fmt, ResultsFormat) else ResultsFormat.JSON,
            fmt if isinstance(fmt, RdfFormat) else RdfFormat.TURTLE,
            query.default_graphs,
            query.named_graphs,
        )
        light = getattr(queries, "light", None)
        answer: QueryAnswer | None = light(asked) if light is not None else None
        if answer is None:
            try:
                answer = answer_fairly(st, asked, environ.get("REMOTE_ADDR") or "", light_first=False)
            except Exception as exc:  # any outcome: the blueprint raises it again
                environ[OUTCOME] = (st, asked, exc)  # it writes the error; the query does not run twice
                return None
        if answer.truncated or answer.unbound:
            environ[OUTCOME] = (st, asked, answer)  # its extra headers are the blueprint's to write
            return None
        headers = [
            ("Content-Type", answer_content_type(answer)),
            ("Content-Length", str(len(answer.body))),
            ("X-KG-Rows", str(answer.rows)),
            ("Vary", "Accept"),
        ]
        if method == "GET":  # as kg.web.http.representation and cacheable write them
            parts = (query.query, query.default_graphs, query.named_graphs, fmt, host_url)
            headers.append(("ETag", quote_etag(etag_for(st.dataset.version, *parts), weak=True)))
            if st.dataset.modified is not None:
                headers.append(("Last-Modified", http_date(st.dataset.modified)))
            headers.append(("Cache-Control", f"public, max-age={st.options.cache_seconds}"))
        else:  # a POSTed query is not a URL a cache could look up again
            headers.append(("Cache-Control", "no-store"))
        return "200 OK", headers + safety_headers(), answer.body

    def _urls(self, environ: WSGIEnvironment) -> tuple[str, str]:
        """The endpoint's absolute URL and the request's host URL, as the blueprint's ``url_for`` and
        ``request.host_url`` make them (asked of Flask once per origin)."""
        key = tuple(environ.get(name) for name in _ORIGIN)
        found = self._origins.get(key)
        if found is None:
            with self.flask.request_context(dict(environ)):
                found = (url_for("sparql.endpoint", _external=True), request.host_url)
            with self._lock:
                if len(self._origins) >= _MAX_ORIGINS:  # KG_ALLOWED_HOSTS=*: any number of names
                    self._origins.clear()
                self._origins[key] = found
        return found


@functools.lru_cache(maxsize=256)
def _negotiated(accept: str | None, formats: tuple[str, ...], form: str) -> Choice | None:
    """The blueprint's choice of format; clients send few distinct ``Accept`` headers."""
    return choose_among(accept, formats, offers_for(form), EVERY_OFFER)


def _body(environ: WSGIEnvironment, limit: int) -> bytes | None:
    """The POST body when its length is declared and within ``limit``, put back for the app; else None
    (chunked, missing or too large: the blueprint answers it, 413 included)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= limit:
        return None
    body: bytes = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = BytesIO(body)
    return body if len(body) == length else None
