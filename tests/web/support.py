"""Helpers for the web tests: a server on a loopback port in a thread, and a raw HTTP client."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.serving import make_server


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@contextmanager
def running(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port (Werkzeug, threaded) and yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="kg-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def fetch(
    base: str,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | Iterable[bytes] | None = None,
    timeout: float = 30,
) -> Reply:
    """One request with http.client: the path is sent exactly as given (no normalisation, no redirects).

    An iterable body is sent chunked. A server may answer (413) and close before the whole body is sent;
    the answer is still read.
    """
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        try:
            chunked = body is not None and not isinstance(body, bytes)
            conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer is waiting in the socket
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()
