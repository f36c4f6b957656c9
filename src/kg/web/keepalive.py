"""Werkzeug's request handler with HTTP/1.1 persistent connections (RFC 9112 §9.3).

Werkzeug 3.1's ``run_wsgi`` closes every connection after one answer ("They aren't handled well by Python's
http.server because it doesn't know how to drain the stream before the next request line") and then waits
up to 10 ms draining the socket. So every request paid a TCP handshake and a new thread, and a client that
sent its next request at once could lose it to the drain (issue 12: Oxigraph keeps connections alive; for a
point lookup this was most of our cost). This handler knows where a request body ends: the body is
``Content-Length`` bytes, read through :class:`Body`, which never reads past it. When the app has read it
all (or there was none), the connection stays open for the next request; otherwise, or for a chunked body,
HTTP/1.0, ``Connection: close`` or an error, the answer says ``Connection: close`` and the rest of the body
is discarded as Werkzeug does. A connection idle for the handler's ``timeout`` is closed by http.server.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import selectors
import socket
import sys
import threading
import time
from collections.abc import Iterable
from io import BytesIO
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug.exceptions import InternalServerError
from werkzeug.http import parse_set_header
from werkzeug.serving import DechunkedInput, WSGIRequestHandler
from werkzeug.urls import uri_to_iri

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_NO_BODY = (204, 304)
_ACCESS_LOG = threading.Lock()


@functools.lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    return email.utils.formatdate(second, usegmt=True)


def http_date() -> str:
    """The ``Date`` of an answer (RFC 9110 §6.6.1), made once a second."""
    return _http_date(int(time.time()))


@functools.lru_cache(maxsize=2)
def _log_date(second: int) -> str:
    year, month, day, hour, minute, seconds, *_ = time.localtime(second)
    return f"{day:02d}/{_MONTHS[month - 1]}/{year:04d} {hour:02d}:{minute:02d}:{seconds:02d}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def log_date() -> str:
    """The time of an access log line, as ``http.server`` writes it (local time), made once a second."""
    return _log_date(int(time.time()))


def _plain(path: str) -> bool:
    """A path ``uri_to_iri`` gives back as it is (no escape to decode, no fragment, no empty query, no
    authority): ``tests/web/test_keepalive.py`` checks it on random paths of printable ASCII."""
    return path.isascii() and "%" not in path and "#" not in path and path[-1:] != "?" and path[:2] != "//"


def _latin1(text: str) -> str:
    """Werkzeug's ``_wsgi_encoding_dance`` (PEP 3333: UTF-8 bytes as latin-1 characters)."""
    return text if text.isascii() else text.encode().decode("latin1")


def access_log(line: str) -> None:
    """One line on standard error, whole: lines of concurrent requests never interleave."""
    with _ACCESS_LOG:
        sys.stderr.write(line)
        sys.stderr.flush()


def _whole(
    start_response: StartResponse, status: str, headers: list[tuple[str, str]], data: bytes
) -> list[bytes]:
    start_response(status, headers)
    return [data]


_DRAIN_BYTES = 10_000_000


