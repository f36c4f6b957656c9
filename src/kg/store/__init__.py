"""The store: every SPARQL query and every quad the server reads goes through a store of this package.

``Store`` (``kg.store.interface``) is what the server needs; ``KgStore`` is the embedded pyoxigraph store
(``kg.store.embedded``), the default, and ``RemoteStore`` (``kg.store.remote``) a SPARQL 1.1 server spoken
to over HTTP only. ``kg.store.terms`` reads and writes terms and results, ``kg.store.syntaxes`` the dumps in
every RDF syntax; they and the embedded store are the only modules that import pyoxigraph.
"""

from kg.store.embedded import Bounded, KgStore
from kg.store.interface import Store
from kg.store.syntaxes import (
    canonical_dumps,
    canonical_nquads,
    fragment_dumps,
    ntriples_document,
    write_file_dump,
)
from kg.store.terms import CappedResult, QueryResult, Term, display, parse_to_nquads

__all__ = [
    "Bounded",
    "CappedResult",
    "KgStore",
    "QueryResult",
    "Store",
    "Term",
    "canonical_dumps",
    "canonical_nquads",
    "display",
    "fragment_dumps",
    "ntriples_document",
    "parse_to_nquads",
    "write_file_dump",
]
