"""What a resource page shows, as plain dataclasses the templates render (no Flask here).

Links are made only for ``http(s)`` IRIs; IRIs minted under the base become local paths, so a development
server browses its own data (http://127.0.0.1:5000/project/x stands for {base}project/x).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.vocab import KG, KG_ONTOLOGY, OA, SCHEMA
from kg.web.labels import humanize, short_name
from kg.web.reader import Node, ResourceReader
from kg.web.termlabels import term_label

MAX_EVIDENCE = 100
MAX_INCOMING_GROUPS = 50


@dataclass(frozen=True)
class Link:
    """An IRI as a person sees it: its label, and where a click goes (None: not a web address)."""

    iri: str
    label: str
    href: str | None
    short: str
    lang: str | None = None
    """The language of the label when it is not the page's (a text published in one language only)."""


@dataclass(frozen=True)
class Value:
    text: str
    link: Link | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class PropertyRow:
    predicate: Link
    values: list[Value]


@dataclass(frozen=True)
class IncomingGroup:
    predicate: Link
    count: int
    subjects: list[Link]
    page: int
    pages: int


@dataclass(frozen=True)
class EvidenceRow:
    field: str
    quote: str | None
    evidence: Link
    source: Link | None


@dataclass
class ResourcePage:
    iri: str
    label: str
    label_lang: str | None = None
    """The language of the label when it is not the page's: a text published in one language only (an
    English-only release on the French page) is shown in its language and said to be, never left empty."""
    types: list[Link] = field(default_factory=list)
    properties: list[PropertyRow] = field(default_factory=list)
    incoming: list[IncomingGroup] = field(default_factory=list)
    incoming_capped: bool = False
    evidence: list[EvidenceRow] = field(default_factory=list)
    quote: str | None = None
    truncated: bool = False
    jsonld: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Linker:
    """Turns IRIs into hrefs: local paths under the base and the ontology, external http(s) as they are."""

    base: str
    root: str = ""
    lang: str | None = None
    """The language the reader chose (``?lang=``): local hrefs keep it, so French pages link to French."""

    def href(self, iri: str) -> str | None:
        if iri.startswith(self.base):
            path, hash_, fragment = iri[len(self.base) :].partition("#")
            return f"{self.root}/{path}{self._query()}{hash_}{fragment}"
        if iri == KG_ONTOLOGY or iri.startswith(f"{KG_ONTOLOGY}#"):
            return f"{self.root}/ontology{self._query()}{iri[len(KG_ONTOLOGY) :]}"
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    def _query(self) -> str:
        return f"?lang={self.lang}" if self.lang in ("en", "fr") else ""

    def local_path(self, iri: str) -> str | None:
        """The path a minted IRI is served at, or None for IRIs outside the base."""
        return f"/{iri[len(self.base) :]}" if iri.startswith(self.base) else None


