"""Virtuoso's dataset of every served graph: the store's other graphs left out by name, ours not listed.

A dataset listing every served graph (one ``default-graph-uri`` / ``named-graph-uri`` each) is compiled by
Virtuoso 7.2 into an ``IN`` of that many arguments on every triple pattern: about 10 ms of optimiser per
graph on each new query text, 2 s at 4,000 graphs, and ``SP030: Too many arguments for standard built-in
function`` from about 5,000 (10^7 triples: 5,495 release graphs). A graph group (one IRI, expanded when the
query runs) compiles at once but runs each pattern once per member graph: with 6,000 groups members a point
lookup took 300 ms and a two-pattern join 2.4-4.8 s, against 6-8 ms here (docs/serving.md). So, when a
query is over every served graph and there are more than ``LISTED_MAX``, ``kg`` names no dataset, which on
Virtuoso is every graph of the store, and leaves out the store's *other* graphs (its own system graphs, and
anything not under the graph prefix) with ``define input:default-graph-exclude`` /
``input:named-graph-exclude``: a ``NOT IN`` of a few IRIs, tested per row, never iterated. Up to
``LISTED_MAX`` graphs the dataset is listed as before: Virtuoso 7.2.5 answers ``GRAPH <iri> { }`` (a constant
graph) with nothing once any exclusion is defined, so past ``LISTED_MAX`` such a query is refused with the
forms that work (``FROM <iri>``, ``VALUES ?g { <iri> } GRAPH ?g``) rather than answered empty.

The graphs are listed by ``GROUP BY ?g`` (200 ms at 6,000 graphs), not ``DISTINCT ?g``, which Virtuoso
7.2.5 ran past its 10 s limit on the same 14,000 quads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import QueryError, StoreError

LIST_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# Listed up to here: ~10 ms of optimiser per graph on a new query text, bearable; past it, excluded.
LISTED_MAX = 1_000
# A store serving kg holds Virtuoso's own graphs (3 on 7.2.5) besides ours; each left-out graph is one more
# define of every query. Past this many, the store holds someone else's data: serve from a store of its own.
MAX_OTHERS = 200
_BAD_IRI = re.compile(r'[<>"{}|^`\\\s]')
_TOKENS = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_GRAPH_CONSTANT = re.compile(r"(?<![?$:\w])GRAPH\s*(?:<|[A-Za-z_][\w.-]*:|:)", re.IGNORECASE)


def refuse_graph_constants(text: str) -> None:
    """Refuse ``GRAPH <iri>`` / ``GRAPH prefix:name`` (strings and comments aside), which Virtuoso answers
    with nothing when graphs are excluded (``GRAPH ?g`` is answered right).

    :raises QueryError: the query names a graph by a constant.
    """
    bare = _TOKENS.sub(lambda m: " <> " if m[0].startswith("<") else " ", text)  # IRIs kept as "<>"
    if _GRAPH_CONSTANT.search(bare):
        raise QueryError(
            f"this store serves over {LISTED_MAX} graphs from Virtuoso, which answers GRAPH <iri> with "
            "nothing there: use FROM <iri>, or VALUES ?g { <iri> } GRAPH ?g { ... }"
        )


@dataclass(frozen=True)
class StoreGraphs:
    """The named graphs of a store: those served (under the graph prefix) and the others."""

    served: tuple[str, ...]
    others: tuple[str, ...]

    @classmethod
    def split(cls, names: Iterable[str], prefix: str) -> StoreGraphs:
        found = sorted(set(names))
        served = tuple(g for g in found if g.startswith(prefix))
        return cls(served, tuple(g for g in found if not g.startswith(prefix)))

    def exclusions(self, url: str, prefix: str) -> str:
        """The defines that leave every other graph out of the default graph and of the named graphs.

        :raises StoreError: too many other graphs, or one whose IRI cannot be written in a define (it would
            otherwise be part of every answer).
        """
        if len(self.others) > MAX_OTHERS:
            raise StoreError(
                f"the store at {url} holds {len(self.others)} graphs outside {prefix}: serve from a Virtuoso "
                f"holding kg's graphs only (at most {MAX_OTHERS} others)"
            )
        lines = []
        for graph in self.others:
            if _BAD_IRI.search(graph):
                raise StoreError(f"the store at {url} holds graph {graph!r}: no define can leave it out")
            lines.append(
                f"define input:default-graph-exclude <{graph}>\ndefine input:named-graph-exclude <{graph}>\n"
            )
        return "".join(lines)
