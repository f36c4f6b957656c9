"""Helpers for the web tests: a server on a loopback port in a thread or a process, a raw HTTP client."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

_ROOT = Path(__file__).resolve().parents[2]
_URL = re.compile(r"(?:on|at:?) (http://127\.0\.0\.1:\d+)")


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
def running(app: WSGIApplication) -> Iterator[str]:
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


@contextmanager
def server(args: list[str], env: dict[str, str], timeout: float = 90) -> Iterator[str]:
    """Start a server process, wait for the line giving its URL, yield the URL, then stop it."""
    process = subprocess.Popen(
        args,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=_ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    url = None
    try:
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("server did not start:\n" + "".join(log)) from None
            log.append(line)
            if (match := _URL.search(line)) is not None:
                url = match.group(1)
            if process.poll() is not None and lines.empty():
                raise AssertionError("server exited:\n" + "".join(log))
        _wait_ready(url)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if process.stdout is not None:
            process.stdout.close()


def _wait_ready(url: str) -> None:
    for _ in range(100):
        try:
            if fetch(url, "/-/health", timeout=5).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered /-/health")