class PageBuilder:
    """Builds resource pages from a reader, in one language."""

    def __init__(self, reader: ResourceReader, linker: Linker, lang: str) -> None:
        self.reader = reader
        self.linker = linker
        self.lang = lang

    def link(self, node: Node) -> Link:
        iri = str(node)
        label = self.reader.label(node, self.lang) or term_label(iri, self.lang)
        short = short_name(iri)
        if label is None:
            local = self.linker.local_path(iri)
            label = local.lstrip("/") if local else humanize(iri) if short != iri else iri
        return Link(iri, label, self.linker.href(iri), short, self.reader.label_language(node, self.lang))

    def predicate_link(self, predicate: str) -> Link:
        # The table first: an outside term's label in the store (if any) may be English only.
        label = term_label(predicate, self.lang) or self.reader.label(URIRef(predicate), self.lang)
        label = label or humanize(predicate)
        return Link(predicate, label, self.linker.href(predicate), short_name(predicate))

    def value(self, node: Node) -> Value:
        if isinstance(node, URIRef):
            return Value(str(node), link=self.link(node))
        if isinstance(node, BNode):
            return Value(f"_:{node}")
        datatype = short_name(str(node.datatype)) if node.datatype is not None else None
        return Value(str(node), lang=node.language, datatype=datatype)

    def resource(
        self, iri: str, *, incoming_predicate: str | None = None, page: int = 1, size: int = 20
    ) -> ResourcePage:
        pairs = self.reader.outgoing(iri)
        result = ResourcePage(
            iri=iri, label=self.reader.label(URIRef(iri), self.lang) or self.link(URIRef(iri)).label
        )
        result.label_lang = self.reader.label_language(URIRef(iri), self.lang)
        result.truncated = len(pairs) >= self.reader.max_values
        grouped: dict[str, list[Node]] = {}
        for pred, obj in pairs:
            grouped.setdefault(str(pred), []).append(obj)
        result.types = sorted(
            (self.link(t) for t in grouped.pop(str(RDF.type), []) if isinstance(t, URIRef)),
            key=lambda link: link.label.lower(),
        )
        rows = []
        for predicate, objects in grouped.items():
            ordered = sorted(objects, key=lambda o: (not _in_language(o, self.lang), str(o)))
            rows.append(PropertyRow(self.predicate_link(predicate), [self.value(o) for o in ordered]))
        result.properties = sorted(rows, key=lambda row: row.predicate.label.lower())
        result.evidence = self.evidence(grouped.get(str(KG.evidence), []))
        if str(OA.hasSelector) in grouped:
            result.quote = self.reader.quote(iri)
        result.incoming, result.incoming_capped = self.incoming(iri, incoming_predicate, page, size)
        result.jsonld = schema_jsonld(iri, pairs, self._embedded(iri, grouped))
        return result

    def _embedded(self, iri: str, grouped: dict[str, list[Node]]) -> dict[str, Any]:
        """What the page's schema.org block states in place rather than by reference: a grant's amount, and
        a project's grants (``funding``) with theirs, so a search engine reads how much, not just a link."""
        extra: dict[str, Any] = {}
        amounts = [o for o in grouped.get(str(SCHEMA.amount), []) if isinstance(o, URIRef)]
        if amounts:
            extra["amount"] = [schema_jsonld(str(a), self.reader.outgoing(str(a))) for a in amounts]
        grants = self.reader.funding(iri)
        if grants:
            extra["funding"] = []
            for grant in grants:
                pairs = [(p, o) for p, o in self.reader.outgoing(str(grant)) if p != SCHEMA.fundedItem]
                inner = {str(p): o for p, o in pairs if p == SCHEMA.amount and isinstance(o, URIRef)}
                nested = {
                    "amount": [schema_jsonld(str(a), self.reader.outgoing(str(a))) for a in inner.values()]
                }
                extra["funding"].append(schema_jsonld(str(grant), pairs, nested))
        return extra

    def evidence(self, nodes: list[Node]) -> list[EvidenceRow]:
        rows = []
        for node in nodes[:MAX_EVIDENCE]:
            if not isinstance(node, URIRef):
                continue
            evidence = str(node)
            field_name = self.reader.first(evidence, str(KG.evidenceField))
            source = self.reader.first(evidence, str(OA.hasSource))
            rows.append(
                EvidenceRow(
                    field=str(field_name) if field_name is not None else "",
                    quote=self.reader.quote(evidence),
                    evidence=self.link(node),
                    source=self.link(source) if isinstance(source, URIRef) else None,
                )
            )
        return sorted(rows, key=lambda row: (row.field, row.evidence.iri))

    def incoming(
        self, iri: str, selected: str | None, page: int, size: int
    ) -> tuple[list[IncomingGroup], bool]:
        counts, capped = self.reader.incoming_counts(iri)
        groups = []
        for predicate, count in sorted(counts.items())[:MAX_INCOMING_GROUPS]:
            pages = max(1, -(-count // size))
            current = min(max(page, 1), pages) if predicate == selected else 1
            subjects = self.reader.incoming_page(iri, predicate, (current - 1) * size, size)
            groups.append(
                IncomingGroup(
                    self.predicate_link(predicate), count, [self.link(s) for s in subjects], current, pages
                )
            )
        return sorted(groups, key=lambda g: g.predicate.label.lower()), capped


def _in_language(node: Node, lang: str) -> bool:
    return isinstance(node, Literal) and (node.language or "").split("-")[0] == lang


SCHEMA_CONTEXT = {"@vocab": str(SCHEMA)}
"""The page blocks' context, inline: ``"@context": "https://schema.org/"`` would make a JSON-LD processor
fetch schema.org's context (no processor works offline with it), whose ``@vocab`` is ``http://schema.org/``,
so the block expanded to other IRIs than the graph's ``https://schema.org/`` terms."""


def schema_jsonld(
    iri: str, pairs: list[tuple[URIRef, Node]], embedded: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The schema.org statements about ``iri`` as compact JSON-LD, for the page's data block.

    ``embedded`` replaces the references of some properties by the nodes themselves (an amount's value and
    currency); the nested nodes carry no ``@context`` of their own.
    """
    schema = str(SCHEMA)
    doc: dict[str, Any] = {"@context": SCHEMA_CONTEXT, "@id": iri}
    types = [str(o)[len(schema) :] for p, o in pairs if p == RDF.type and str(o).startswith(schema)]
    if types:
        doc["@type"] = types if len(types) > 1 else types[0]
    for predicate, obj in pairs:
        name = str(predicate)
        if not name.startswith(schema):
            continue
        key = name[len(schema) :]
        value: Any
        if isinstance(obj, URIRef):
            value = {"@id": str(obj)}
        elif isinstance(obj, Literal) and obj.language:
            value = {"@value": str(obj), "@language": obj.language}
        elif isinstance(obj, Literal) and obj.datatype is not None and obj.datatype != XSD.string:
            value = {"@value": str(obj), "@type": str(obj.datatype)}  # expands to the graph's own literal
        else:
            value = str(obj)
        doc.setdefault(key, []).append(value)
    for key, nodes in (embedded or {}).items():
        doc[key] = [{k: v for k, v in node.items() if k != "@context"} for node in nodes]
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in doc.items()}
