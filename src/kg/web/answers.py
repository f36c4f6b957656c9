"""Repeated SPARQL requests answered before Flask: the whole response, kept per build (issue 12).

A query's answer depends on the dataset (one app serves one build, and a new build gets a new app and so a
new, empty cache: the key is the dataset version by construction) and on the request: method, path, query
string, body and headers (``Accept``, ``Accept-Language``, ``Host``, ``Origin``, forwarded headers...). The
key is all of them, headers included except those that only describe the connection, so two requests share
an answer only when the app could not tell them apart. Only ``200`` answers to ``/sparql`` are kept
(refusals such as 429 depend on the moment, not the request), never a conditional request's (it may answer
304), never one with a ``Set-Cookie``. Flask's routing, negotiation, the guard and the result cache cost
0.3-0.5 ms of CPU a request; a hit here costs a dictionary look-up.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PATH = "/sparql"
MAX_ENTRY = 1_000_000
# Headers that describe the connection or the client software, never the answer.
_IGNORED = frozenset({"HTTP_CONNECTION", "HTTP_KEEP_ALIVE", "HTTP_USER_AGENT", "HTTP_TE"})
CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)

Stored = tuple[str, list[tuple[str, str]], bytes]


class AnswerCache:
    """WSGI middleware: whole ``/sparql`` responses by request, least recently used out past ``max_bytes``."""

    def __init__(self, app: WSGIApplication, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[object, ...], Stored] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        found = self.get(key)
        if found is not None:
            status, headers, body = found
            start_response(status, list(headers))
            return [body]
        captured: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
        ) -> Callable[[bytes], object]:
            captured.append((status, headers))
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if captured:
            self.keep(key, captured[-1][0], captured[-1][1], body)
        return [body]

    def _key(self, environ: WSGIEnvironment) -> tuple[object, ...] | None:
        method = environ.get("REQUEST_METHOD", "")
        if environ.get("PATH_INFO") != PATH or method not in ("GET", "POST") or self.max_bytes <= 0:
            return None
        if any(map(environ.__contains__, CONDITIONAL)):
            return None
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or "")
            except ValueError:
                return None  # chunked or missing: the app decides (413, 400...)
            if not 0 <= length <= MAX_ENTRY:
                return None
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = BytesIO(body)
        # List comprehensions and C loops, not generators: a third of this middleware's cost (issue 12).
        headers = sorted([(k, v) for k, v in environ.items() if k.startswith("HTTP_") and k not in _IGNORED])
        # One flat tuple (six fields, then header names and values in turn), not a tuple of tuples: a kept
        # key is one object the garbage collector counts, not one per header (fewer young collections).
        return (
            method,
            environ.get("QUERY_STRING", ""),
            body,
            environ.get("CONTENT_TYPE", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("wsgi.url_scheme"),
            *[part for header in headers for part in header],
        )

    def get(self, key: tuple[object, ...]) -> Stored | None:
        """The answer kept for ``key`` (the keys of ``kg.web.lane`` too: one budget for both), or None."""
        if self.max_bytes <= 0:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
        return found

    def keep(self, key: tuple[object, ...], status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        """Keep a ``200`` answer that sets no cookie, within the byte budget (least recently used out)."""
        if self.max_bytes <= 0:
            return
        if not status.startswith("200 ") or len(body) > MAX_ENTRY:
            return
        for name, _ in headers:
            if name.lower() == "set-cookie":
                return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._items[key] = (status, list(headers), body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._items:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted[2])
