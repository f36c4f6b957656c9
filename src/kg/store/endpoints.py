"""Where a remote store answers, from its URL: the server kind names its endpoints.

``oxigraph+http://HOST:PORT``: Oxigraph server (``/query``, ``/store``); ``virtuoso+http://HOST:PORT``:
Virtuoso 7 (``/sparql``, and ``/sparql-graph-crud`` for the SPARQL 1.1 Graph Store HTTP Protocol). Writes
go through the Graph Store protocol only. ``+https`` works too; hosts off loopback only when allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from kg.errors import StoreError
from kg.store.http import check_url

Kind = Literal["oxigraph", "virtuoso"]
_PATHS: dict[Kind, tuple[str, str]] = {
    "oxigraph": ("/query", "/store"),
    "virtuoso": ("/sparql", "/sparql-graph-crud"),
}
_SKIP = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_FORM = re.compile(r"(?<![?$:\w])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers: its kind, its query endpoint and its Graph Store endpoint."""

    kind: Kind
    query: str
    graphs: str

    @classmethod
    def parse(cls, url: str, *, allow_remote: bool = False) -> Endpoints:
        """``oxigraph+http://host:port`` or ``virtuoso+http://host:port`` (``+https`` too).

        :raises StoreError: an unknown kind, a malformed URL, or a host off loopback (unless allowed).
        """
        kind, _, rest = url.partition("+")
        if kind not in _PATHS or not rest:
            raise StoreError(
                f"store URL {url!r}: expected oxigraph+http://HOST:PORT or virtuoso+http://HOST:PORT"
            )
        check_url(rest, allow_remote=allow_remote)
        base = rest.rstrip("/")
        if urlsplit(base).query:
            raise StoreError(f"store URL {url!r}: no query string expected")
        query, graphs = (base + p for p in _PATHS[kind])
        return cls(kind, query, graphs)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside IRIs, strings and comments (the
    Accept header to send depends on it; the public endpoint's guard has checked the query already)."""
    found = _FORM.search(_SKIP.sub(" ", text))
    return found[1].upper() if found else "SELECT"