class Body:
    """A request body of known length over the connection's stream: reads stop at its end."""

    def __init__(self, stream: Any, length: int) -> None:
        self._stream = stream
        self.left = length

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self._stream.read(wanted) if wanted else b""
        self.left -= len(data)
        if wanted and not data:
            self.left = -1  # the client closed early: never reuse this connection
        return bytes(data)

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self._stream.readline(wanted) if wanted else b""
        self.left -= len(data)
        return bytes(data)

    def __iter__(self) -> Body:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class KeepAliveHandler(WSGIRequestHandler):
    """Run the app once per request and keep the connection when the request was read to its end."""

    def run_wsgi(self) -> None:
        expect = self.headers.get("Expect", "").lower().strip(" \t") == "100-continue"
        if expect and self.request_version >= "HTTP/1.1":  # RFC 9110 §10.1.1: not to an HTTP/1.0 client
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if self.request_version != "HTTP/1.1":
            self.close_connection = True
        lane = getattr(self.server.app, "lane", None)  # kg.web.lane: light /sparql requests, without WSGI
        taken = None
        if lane is not None and not expect:
            try:
                taken = lane(self)
            except (ConnectionError, TimeoutError):
                self.close_connection = True
                return
            except Exception:  # as a failure of the app: logged, a 500, the connection closed
                self.close_connection = True
                self.log_error("error on request %s %s", self.command, self.path)
                self._run(self.make_environ(), None, InternalServerError())
                return
        if taken is not None and taken.answer is not None:
            status, headers, data = taken.answer
            self._run(
                taken.environ, Body(BytesIO(), 0), lambda _env, start: _whole(start, status, headers, data)
            )
            return
        self.environ = environ = self.make_environ()
        if taken is not None:
            environ.update(taken.handed())  # e.g. a query the lane ran: the app writes its answer
        body: Body | None = None
        if "wsgi.input_terminated" in environ:  # chunked: Werkzeug dechunks; where it ends is unclear
            self.close_connection = True
        else:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.close_connection = True
            else:
                # A body the lane read and declined is the app's as it was sent (short if the client left).
                body = Body(self.rfile if taken is None else BytesIO(taken.body), length)
                environ["wsgi.input"] = body
        self._run(environ, body, self.server.app)

    def _run(self, environ: WSGIEnvironment, body: Body | None, app: WSGIApplication) -> None:
        try:
            self._answer(environ, body, app)
        except (ConnectionError, TimeoutError) as exc:
            self.connection_dropped(exc, environ)
            self.close_connection = True
        if self.close_connection and (body is None or body.left):
            self._drain()

    def make_environ(self) -> WSGIEnvironment:
        """Werkzeug 3.1's ``make_environ``, the same keys and values, for a target in origin-form (RFC 9112
        §3.2.1: a path and a query, the usual case) without its URL parser, its TLS probe and its set-header
        parser: a tenth of a point lookup's time in ``kg serve`` (issue 12). Any other target (absolute,
        ``*``), or a TLS server, is Werkzeug's own."""
        target = self.path
        if target[:1] != "/" or target[:2] == "//" or self.server.ssl_context is not None:
            return super().make_environ()
        # urllib's urlsplit: the fragment is cut first, then the query (a "?" after a "#" is in the fragment)
        path, _, query = target.partition("#")[0].partition("?")
        environ: WSGIEnvironment = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": self.rfile,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": self.server.multithread,
            "wsgi.multiprocess": self.server.multiprocess,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": _latin1(unquote(path)),
            "QUERY_STRING": _latin1(query),
            "REQUEST_URI": (raw := _latin1(target)),
            "RAW_URI": raw,
            "REMOTE_ADDR": self.address_string(),
            "REMOTE_PORT": self.port_integer(),
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
        }
        for name, value in self.headers.items():
            if "_" in name:  # never taken for a hyphen (Werkzeug, like gunicorn)
                continue
            key = name.upper().replace("-", "_")
            value = value.replace("\r\n", "")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        coding = environ.get("HTTP_TRANSFER_ENCODING")
        if coding is not None and "chunked" in parse_set_header(coding):
            environ["wsgi.input_terminated"] = True
            environ["wsgi.input"] = DechunkedInput(environ["wsgi.input"])
        return environ

    def _answer(self, environ: WSGIEnvironment, body: Body | None, app: WSGIApplication) -> None:
        sent: list[bool] = []
        pending: list[tuple[str, list[tuple[str, str]]]] = []
        chunked = [False]

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if exc_info and sent:
                raise exc_info[1].with_traceback(exc_info[2])
            pending[:] = [(status, headers)]
            return write

        def write(data: bytes) -> None:
            if not sent:
                status, headers = pending[0]
                code_text, _, reason = status.partition(" ")
                code = int(code_text)
                bodiless = environ["REQUEST_METHOD"] == "HEAD" or code < 200 or code in _NO_BODY
                head, lengthless = self._head(code, reason, headers)
                if lengthless and not bodiless:
                    if self.request_version == "HTTP/1.1":
                        chunked[0] = True
                        head.append("Transfer-Encoding: chunked\r\n")
                    else:
                        self.close_connection = True
                if body is None or body.left:
                    self.close_connection = True  # the rest of the body would be read as a request
                if self.close_connection:
                    head.append("Connection: close\r\n")
                sent.append(True)
                self.log_request(code)
                if self.request_version == "HTTP/0.9":  # no status line, no header fields (RFC 1945 §4.1)
                    self.wfile.write(data)
                    return
                # Head and first data in one write: two small writes wait on the client's delayed ACK.
                head.append("\r\n")
                self.wfile.write("".join(head).encode("latin-1") + self._framed(data, chunked[0]))
            elif data:
                self.wfile.write(self._framed(data, chunked[0]))

        try:
            result: Iterable[bytes] = app(environ, start_response)
            try:
                for data in result:
                    write(data)
                if not sent:
                    write(b"")
                if chunked[0]:
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except (ConnectionError, TimeoutError):
            raise
        except Exception:
            self.close_connection = True
            if sent:  # too late for an error page: the connection is cut
                raise ConnectionError("the app failed after its answer started") from None
            self.log_error("error on request %s %s", environ["REQUEST_METHOD"], self.path)
            for data in InternalServerError()(environ, start_response):
                write(data)
        self.wfile.flush()

    def _head(self, code: int, reason: str, headers: list[tuple[str, str]]) -> tuple[list[str], bool]:
        """The status line and header lines of an answer, as ``http.server``'s ``send_response`` and
        ``send_header`` write them (a ``Connection`` field sets whether the connection stays open), in one
        string; and whether the app gave no ``Content-Length``."""
        head = [f"{self.protocol_version} {code} {reason}\r\n"]
        head.append(f"Server: {self.version_string()}\r\nDate: {http_date()}\r\n")
        lengthless = True
        for name, value in headers:
            head.append(f"{name}: {value}\r\n")
            lowered = name.lower()
            if lowered == "content-length":
                lengthless = False
            elif lowered == "connection":
                if value.lower() == "close":
                    self.close_connection = True
                elif value.lower() == "keep-alive":
                    self.close_connection = False
        return head, lengthless

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The access log line Werkzeug writes (``"GET /path HTTP/1.1" 200 -``, without its colours), to
        standard error in one write, without a ``logging`` record per request (issue 12)."""
        try:
            target = self.path if _plain(self.path) else uri_to_iri(self.path)
        except AttributeError:  # the request line was bad
            message = self.requestline
        else:
            message = f"{self.command} {target} {self.request_version}"
        message = message.translate(self._control_char_table)
        address = self.client_address[0] if self.client_address else "<local>"
        access_log(f'{address} - - [{log_date()}] "{message}" {code} {size}\n')

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):  # later writes of a long answer go out at once too
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @staticmethod
    def _framed(data: bytes, chunked: bool) -> bytes:
        if not data:
            return b""
        return b"%x\r\n%s\r\n" % (len(data), data) if chunked else data

    def _drain(self) -> None:
        """Discard what the client is still sending (as Werkzeug does), so it sees the answer, not a reset."""
        selector = selectors.DefaultSelector()
        selector.register(self.connection, selectors.EVENT_READ)
        total, reads = 0, 0
        try:
            while selector.select(timeout=0.01):
                data = self.rfile.read1(_DRAIN_BYTES) if hasattr(self.rfile, "read1") else b""
                total, reads = total + len(data), reads + 1
                if not data or total >= 100 * _DRAIN_BYTES or reads > 1000:
                    break
        except OSError:
            pass
        finally:
            selector.close()
