"""HTTP/1.1 persistent connections in ``kg serve``'s handler (``kg.web.keepalive``), over real sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from kg.web.serve import LimitedRequestHandler


@Request.application
def _app(request: Request) -> Response:
    if request.path == "/echo":
        return Response(b"got:" + request.get_data())
    if request.path == "/stream":
        return Response(iter([b"a", b"b"]))  # no Content-Length: chunked
    return Response(b"ok")  # never reads a body


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = make_server("127.0.0.1", 0, _app, threaded=True, request_handler=LimitedRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.port
    server.shutdown()
    server.server_close()


def _exchange(sock: socket.socket, request: bytes, answers: int = 1) -> bytes:
    sock.sendall(request)
    data = b""
    while data.count(b"HTTP/1.1 ") < answers or not _complete(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _complete(data: bytes) -> bool:
    last = data[data.rfind(b"HTTP/1.1 ") :]
    head, _, body = last.partition(b"\r\n\r\n")
    if b"chunked" in head:
        return body.endswith(b"0\r\n\r\n")
    length = next(
        (int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0
    )
    return len(body) >= length


def test_one_connection_serves_many_requests(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        first = _exchange(sock, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        echoed = _exchange(sock, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        streamed = _exchange(sock, b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        pipelined = _exchange(sock, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 2, answers=2)
        assert b"Connection: close" not in first + echoed + streamed + pipelined
        assert first.endswith(b"ok") and echoed.endswith(b"got:hello")
        assert b"Transfer-Encoding: chunked" in streamed and streamed.endswith(
            b"1\r\na\r\n1\r\nb\r\n0\r\n\r\n"
        )
        assert pipelined.count(b"HTTP/1.1 200") == 2


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",  # a body the app never read
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",
    ],
)
def test_the_connection_closes_when_it_must(port: int, request_bytes: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        answer = _exchange(sock, request_bytes)
        assert b" 200 " in answer.split(b"\r\n", 1)[0] and b"Connection: close" in answer
        rest = b""
        while chunk := sock.recv(65536):  # then the server closes: no second request is read from the body
            rest += chunk
        assert b"HTTP/1.1" not in rest
