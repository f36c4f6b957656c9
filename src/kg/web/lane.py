"""Light ``/sparql`` requests answered by the HTTP handler itself, before a WSGI environ is made (issue 12).

A distinct point lookup on ``kg serve`` cost about 0.4 ms of CPU, of which the engine did a third; of the
Python rest, making Werkzeug's environ (every header, twice renamed), the middleware stack (the answer
cache's key over every header, the origin rules, the build switch, Flask's ``__call__``) and WSGI's
``start_response`` were about a fifth, for a request whose answer depends on five header fields. Here
``kg.web.keepalive`` offers each request to :meth:`Lane.take` first, which reads just those fields, applies
the origin rules (``OriginGuard.admits``) and asks ``LightQueries.answer`` with a small environ of them: the
same function, so the same answer, byte for byte, as through the app (``tests/web/test_lane.py`` compares
the two).

Anything it is not sure of goes the usual way, as it came: another path or method, a conditional or
ranged request, a body that is chunked, absent, too large or not announced, a ``Host`` missing or
refused, proxies to trust, a field it reads sent twice, and every query the light path declines. A body
read here and then declined is handed to the app as it was sent, with what the light path left for it (the
outcome of a query it ran, whose answer or error the blueprint writes: ``Taken.handed``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from kg.web.answers import AnswerCache
    from kg.web.keepalive import KeepAliveHandler
    from kg.web.light_queries import Answer, LightQueries
    from kg.web.origin import OriginGuard

EXTENSION = "kg.lane"
PATH = "/sparql"
# The fields read, by their lowered names, and the WSGI keys Werkzeug's make_environ gives them.
_READ = {
    "host": "HTTP_HOST",
    "accept": "HTTP_ACCEPT",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
}
# Fields that make the answer the app's: validators and ranges (it may answer 304 or 206), a framing the app
# reads (chunked), a header the origin rules undo (gunicorn's SCRIPT_NAME), Expect (kg.web.keepalive's).
_DECLINED = frozenset(
    {
        "if-none-match",
        "if-modified-since",
        "if-match",
        "if-unmodified-since",
        "if-range",
        "range",
        "transfer-encoding",
        "script-name",
        "expect",
    }
)


# A repeated light request is answered from the whole-answer cache (kg.web.answers), under keys of its own.
_KEY = "kg.lane"
_KEYED = (
    "REQUEST_METHOD",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "HTTP_ACCEPT",
    "HTTP_HOST",
    "wsgi.url_scheme",
    "SCRIPT_NAME",
    "SERVER_NAME",
    "SERVER_PORT",
)


@dataclass(frozen=True)
class Taken:
    """What :func:`take` did with a request: ``answer`` is None when the app must answer it; ``body`` is the
    request body read from the connection (``b""`` when none was read), which the app must then be given."""

    environ: WSGIEnvironment
    answer: Answer | None
    body: bytes

    def handed(self) -> dict[str, object]:
        """What the light path left in its environ for the app (``kg.``-named keys, e.g. the outcome of a
        query it ran, ``kg.web.sparql.OUTCOME``), to put in the app's environ."""
        return {name: value for name, value in self.environ.items() if name.startswith("kg.")}


class Lane:
    """The light path of one build's app and its origin rules (``create_app`` keeps it in
    ``app.extensions[EXTENSION]``; ``kg.web.live.LiveApp.lane`` finds the current build's)."""

    def __init__(
        self, light: LightQueries, guard: OriginGuard, max_body_bytes: int, answers: AnswerCache
    ) -> None:
        self.light = light
        self.guard = guard
        self.max_body_bytes = max_body_bytes
        self.answers = answers

    def take(self, handler: KeepAliveHandler) -> Taken | None:
        """Answer the handler's request if it is a light ``/sparql`` request; None when nothing was read
        (the app answers it as it came)."""
        method, target = handler.command, handler.path
        if method not in ("GET", "POST") or not target.startswith(PATH):
            return None
        # As kg.web.keepalive's make_environ splits an origin-form target (urllib's urlsplit order).
        path, _, query = target.partition("#")[0].partition("?")
        if path != PATH or self.guard.trusted_proxies:
            return None
        environ = _environ(handler, method, query)
        if environ is None:
            return None
        body = b""
        if method == "POST":
            length = _length(environ.get("CONTENT_LENGTH"))
            if not 0 < length <= self.max_body_bytes:
                return None
            body = handler.rfile.read(length)
        elif "CONTENT_LENGTH" in environ:
            return None  # a GET with a body: the app decides what to do with it
        answer = None
        if self.guard.admits(environ):
            # Everything the light path reads, after the origin rules: an answer kept for it is its answer
            # for this build (a new build has a new Lane, and a new cache).
            key = (_KEY, body, *[environ.get(name) for name in _KEYED])
            kept = self.answers.get(key)
            answer = None if kept is None else (kept[0], list(kept[1]), kept[2])
            if answer is None:
                environ["wsgi.input"] = BytesIO(body)
                answer = self.light.answer(environ)
                if answer is not None:
                    self.answers.keep(key, *answer)
        return Taken(environ, answer, body)


def _environ(handler: KeepAliveHandler, method: str, query: str) -> WSGIEnvironment | None:
    """The part of Werkzeug's environ the light path reads, or None for a request it must not take."""
    server = handler.server
    environ: WSGIEnvironment = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": PATH,
        "QUERY_STRING": query if query.isascii() else query.encode().decode("latin1"),
        "SERVER_NAME": server.server_address[0],
        "SERVER_PORT": str(server.server_address[1]),
        "SERVER_PROTOCOL": handler.request_version,
        "REMOTE_ADDR": handler.address_string(),  # whose share of the workers a heavy query takes
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    for name, value in handler.headers.items():
        lowered = name.lower()
        if lowered in _DECLINED:
            return None
        key = _READ.get(lowered)
        if key is not None:
            if key in environ:
                return None  # Werkzeug joins repeated fields with commas: the app's to read
            environ[key] = value.replace("\r\n", "")
    return environ


def _length(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1
