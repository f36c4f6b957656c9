"""Read a SPARQL 1.1 Protocol query request (https://www.w3.org/TR/sparql11-protocol/#query-operation).

Pure: method, content type, raw query string and raw body in; a :class:`ProtocolRequest` (or None when
there is no query: the service description) or a :class:`ProtocolError` with its HTTP status out. Bytes are
decoded strictly as UTF-8 (§2.1.2, §2.1.3: other encodings are a client error), parameters are counted
(two ``query`` values are a 400), and update requests are refused whatever their shape (§2.2: this endpoint
has no update operation).

>>> parse("GET", None, b"query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fex%2Fg", b"").query
'ASK {}'
>>> parse("POST", "application/sparql-update", b"", b"CLEAR ALL")
Traceback (most recent call last):
...
kg.web.protocol.ProtocolError: 415: SPARQL Update is not accepted by this read-only endpoint
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
FORMAT_PARAMS = ("format", "output", "results")  # Fuseki's, Virtuoso's and SPARQLWrapper's names


class ProtocolError(Exception):
    """A request the protocol does not allow; ``status`` is the HTTP answer (400, 405, 415)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ProtocolRequest:
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """The distinct values of ``format``, ``output`` and ``results``, in order. Clients send the same choice
    under several names (SPARQLWrapper sends all three, and for TSV both ``tsv`` and its media type): what
    they mean, and whether they agree, depends on the query form (``kg.web.sparql``)."""


def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    if not raw:
        return []  # what parse_qsl gives: a POSTed query has no query string, and this is its request
    try:
        text = raw.decode("ascii")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(400, f"the {where} is not valid percent-encoded UTF-8") from exc


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    if not content_type:
        return "", {}
    main, *params = (p.strip() for p in content_type.split(";"))
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"').lower()
    return main.lower(), parsed


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _check_no_update(params: list[tuple[str, str]]) -> None:
    if any(key in UPDATE_PARAMS for key, _ in params):
        raise ProtocolError(400, "SPARQL Update is not accepted by this read-only endpoint")


def parse(method: str, content_type: str | None, query_string: bytes, body: bytes) -> ProtocolRequest | None:
    """The query request carried by an HTTP request; None for a GET without ``query``.

    :raises ProtocolError: for anything SPARQL 1.1 Protocol §2.1 does not allow, or an update.
    """
    url_params = _decode_params(query_string, "query string")
    _check_no_update(url_params)
    if method in ("GET", "HEAD"):
        return _from_params(url_params, url_params, required=False)
    if method != "POST":
        raise ProtocolError(405, f"{method} is not allowed; use GET or POST")
    media_type, options = _media_type(content_type)
    charset = options.get("charset", "utf-8")
    if media_type == SPARQL_UPDATE:
        raise ProtocolError(415, "SPARQL Update is not accepted by this read-only endpoint")
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the request body must be UTF-8, not {charset[:40]}")
    if media_type == FORM:
        body_params = _decode_params(body, "form body")
        _check_no_update(body_params)
        if _values(url_params, "query"):
            raise ProtocolError(400, "send the query in the form body, not also in the URL")
        return _from_params(body_params, url_params + body_params, required=True)
    if media_type == SPARQL_QUERY:
        if _values(url_params, "query"):
            raise ProtocolError(400, "a direct POST carries the query in its body, not in the URL")
        try:
            text = body.decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, "the query is not valid UTF-8") from exc
        if not text.strip():
            raise ProtocolError(400, "the request body holds no query")
        return _request(text, url_params)
    shown = media_type[:60] or "none"
    raise ProtocolError(415, f"POST a query as {FORM} or {SPARQL_QUERY}; the Content-Type was {shown}")


def _from_params(
    query_params: list[tuple[str, str]], all_params: list[tuple[str, str]], *, required: bool
) -> ProtocolRequest | None:
    queries = _values(query_params, "query")
    if len(queries) > 1:
        raise ProtocolError(400, "exactly one query parameter is allowed")
    if not queries:
        if required:
            raise ProtocolError(400, "the form holds no query parameter")
        return None
    if not queries[0].strip():
        raise ProtocolError(400, "the query parameter is empty")
    return _request(queries[0], all_params)


def _request(text: str, params: list[tuple[str, str]]) -> ProtocolRequest:
    if not params:
        return ProtocolRequest(query=text)  # a POSTed query without parameters: nothing to look for
    formats = [value for name in FORMAT_PARAMS for value in _values(params, name) if value.strip()]
    for name in ("default-graph-uri", "named-graph-uri"):
        for value in _values(params, name):
            if not value or any(c in value for c in ' <>"{}|\\^`\r\n\t'):
                raise ProtocolError(400, f"{name} must be an IRI")
    return ProtocolRequest(
        query=text,
        default_graphs=tuple(dict.fromkeys(_values(params, "default-graph-uri"))),
        named_graphs=tuple(dict.fromkeys(_values(params, "named-graph-uri"))),
        formats=tuple(dict.fromkeys(formats)),
    )
