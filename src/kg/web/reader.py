"""Read resources from the store by quad pattern, as rdflib terms, with limits.

Every lookup a URL triggers goes through ``KgStore.quads``, or for incoming links through the store's fixed
counting and paging queries with the IRI bound as a term (never SPARQL text built from a URL); each is
bounded (``islice``, a cap, a page) and deduplicated across named graphs. Store terms are turned into
rdflib terms here, so templates and serializers never see the store's own classes.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.store import Store, Term
from kg.vocab import KG, OA, PREFIXES, SCHEMA
from kg.web.labels import LABEL_PREDICATES, format_amount, pick_label

Node = URIRef | BNode | Literal
MAX_VALUES = 2_000
"""Outgoing triples read for one page; a node with more shows the first ones and says so."""
_AMOUNT_PREDICATES = (str(SCHEMA.value), str(SCHEMA.minValue), str(SCHEMA.maxValue))


def to_rdflib(term: Term) -> Node:
    """A store term as an rdflib term (RDF-star triples become their N-Triples text)."""
    t: Any = term
    if hasattr(t, "subject"):
        return Literal(str(t))
    if hasattr(t, "datatype"):
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        return Literal(t.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    if str(t).startswith("_:"):
        return BNode(t.value)
    return URIRef(t.value)


class ResourceReader:
    """Looks up what the store says about one IRI, for resource pages and descriptions."""

    def __init__(self, store: Store, *, count_cap: int = 250_000, max_values: int = MAX_VALUES) -> None:
        self.store = store
        self.count_cap = count_cap
        self.max_values = max_values
        self._label = lru_cache(maxsize=20_000)(self._label_uncached)
        self._counts = lru_cache(maxsize=4_096)(self._counts_uncached)
        self._graphs: frozenset[str] | None = None

    def graphs(self) -> frozenset[str]:
        if self._graphs is None:
            self._graphs = frozenset(self.store.graphs())
        return self._graphs

    def outgoing(self, iri: str, limit: int | None = None) -> list[tuple[URIRef, Node]]:
        """The (predicate, object) pairs of ``iri``, deduplicated, at most ``limit`` (default max_values)."""
        seen: dict[tuple[str, str], tuple[URIRef, Node]] = {}
        for quad in islice(self.store.quads(subject=iri), limit or self.max_values):
            key = (quad.predicate.value, str(quad.object))
            if key not in seen:
                seen[key] = (URIRef(quad.predicate.value), to_rdflib(quad.object))
        return list(seen.values())

    def exists(self, iri: str) -> bool:
        """True when the store says something about ``iri`` (it is the subject of a triple)."""
        return next(self.store.quads(subject=iri), None) is not None

    def _self_term(self, iri: str) -> Term | None:
        # KgStore.quads takes the object as a store term; the store hands us its own term for the IRI.
        quad = next(self.store.quads(subject=iri), None)
        return None if quad is None else quad.subject

    def values(self, iri: str, predicate: str, limit: int = 50) -> list[Node]:
        out: list[Node] = []
        for quad in islice(self.store.quads(subject=iri, predicate=predicate), limit):
            node = to_rdflib(quad.object)
            if node not in out:
                out.append(node)
        return out

    def first(self, iri: str, predicate: str) -> Node | None:
        found = self.values(iri, predicate, limit=1)
        return found[0] if found else None

    def incoming_counts(self, iri: str) -> tuple[dict[str, int], bool]:
        """Incoming links per predicate, counted up to ``count_cap`` links; True when the cap was hit.

        Counts statements: a triple stated in two named graphs counts twice (no build of ours does that).
        The engine counts (``KgStore.predicate_counts``); the answer is kept per IRI, as the store does not
        change while it is served, so paging through a crowded node counts once.
        """
        counts = self._counts(iri)
        return dict(counts), sum(counts.values()) >= self.count_cap

    def _counts_uncached(self, iri: str) -> dict[str, int]:
        return self.store.predicate_counts(iri, self.count_cap)

    def incoming_page(self, iri: str, predicate: str, offset: int, limit: int) -> list[Node]:
        """Subjects linking to ``iri`` through ``predicate``, one page (store order, deduplicated)."""
        return [to_rdflib(s) for s in self.store.subjects(predicate, iri, offset=offset, limit=limit)]

    def describe(self, iri: str) -> Graph:
        """The document of ``iri``: its triples, those of its hash children (``{iri}#quote``), and the money.

        Follow your nose to the figure: a grant's document holds its amount (value, qualifier, currency,
        words), and a project's holds the grants that fund it (``schema:fundedItem``, stated on the grant)
        and their amounts, so a Linked Data client learns how much a project got from one GET.
        """
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        self._add_node(graph, iri, hash_children=True)
        for grant in self.funding(iri):
            graph.add((grant, SCHEMA.fundedItem, URIRef(iri)))
            self._add_node(graph, str(grant), hash_children=False)
        return graph

    def _add_node(self, graph: Graph, iri: str, *, hash_children: bool) -> None:
        subject = URIRef(iri)
        for predicate, obj in self.outgoing(iri):
            graph.add((subject, predicate, obj))
            nested = hash_children and str(obj).startswith(f"{iri}#")
            if isinstance(obj, URIRef) and (nested or predicate == SCHEMA.amount):
                for p2, o2 in self.outgoing(str(obj), limit=200):
                    graph.add((obj, p2, o2))

    def funding(self, iri: str, limit: int = 20) -> list[URIRef]:
        """The grants whose ``schema:fundedItem`` is ``iri`` (a project), at most ``limit``."""
        term = self._self_term(iri)
        if term is None:
            return []
        quads = self.store.quads(predicate=str(SCHEMA.fundedItem), obj=term)
        grants = {to_rdflib(q.subject) for q in islice(quads, limit)}
        return sorted(g for g in grants if isinstance(g, URIRef))

    def literals(self, iri: str, limit: int = 200) -> list[tuple[str, Literal]]:
        return [(str(p), o) for p, o in self.outgoing(iri, limit) if isinstance(o, Literal)]

    def label(self, node: Node, lang: str) -> str | None:
        """The label of a node in ``lang`` (an amount's label is the amount in words), or None."""
        if not isinstance(node, URIRef):
            return None
        found = self._label(str(node), lang)
        return found[0] if found else None

    def label_language(self, node: Node, lang: str) -> str | None:
        """The language of the label shown for ``lang`` when it is another one: a text published in one
        language only (an English-only release on a French page), so a page can say so."""
        found = self._label(str(node), lang) if isinstance(node, URIRef) else None
        tag = (found[1] or "").split("-")[0] if found else ""
        return tag if tag and tag != lang else None

    def _label_uncached(self, iri: str, lang: str) -> tuple[str, str | None] | None:
        pairs = self.outgoing(iri, limit=300)
        by_predicate: dict[str, list[Node]] = {}
        for pred, obj in pairs:
            by_predicate.setdefault(str(pred), []).append(obj)
        if str(KG.qualifier) in by_predicate:
            amount = self.amount_words(by_predicate, lang)
            if amount:
                return amount, None
        for predicate in LABEL_PREDICATES:
            literals = [
                (str(o), o.language) for o in by_predicate.get(predicate, []) if isinstance(o, Literal)
            ]
            if literals:
                text = pick_label(literals, lang)
                tags = sorted(
                    (tag or "" for value, tag in literals if value == text), key=lambda t: t != lang
                )
                return (text, tags[0] or None) if text is not None else None
        return None

    @staticmethod
    def amount_words(by_predicate: dict[str, list[Node]], lang: str) -> str | None:
        """``over $2,000,000`` from kg:qualifier, schema:value/minValue/maxValue, currency, kg:period."""
        qualifier = by_predicate.get(str(KG.qualifier), [None])[0]
        figure = next((by_predicate[p][0] for p in _AMOUNT_PREDICATES if p in by_predicate), None)
        currency = by_predicate.get(str(SCHEMA.currency), [None])[0]
        period = by_predicate.get(str(KG.period), [None])[0]
        local = str(qualifier).rsplit("#", 1)[-1] if qualifier is not None else None
        return format_amount(
            local,
            str(figure) if figure is not None else None,
            str(currency) if currency is not None else None,
            str(period) if period is not None else None,
            lang,
        )

    def quote(self, evidence: str) -> str | None:
        """The source sentence of an evidence node: kg:evidence -> oa:hasSelector -> oa:exact."""
        for selector in self.values(evidence, str(OA.hasSelector), limit=10):
            if isinstance(selector, URIRef):
                exact = self.first(str(selector), str(OA.exact))
                if exact is not None:
                    return str(exact)
        return None

    def instances(self, class_iri: str, limit: int) -> list[Node]:
        """Up to ``limit`` resources typed ``class_iri`` (the class must be described in the store)."""
        term = self._self_term(class_iri)
        if term is None:
            return []
        found: dict[str, Node] = {}
        for quad in self.store.quads(predicate=str(RDF.type), obj=term):
            found.setdefault(str(quad.subject), to_rdflib(quad.subject))
            if len(found) >= limit:
                break
        return list(found.values())

    def types(self, iri: str) -> list[URIRef]:
        return [t for t in self.values(iri, str(RDF.type), limit=50) if isinstance(t, URIRef)]

    def all_quads(self) -> Iterator[tuple[str, str, str, str]]:
        """Every quad as ``(subject, predicate IRI, object, graph IRI or "")``, for VoID statistics."""
        for quad in self.store.quads():
            graph: Any = quad.graph_name
            name = graph.value if str(graph).startswith("<") else ""
            yield str(quad.subject), quad.predicate.value, str(quad.object), name
