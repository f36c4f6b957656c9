"""HTTP/1.1 persistent connections in ``kg serve``'s handler (``kg.web.keepalive``), over real sockets."""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.urls import uri_to_iri
from werkzeug.wrappers import Request, Response

from kg.web import keepalive
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


# --- the request head and environ, against Werkzeug's own handler -------------------------------------------


@Request.application
def _environ_app(request: Request) -> Response:
    shown = {k: v for k, v in request.environ.items() if isinstance(v, str | int | bool | tuple)}
    shown.pop("REMOTE_PORT")  # a new connection each time
    shown["input"] = request.get_data().decode("latin-1")
    return Response(json.dumps(shown, sort_keys=True), content_type="application/json")


@pytest.fixture(scope="module")
def environ_ports() -> Iterator[tuple[int, int]]:
    """The environ app served by kg's handler and by Werkzeug's ``WSGIRequestHandler``."""
    servers = [
        make_server("127.0.0.1", 0, _environ_app, threaded=True, request_handler=handler)
        for handler in (LimitedRequestHandler, WSGIRequestHandler)
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield servers[0].port, servers[1].port
    for server in servers:
        server.shutdown()
        server.server_close()


def _environ(port: int, request: bytes) -> dict[str, object]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        answer = _exchange(sock, request)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n", 1)[0], head
    if b"chunked" in head:
        body = b"".join(body.split(b"\r\n")[1::2])
    found: dict[str, object] = json.loads(body)
    return found


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /sparql?query=SELECT%20*%20%7B%7D&x=%C3%A9 HTTP/1.1\r\nHost: a.example:8080\r\n\r\n",
        b"GET /caf%C3%A9/%2F?q#frag HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /a#b?c HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /a? HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /\xc3\xa9t\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",  # raw UTF-8 in the target
        b"GET http://other.example/p?q=1 HTTP/1.1\r\nHost: x\r\n\r\n",  # absolute form: Werkzeug's path
        b"GET //double/slash HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nAccept: a/b\r\naccept: c/d\r\nX_Under: 1\r\nX-Tab:\tv\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Latin: caf\xe9\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
        b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        b"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    ],
)
def test_the_environ_is_werkzeugs(environ_ports: tuple[int, int], request_bytes: bytes) -> None:
    """kg's head parser and ``make_environ`` (``kg.web.request_head``, ``KeepAliveHandler``) give the app
    what Werkzeug's handler gives it, key for key."""
    ours, werkzeugs = (_environ(port, request_bytes) for port in environ_ports)
    ours.pop("SERVER_PORT"), werkzeugs.pop("SERVER_PORT")
    assert ours == werkzeugs


def test_trailing_white_space_is_not_part_of_a_value(environ_ports: tuple[int, int]) -> None:
    """RFC 9112 §5.1: ``field-name ":" OWS field-value OWS``; Python's ``email`` parser kept the trailing
    white space in the value (the one place kg's environ differs from Werkzeug's, on purpose)."""
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Tab:\t v \t\r\n\r\n"
    ours, werkzeugs = (_environ(port, request) for port in environ_ports)
    assert ours["HTTP_X_TAB"] == "v" and werkzeugs["HTTP_X_TAB"] == "v \t"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),  # RFC 9112 §5.1: space before the colon
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400),  # §5.2: obs-fold
        (b"GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
        (b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 8200 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(101)) + b"\r\n", 431),
        (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        (b"GET / HTTX/1.1\r\nHost: x\r\n\r\n", 400),
    ],
)
def test_a_bad_head_is_refused(port: int, request_bytes: bytes, status: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request_bytes)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == str(status).encode()
    assert b"Connection: close" in answer


def test_expect_100_continue_is_answered_once(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        interim = sock.recv(65536)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        answer = _exchange(sock, b"hello")
    assert answer.endswith(b"got:hello") and b"100 Continue" not in answer


def test_the_access_log_line_is_werkzeugs(
    port: int,
    environ_ports: tuple[int, int],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same line Werkzeug logs, without its colours, on standard error."""
    request = b"GET /caf%C3%A9?q=%22x%22 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        _environ(environ_ports[1], request)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        _exchange(sock, request)
    theirs = next(r.getMessage() for r in caplog.records if "caf" in r.getMessage())
    ours = next(line for line in capsys.readouterr().err.splitlines() if "caf" in line)
    assert ours == theirs and '"GET /café?q="x" HTTP/1.1" 200 -' in ours


def test_a_plain_path_is_logged_as_uri_to_iri_gives_it() -> None:
    """The access log skips Werkzeug's ``uri_to_iri`` for the paths it gives back unchanged."""
    chances = random.Random(12)
    printable = [chr(c) for c in range(33, 127)]
    plain = 0
    for _ in range(50_000):
        path = "/" + "".join(chances.choice(printable) for _ in range(chances.randint(0, 10)))
        if keepalive._plain(path):
            plain += 1
            assert uri_to_iri(path) == path, path
    assert plain > 10_000  # the check ran on many paths, not a few
    assert not keepalive._plain("/caf%C3%A9") and not keepalive._plain("/a?") and not keepalive._plain("//x")
