"""One HTTP exchange with a remote store, bounded in time and size (the standard library's ``http.client``).

Every call has a deadline: the connection attempt gets at most ``connect_timeout_s`` and the whole exchange
(send, headers, body) at most ``timeout_s``; the socket's timeout is re-armed to what is left before each
read, so a store that drips bytes cannot stretch a call past its deadline. At the deadline the connection
is closed, which is also what asks the store to stop (Oxigraph server and Virtuoso stop a query whose
client went away only at their own time limits: set them too, docs/serving.md). A body longer than
``max_bytes`` is cut there and said to be cut. Only loopback addresses are spoken to unless the caller
allows others (the project reaches nothing beyond loopback by default).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.errors import StoreError, StoreUnavailable

_CHUNK = 1 << 16
# Virtuoso 7 echoes each graph of a query's dataset in a header of its answer (``X-SPARQL-default-graph``,
# ``X-SPARQL-named-graph``): two per served graph. http.client refuses an answer with over 100 headers,
# which Virtuoso passes at about 50 graphs (10^5 triples of ``kg synth``): every query failed there, read
# as a store that is down (503). Allow one header per graph for 10^4 graphs; the deadline bounds the rest.
_MAX_HEADERS = 20_000
if getattr(http.client, "_MAXHEADERS", 0) < _MAX_HEADERS:
    setattr(http.client, "_MAXHEADERS", _MAX_HEADERS)  # noqa: B010 (a private constant of http.client)


class StoreTimeout(StoreUnavailable):
    """The store did not answer before the deadline (the connection has been closed)."""


@dataclass(frozen=True)
class Reply:
    """A store's answer: status, headers (names in lower case), body, and whether the body was cut."""

    status: int
    headers: dict[str, str]
    body: bytes
    cut: bool = False

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def check_url(url: str, *, allow_remote: bool) -> None:
    """Refuse a store URL that is not http(s), or not on loopback unless ``allow_remote``.

    :raises StoreError: with the URL and the reason, on one line.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"store URL must be http:// or https:// with a host: {url!r}")
    if allow_remote:
        return
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise StoreError(
            f"store URL {url!r} is not on loopback; set KG_STORE_ALLOW_REMOTE=1 for a store on another host"
        )


def call(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout_s: float,
    connect_timeout_s: float = 2.0,
    max_bytes: int = 1 << 30,
) -> Reply:
    """Send one request and read the whole answer before the deadline.

    :raises StoreTimeout: no complete answer within ``timeout_s``.
    :raises StoreUnavailable: the connection was refused, reset or broken.
    """
    deadline = time.monotonic() + timeout_s
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname or "", parts.port, timeout=min(connect_timeout_s, timeout_s))
    where = f"{parts.scheme}://{parts.netloc}"
    try:
        conn.connect()
        _arm(conn, deadline)
        conn.request(method, path, body=body, headers=headers or {})
        _arm(conn, deadline)
        response = conn.getresponse()
        chunks: list[bytes] = []
        size, cut = 0, False
        while True:
            _arm(conn, deadline)
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                cut = True
                break
        found = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, found, b"".join(chunks)[:max_bytes] if cut else b"".join(chunks), cut)
    except TimeoutError:
        raise StoreTimeout(f"the store at {where} did not answer within {timeout_s:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}".rstrip(": ")
        raise StoreUnavailable(f"the store at {where} is unavailable ({reason})") from None
    finally:
        conn.close()


def _arm(conn: http.client.HTTPConnection, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if conn.sock is not None:
        sock: socket.socket = conn.sock
        sock.settimeout(left)
