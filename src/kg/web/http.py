"""HTTP plumbing shared by the blueprints: errors, negotiation, revalidation, RDF bodies, safety headers.

Every view that answers a representation of the served data takes the same steps: :func:`chosen_format`
picks the format (or stops with 404 for an unknown suffix, 406 when nothing is acceptable),
:func:`page_variant` gives an HTML page's language and the answer's ``Vary``, and :func:`representation`
answers ``304 Not Modified`` or renders, with the validators and caching headers either way. A view says
only what it offers and how it renders each format.

Security headers follow security.md §5: ``nosniff``, a strict Content-Security-Policy that our pages
satisfy (no script but the JSON-LD data block, nothing external), CORS ``*`` without credentials (every
endpoint is read-only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from flask import Response, abort, request
from rdflib import Graph

from kg.dumps import jsonld_context
from kg.formats import TEXT_PLAIN, RdfFormat
from kg.web.labels import choose_language
from kg.web.negotiation import BadFormatParameter, Offers, choose, describe_offers
from kg.web.origin import header_url
from kg.web.state import AppState

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
EXPOSED_HEADERS = (
    "ETag, Link, Location, Content-Location, Retry-After, "
    "X-KG-Truncated, X-KG-Row-Limit, X-KG-Rows, X-KG-Unbound"
)
T = TypeVar("T")


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer: errors never echo user input into HTML."""
    body = message if message.endswith("\n") else message + "\n"
    response = Response(body, status=status, content_type=TEXT_PLAIN)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def not_acceptable(offers: Offers[object]) -> Response:
    """406 listing what can be asked for."""
    response = text_response(406, f"Not Acceptable. This resource is available as: {describe_offers(offers)}")
    response.vary.add("Accept")
    return response


def etag_for(version: str, *parts: object) -> str:
    """A validator for one representation of one dataset version."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return f"{version[:16]}-{digest}"


def not_modified(etag: str, modified: datetime | None) -> bool:
    """True when the client's copy is current (``If-None-Match`` first, else ``If-Modified-Since``)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and modified is not None and modified <= since


def cacheable(
    response: Response,
    etag: str,
    modified: datetime | None,
    max_age: int,
    vary: Iterable[str] = (),
) -> Response:
    """Add ``ETag``, ``Last-Modified``, ``Cache-Control`` and ``Vary``."""
    response.set_etag(etag, weak=True)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    for name in vary:
        response.vary.add(name)
    return response


def chosen_format(offers: Offers[T], suffix: str | None = None) -> T:
    """The format asked for: the one a URL suffix names, else by ``?format=`` then ``Accept``.

    :raises HTTPException: 404 for a suffix not in ``offers``; 400 for a ``format`` value that is no name
        (``?format=a;b``); the 406 answer when none is acceptable.
    """
    try:
        chosen = choose(request.headers.get("Accept"), request.args.get("format"), offers, suffix=suffix)
    except BadFormatParameter as exc:
        abort(text_response(400, str(exc)))
    if chosen is None:
        abort(404 if suffix is not None else not_acceptable(offers))
    return chosen


def page_variant(fmt: object, *, negotiated: bool) -> tuple[str, list[str]]:
    """The language of an HTML page (``""`` for data) and the ``Vary`` of the answer.

    ``Accept`` when the format was negotiated (not named by a suffix); ``Accept-Language`` when the page's
    language came from that header rather than ``?lang=``.
    """
    vary = ["Accept"] if negotiated else []
    if fmt != "html":
        return "", vary
    if "lang" not in request.args:
        vary.append("Accept-Language")
    return choose_language(request.args.get("lang"), request.headers.get("Accept-Language")), vary


def representation(
    st: AppState,
    etag: str,
    render: Callable[[], Response],
    *,
    vary: Sequence[str] = (),
    content_location: str | None = None,
) -> Response:
    """One representation of the served data: ``304 Not Modified`` when the client's copy is current
    (RFC 9110 §13.1.2), else ``render()``; either way with ``ETag``, ``Cache-Control``, ``Vary`` and
    ``Content-Location``, which a 304 must repeat (RFC 9110 §15.4.5).

    ``render`` runs only when a body is needed; an answer of it that is not a 200 (an error) goes out as
    it is, without validators, so that no cache keeps it.
    """
    modified = st.dataset.modified
    if not_modified(etag, modified):
        response = Response(status=304)
    else:
        response = render()
        if response.status_code != 200:
            return response
    if content_location is not None:
        response.headers["Content-Location"] = content_location
    return cacheable(response, etag, modified, st.options.cache_seconds, vary)


def see_other(target: str, link: str, max_age: int | None = None) -> Response:
    """``303 See Other`` from a thing's IRI to the negotiated document that describes it."""
    response = text_response(303, f"See Other: {target}", {"Location": target, "Link": link})
    response.vary.add("Accept")
    if max_age is not None:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    return response


def serialize(graph: Graph, fmt: RdfFormat) -> bytes:
    """An rdflib graph in one RDF format (JSON-LD compacted with the published context)."""
    if fmt is RdfFormat.JSONLD:
        context = jsonld_context()["@context"]
        return graph.serialize(format="json-ld", context=context, auto_compact=True, indent=1).encode()
    if fmt in (RdfFormat.NTRIPLES, RdfFormat.NQUADS):
        # A plain graph is the default graph of a dataset: its N-Quads are its N-Triples (RDF 1.1 N-Quads
        # §2), which rdflib's N-Quads writer refuses to write for a graph that is not a dataset.
        lines = graph.serialize(format="nt").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode()
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def rdf_response(body: bytes, fmt: RdfFormat, status: int = 200) -> Response:
    response = Response(body, status=status)
    response.content_type = (
        f"{fmt.media_type}; charset=utf-8" if fmt is not RdfFormat.RDFXML else fmt.media_type
    )
    return response


def link_header(links: Sequence[tuple[str, str, str | None]], title: str | None = None) -> str:
    """``Link`` value (RFC 8288 §3) from ``(url, rel, media type)`` triples.

    A URL holds parts of the request (its path, its root), so it is percent-encoded where it could end the
    ``<...>`` target or the header (:func:`kg.web.origin.header_url`); ``rel``, ``type`` and ``title`` are
    ours, never the client's.
    """
    parts = []
    for url, rel, media_type in links:
        part = f'<{header_url(url)}>; rel="{rel}"'
        if media_type:
            part += f'; type="{media_type}"'
        if title:
            part += f'; title="{title}"'
        parts.append(part)
    return ", ".join(parts)


def safety_headers() -> list[tuple[str, str]]:
    """The headers :func:`apply_safety_headers` gives an answer that had none of them, in its order."""
    return [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Content-Security-Policy", CSP),
        ("X-Frame-Options", "DENY"),
        # Every endpoint is read-only and public: any origin may read, never with credentials.
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
    ]


_CORS = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers")


def apply_safety_headers(response: Response) -> Response:
    """Headers every answer carries (after_request)."""
    headers = response.headers
    for name in ("Location", "Content-Location"):  # URLs made from the request: never a second header
        if name in headers:
            headers[name] = header_url(headers[name])
    for name, value in safety_headers():
        if name in _CORS:
            headers[name] = value
        else:
            headers.setdefault(name, value)
    headers.pop("Access-Control-Allow-Credentials", None)
    return response


def preflight() -> Response:
    """Answer a CORS preflight: simple reads and form or query POSTs, no credentials."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type, If-None-Match"
    response.headers["Access-Control-Max-Age"] = "3600"
    response.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    return response
