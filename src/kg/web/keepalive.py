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
import selectors
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import InternalServerError
from werkzeug.serving import WSGIRequestHandler

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

_NO_BODY = (204, 304)
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
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
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
                body = Body(self.rfile, length)
                environ["wsgi.input"] = body
        if self.request_version != "HTTP/1.1":
            self.close_connection = True
        try:
            self._answer(environ, body)
        except (ConnectionError, TimeoutError) as exc:
            self.connection_dropped(exc, environ)
            self.close_connection = True
        if self.close_connection and (body is None or body.left):
            self._drain()

    def _answer(self, environ: WSGIEnvironment, body: Body | None) -> None:
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
                code = int(status.split(" ", 1)[0])
                self.send_response(code, status.split(" ", 1)[1] if " " in status else "")
                names = set()
                for name, value in headers:
                    self.send_header(name, value)
                    names.add(name.lower())
                bodiless = environ["REQUEST_METHOD"] == "HEAD" or code < 200 or code in _NO_BODY
                if "content-length" not in names and not bodiless:
                    if self.request_version == "HTTP/1.1":
                        chunked[0] = True
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.close_connection = True
                if body is None or body.left:
                    self.close_connection = True  # the rest of the body would be read as a request
                if self.close_connection:
                    self.send_header("Connection", "close")
                sent.append(True)
                # Head and first data in one write: two small writes wait on the client's delayed ACK.
                self._headers_buffer.append(b"\r\n" + self._framed(data, chunked[0]))
                self.flush_headers()
            elif data:
                self.wfile.write(self._framed(data, chunked[0]))

        try:
            result: Iterable[bytes] = self.server.app(environ, start_response)
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
