"""Content negotiation: ``Accept`` with q-values, a ``format`` parameter, a file suffix -> a format.

Pure functions, no Flask: the views ask "which of these do I answer with?" and get an ``RdfFormat``, a
``ResultsFormat``, ``"html"`` or ``None`` (then the caller answers 406 with :func:`describe_offers`).
Rules follow RFC 9110 §12.5.1: the most specific media range that matches an offer gives its quality;
``q=0`` means "not acceptable"; ties go to the server's order of preference.

>>> negotiate("text/turtle;q=0.5, application/ld+json", RDF_OFFERS)
<RdfFormat.JSONLD: ...>
>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", with_html(RDF_OFFERS))
'html'
>>> negotiate("application/x-evil", RDF_OFFERS) is None
True
>>> from_name("ttl", RDF_OFFERS)
<RdfFormat.TURTLE: ...>
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from kg.formats import RdfFormat, ResultsFormat

Html = Literal["html"]
Choice = RdfFormat | ResultsFormat | Html
T = TypeVar("T")

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_ACCEPT_LENGTH = 4096
MAX_RANGES = 64
_TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
# A ``format``/``output`` value: a short name or a media type. Anything else (CR, LF, ';', spaces) is a 400.
FORMAT_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+.-]{0,40}(?:/[A-Za-z0-9][A-Za-z0-9+.-]{0,60})?$")


class BadFormatParameter(ValueError):
    """A ``format`` parameter that is not a well-formed name or media type (answered with 400)."""


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exact, 2 ``type/*``, 1 ``*/*``, 0 no."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == "*":
            return 2
        if self.type == main and self.subtype == sub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header; malformed elements are skipped, never an error.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/*;q=0.3, text/turtle, x;q=2")]
    [('text', '*', 0.3), ('text', 'turtle', 1.0)]
    """
    if not header:
        return []
    ranges: list[MediaRange] = []
    for element in header[:MAX_ACCEPT_LENGTH].split(",")[:MAX_RANGES]:
        parts = [p.strip() for p in element.split(";")]
        main, slash, sub = parts[0].lower().partition("/")
        if not slash or not _TOKEN.match(main) or not _TOKEN.match(sub) or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0.0 <= q <= 1.0:
            ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The quality the client gives ``media_type``: that of the most specific matching range, else 0."""
    best, best_q = 0, 0.0
    for r in ranges:
        specificity = r.matches(media_type)
        if specificity > best:
            best, best_q = specificity, r.q
    return best_q


Offers = Sequence[tuple[str, T]]


def negotiate(accept: str | None, offers: Offers[T]) -> T | None:
    """The offer the client prefers; the first offer when there is no usable ``Accept``; None for 406.

    ``offers`` are ``(media type, value)`` pairs in the server's order of preference; a value may appear
    under several media types (aliases).
    """
    ranges = parse_accept(accept)
    if not ranges:
        # No header, or nothing parseable in it: RFC 9110 lets the server pick.
        return offers[0][1] if offers else None
    # The first media type of a value is its own: an exact ``q=0`` for it refuses the value, whatever
    # its aliases would match (``text/html;q=0, */*`` is not a request for XHTML).
    primary: dict[T, str] = {}
    for media_type, value in offers:
        primary.setdefault(value, media_type)
    refused = {
        value
        for media_type, value in offers
        if primary[value] == media_type and any(r.matches(media_type) == 3 and r.q == 0 for r in ranges)
    }
    best: T | None = None
    best_q = 0.0
    for media_type, value in offers:
        q = quality(ranges, media_type)
        if q > best_q and value not in refused:
            best, best_q = value, q
    return best


def _rdf_offers(formats: Sequence[RdfFormat]) -> list[tuple[str, RdfFormat]]:
    primary = [(f.media_type, f) for f in formats]
    aliases = [(m, f) for f in formats for m in f.media_types[1:]]
    return primary + aliases


RDF_OFFERS: list[tuple[str, RdfFormat]] = _rdf_offers(
    [
        RdfFormat.TURTLE,
        RdfFormat.JSONLD,
        RdfFormat.NTRIPLES,
        RdfFormat.RDFXML,
        RdfFormat.TRIG,
        RdfFormat.NQUADS,
    ]
)
"""CONSTRUCT/DESCRIBE results and whole graphs: every RDF format, Turtle first."""

RESOURCE_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)
RESOURCE_OFFERS: list[tuple[str, RdfFormat]] = [
    *_rdf_offers(RESOURCE_FORMATS),
    ("application/json", RdfFormat.JSONLD),
]
"""The description of one resource: the four triple formats; a client asking plain JSON gets JSON-LD (which
is JSON), as Linked Data clients such as pyld and fetch() users expect, instead of a 406."""

RESULTS_OFFERS: list[tuple[str, ResultsFormat]] = [(f.media_type, f) for f in ResultsFormat] + [
    (m, f) for f in ResultsFormat for m in f.media_types[1:]
]
"""SELECT results: SPARQL JSON first, then XML, CSV, TSV."""

BOOLEAN_OFFERS: list[tuple[str, ResultsFormat]] = list(RESULTS_OFFERS)
"""ASK results. SPARQL 1.1 CSV/TSV (§1) define no boolean form; as Oxigraph's server (and SPARQLWrapper,
which asks ``text/csv`` for an ASK in CSV) expect, the body is the bare word ``true`` or ``false``."""


def with_html(offers: Offers[T], *, first: bool = False) -> list[tuple[str, T | Html]]:
    """The same offers plus HTML (last, or first when a browser page is the default)."""
    html: list[tuple[str, T | Html]] = [(m, "html") for m in HTML_TYPES]
    rest: list[tuple[str, T | Html]] = list(offers)
    return html + rest if first else rest + html


def from_name(name: str, offers: Offers[T]) -> T | None:
    """The offer a ``format`` parameter names (``ttl``, ``turtle``, ``json``, ``html``, a media type...).

    :raises BadFormatParameter: when the value is not a plausible name (header injection, junk).
    """
    if not FORMAT_VALUE.match(name):
        raise BadFormatParameter("the format parameter must be a format name or a media type")
    key = name.lower()
    for media_type, value in offers:
        if key == media_type or key in _names(value):
            return value
    return None


def _names(value: object) -> tuple[str, ...]:
    if value == "html":
        return ("html", "htm")
    if value == "text":
        return ("txt", "text")
    if isinstance(value, RdfFormat):
        extra = {
            RdfFormat.TURTLE: ("turtle", "n3"),  # a Turtle document is N3: SPARQLWrapper asks N3
            RdfFormat.NTRIPLES: ("ntriples", "n-triples"),
            RdfFormat.JSONLD: ("json-ld", "json"),
            RdfFormat.RDFXML: ("rdfxml", "rdf/xml", "xml", "rdf", "rdf+xml"),
            RdfFormat.TRIG: (),
            RdfFormat.NQUADS: ("nquads", "n-quads"),
        }[value]
        return (value.extension, value.name.lower(), *extra)
    if isinstance(value, ResultsFormat):
        return (value.extension, value.name.lower())
    return (value,) if isinstance(value, str) else ()


def from_suffix(suffix: str, offers: Offers[T]) -> T | None:
    """The offer a URL suffix names (``ttl``, ``jsonld``, ``nt``, ``rdf``, ``html``); None when unknown."""
    key = suffix.lower()
    for _, value in offers:
        names = _names(value)
        if names and names[0] == key:
            return value
    return None


def describe_offers(offers: Offers[object]) -> str:
    """The list a 406 answer gives: each media type once, in order."""
    seen: list[str] = []
    for media_type, _ in offers:
        if media_type not in seen:
            seen.append(media_type)
    return ", ".join(seen)


def choose(
    accept: str | None, format_param: str | None, offers: Offers[T], *, suffix: str | None = None
) -> T | None:
    """The answer format: a URL suffix wins, then a ``format`` parameter, then ``Accept``."""
    if suffix is not None:
        return from_suffix(suffix, offers)
    if format_param:
        return from_name(format_param, offers)
    return negotiate(accept, offers)


def choose_among(
    accept: str | None, values: Sequence[str], offers: Offers[T], known: Offers[object]
) -> T | None:
    """The answer format of a SPARQL request whose ``format``/``output``/``results`` gave ``values``.

    Values naming the same offer are one choice (``tsv`` and ``text/tab-separated-values``); a value may list
    media types (``application/ld+json,application/x-json+ld``: the first one offered counts). A value that
    names a format of another query form (``turtle`` for a SELECT: SPARQLWrapper sends it, warns, and asks
    ``*/*``) leaves the choice to ``Accept``; a value no form knows gets None (406), junk a 400.

    :raises BadFormatParameter: junk, or values that name two different offers.
    """
    chosen: list[T] = []
    unknown = False
    for value in values:
        names = [part.strip() for part in value.split(",") if part.strip()] or [value]
        found = next((f for f in (from_name(name, offers) for name in names) if f is not None), None)
        if found is not None:
            chosen.append(found)
        elif all(from_name(name, known) is None for name in names):
            unknown = True
    distinct = list(dict.fromkeys(chosen))
    if len(distinct) > 1:
        raise BadFormatParameter("give one format (format, output or results name different ones)")
    if distinct:
        return distinct[0]
    return None if unknown else negotiate(accept, offers)
