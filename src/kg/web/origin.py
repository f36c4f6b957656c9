"""Which origin the server writes into its answers, and which request headers may change it.

Every URL the server writes (the catalog's download and endpoint URLs, VoID, the Service Description,
``Link`` and ``Location`` headers) comes from ``url_for(..., _external=True)``, so from the request's
scheme, ``Host`` and ``SCRIPT_NAME``. :class:`OriginGuard` is the WSGI middleware that decides those before
Flask sees the request, as production frameworks do (Django's ``ALLOWED_HOSTS``, Werkzeug's
``trusted_hosts``, Flask's "Tell Flask it is Behind a Proxy"; security.md §5 "Proxy"):

1. A ``SCRIPT_NAME`` *request header* is never trusted. gunicorn maps it onto the WSGI ``SCRIPT_NAME`` for
   clients in ``--forwarded-allow-ips`` (loopback by default), which let any local client rewrite every
   URL the server writes; the path prefix comes from ``KG_PUBLIC_URL`` or a trusted proxy's
   ``X-Forwarded-Prefix`` instead. A scheme gunicorn took from ``X-Forwarded-Proto`` (or its kin) is
   undone the same way unless proxies are trusted.
2. ``X-Forwarded-For/-Proto/-Host/-Port/-Prefix`` are applied only with ``trusted_proxies = N`` (Werkzeug's
   ``ProxyFix`` with exactly N proxies); otherwise they are ignored.
3. The ``Host`` (after 2) must be one of ``allowed_hosts`` (default: loopback names and the public URL's
   host); any other answers 400, so a foreign ``Host`` is never echoed into the catalog.
4. With ``public_url`` set, every URL written uses it (scheme, host and path prefix), whatever the request.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
ANY_HOST = "*"
# gunicorn's default secure_scheme_headers (27.0.1 config.py), as WSGI keys.
_SCHEME_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_PROTOCOL", "HTTP_X_FORWARDED_SSL")
_HOST = re.compile(
    r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(?P<port>\d{1,5}))?"
)
_WILDCARDS = {"0.0.0.0", "::", "[::]", ""}


@dataclass(frozen=True)
class PublicUrl:
    """The configured public base URL, split as WSGI needs it."""

    scheme: str
    netloc: str
    prefix: str  # "" or "/kg": no trailing slash, as SCRIPT_NAME

    @classmethod
    def parse(cls, url: str) -> PublicUrl:
        """``https://data.example.org/kg/`` -> scheme, host[:port], path prefix.

        :raises ValueError: not an absolute http(s) URL without query, fragment or user info.
        """
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or "@" in parts.netloc
            or parts.query
            or parts.fragment
            or _HOST.fullmatch(parts.netloc) is None
            or unsafe_in_header(parts.path)
        ):
            raise ValueError(f"public URL must be an http(s) URL like https://data.example.org/kg/: {url!r}")
        return cls(parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"))

    @property
    def hostname(self) -> str:
        match = _HOST.fullmatch(self.netloc)
        assert match is not None  # checked by parse
        return match["name"].lower()


def allowed_host_names(configured: str, public: PublicUrl | None, listen_host: str = "") -> frozenset[str]:
    """The host names a request may name: ``configured`` (comma-separated) or, when empty, the loopback
    names, the public URL's host and the interface ``kg serve`` listens on (unless a wildcard).
    ``*`` allows any host (for a server whose every way in is a proxy that sets ``Host`` itself)."""
    names = {n.strip().lower() for n in configured.split(",") if n.strip()}
    if not names:
        names = set(LOOPBACK_HOSTS)
        if listen_host.strip("[]") not in _WILDCARDS:
            names.add(f"[{listen_host.strip('[]')}]" if ":" in listen_host else listen_host.lower())
    if public is not None:
        names.add(public.hostname)
    return frozenset(names)


def host_allowed(host: str | None, allowed: Iterable[str]) -> bool:
    """Whether a ``Host`` (``name[:port]``) names an allowed host; ``.example.org`` allows subdomains."""
    names = set(allowed)
    if ANY_HOST in names:
        return True
    match = _HOST.fullmatch(host or "")
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        return False
    name = match["name"].lower()
    return any(name == ref or (ref.startswith(".") and name.endswith(ref)) for ref in names)


def unsafe_in_header(url: str) -> bool:
    """True for text that must not be put in a header URL (``Link: <...>``, ``Location``) as it is."""
    return any(c in '<>"\\ ' or ord(c) < 0x21 or ord(c) == 0x7F for c in url)


def header_url(url: str) -> str:
    """A URL made safe for a header field: CR, LF, controls, spaces and ``<>"\\`` percent-encoded
    (RFC 8288 §3: a ``Link`` target is a URI-Reference between ``<`` and ``>``), non-ASCII as UTF-8."""
    return quote(url, safe="!#$%&'()*+,-./:;=?@[]_~")


class OriginGuard:
    """WSGI middleware applying the rules of the module docstring, then calling the app."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        allowed: frozenset[str],
        public: PublicUrl | None = None,
        trusted_proxies: int = 0,
    ) -> None:
        self.app = app
        self.allowed = allowed
        self.public = public
        self.trusted_proxies = trusted_proxies
        n = trusted_proxies
        self._proxied = ProxyFix(self._checked, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
        # Whether a Host is allowed, for the first _KNOWN_HOSTS names seen: clients send few (4 us a request).
        self._hosts: dict[str, bool] = {}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        _ignore_header_script_name(environ)
        if self.trusted_proxies:
            return self._proxied(environ, start_response)
        _ignore_forwarded_scheme(environ)
        return self._checked(environ, start_response)

    def _checked(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        # No Host at all (HTTP/1.0 health checks): URLs come from the server's own address, no client's.
        if host is not None and not self._allowed(host):
            body = (
                b"400 Bad Request: this server does not answer for that host name (see KG_ALLOWED_HOSTS).\n"
            )
            start_response(
                "400 Bad Request",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("X-Content-Type-Options", "nosniff"),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [body]
        if self.public is not None:
            _use_public_url(environ, self.public)
        return self.app(environ, start_response)

    def admits(self, environ: WSGIEnvironment) -> bool:
        """These rules applied to a request that does not pass through the middleware (``kg.web.lane``, whose
        environ has no ``SCRIPT_NAME`` header and no gunicorn socket): True, with the public URL applied,
        when the request may be answered without the app; False where the app must answer it (proxies to
        trust, or a ``Host`` missing or refused: the 400 above)."""
        if self.trusted_proxies:
            return False
        host = environ.get("HTTP_HOST")
        if host is None or not self._allowed(host):
            return False
        if self.public is not None:
            _use_public_url(environ, self.public)
        return True

    def _allowed(self, host: str) -> bool:
        allowed = self._hosts.get(host)
        if allowed is None:
            allowed = host_allowed(host, self.allowed)
            if len(self._hosts) < _KNOWN_HOSTS:  # clients may send any number of names: past these, asked
                self._hosts[host] = allowed
        return allowed


_KNOWN_HOSTS = 256


def _ignore_header_script_name(environ: WSGIEnvironment) -> None:
    """Undo a ``SCRIPT_NAME`` gunicorn took from a request header: give its path back to ``PATH_INFO``.

    gunicorn keeps the header as ``HTTP_SCRIPT_NAME`` too, which is how it is recognised; a ``SCRIPT_NAME``
    set in gunicorn's own environment (no such header) is configuration and stays.
    """
    header = environ.pop("HTTP_SCRIPT_NAME", None)
    if header is not None and environ.get("SCRIPT_NAME") == header:
        # gunicorn cut the raw prefix off the path, then decoded the rest (PEP 3333: latin-1 strings).
        prefix = unquote(header, encoding="latin-1")
        environ["PATH_INFO"] = prefix + environ.get("PATH_INFO", "")
        environ["SCRIPT_NAME"] = ""


def _ignore_forwarded_scheme(environ: WSGIEnvironment) -> None:
    """Undo a scheme gunicorn took from ``X-Forwarded-Proto`` (or kin): the socket decides."""
    if any(key in environ for key in _SCHEME_HEADERS) and "gunicorn.socket" in environ:
        environ["wsgi.url_scheme"] = (
            "https" if isinstance(environ["gunicorn.socket"], ssl.SSLSocket) else "http"
        )


def _use_public_url(environ: WSGIEnvironment, public: PublicUrl) -> None:
    environ["wsgi.url_scheme"] = public.scheme
    environ["HTTP_HOST"] = public.netloc
    path = environ.get("PATH_INFO", "")
    if public.prefix and (path == public.prefix or path.startswith(public.prefix + "/")):
        path = path[len(public.prefix) :]  # a proxy that passes the prefix on: route without it
    environ["PATH_INFO"] = path
    environ["SCRIPT_NAME"] = public.prefix


def local_path(script_root: str, path: str) -> str:
    """The request's own path as a link target that can only stay on this origin.

    A link built from the raw path leaves the site: browsers read ``\\`` as ``/`` and drop tabs and
    newlines, so ``/\\evil.example/x`` or ``//evil.example/x`` becomes a scheme-relative link to
    ``evil.example`` (an open redirect on a click). Here every character outside the path alphabet of
    RFC 3986 §3.3 is percent-encoded (``\\`` as ``%5C``) and leading slashes collapse to one.
    """
    encoded = quote(script_root + path, safe="/!$&'()*+,;=:@-._~")
    return "/" + encoded.lstrip("/")
