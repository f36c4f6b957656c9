"""The store: every SPARQL query and every quad the server reads goes through a store of this package.

``KgStore`` is the embedded pyoxigraph store (``kg.store.embedded``), the default; ``kg.store.terms`` reads
and writes terms, results and RDF syntaxes. Only these two modules import pyoxigraph.
"""

from kg.store.embedded import KgStore
from kg.store.terms import CappedResult, QueryResult, Term, canonical_dumps, display, parse_to_nquads

__all__ = ["CappedResult", "KgStore", "QueryResult", "Term", "canonical_dumps", "display", "parse_to_nquads"]
