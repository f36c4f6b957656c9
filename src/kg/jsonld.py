"""Compacted JSON-LD of a graph's triples, written directly (JSON-LD 1.1 API §6 Compaction Algorithms).

The published context (``dist/context.jsonld``) only defines prefixes, so compaction comes down to three
rules: an IRI that starts with a prefix's namespace is written ``prefix:rest`` (§6.3 IRI Compaction; every
namespace ends in ``/`` or ``#``, so each prefix may be used so), ``rdf:type`` values become ``@type``, and
a literal is a JSON string when it is an ``xsd:string``, else a value object with its ``@language`` or
``@type``. Nodes come in the order of the triples given (sorted canonical N-Triples): the same graph gives
the same bytes. rdflib's general JSON-LD writer took about 7 s at a thousand projects for this document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Term(NamedTuple):
    """An RDF term as plain strings: ``kind`` is ``iri``, ``bnode`` (``value``: its label) or ``literal``."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # The longest namespace first: "https://schema.org/" before a shorter one it extends.
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self._cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self._cache.get(iri)
        if found is None:
            found = iri
            for name, namespace in self._prefixes:
                rest = iri[len(namespace) :]
                if iri.startswith(namespace) and rest and not rest.startswith("//"):
                    found = f"{name}:{rest}"
                    break
            self._cache[iri] = found
        return found

    def node_id(self, term: Term) -> str:
        return f"_:{term.value}" if term.kind == "bnode" else self.iri(term.value)

    def value(self, term: Term) -> Any:
        if term.kind != "literal":
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype in (None, XSD_STRING):
            return term.value
        return {"@value": term.value, "@type": self.iri(term.datatype or XSD_STRING)}


def compacted_jsonld(triples: Iterable[Sequence[Term]], context: Mapping[str, str]) -> bytes:
    """The document ``{"@context": context, "@graph": [...]}`` of the (subject, predicate, object) triples;
    ``context`` maps prefixes to namespaces."""
    compact = _Compactor(context)
    nodes: dict[tuple[str, str], dict[str, Any]] = {}
    for subject, predicate, obj in triples:
        key = (subject.kind, subject.value)
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = {"@id": compact.node_id(subject)}
        _add(node, compact, predicate, obj)
    return _document(context, [json.dumps(_ordered(node), ensure_ascii=False) for node in nodes.values()])


def grouped_jsonld(triples: Iterable[Sequence[Term]], context: Mapping[str, str]) -> bytes:
    """``compacted_jsonld`` of triples grouped by subject (as sorted N-Triples give them), the same bytes:
    each node is written as soon as its subject's triples end, so only one is held (at ten million
    triples, the whole graph as nodes did not fit in memory).

    :raises ValueError: when a subject's triples are not all together.
    """
    compact = _Compactor(context)
    lines: list[str] = []
    done: set[tuple[str, str]] = set()
    key: tuple[str, str] | None = None
    node: dict[str, Any] = {}
    for subject, predicate, obj in triples:
        if (subject.kind, subject.value) != key:
            if key is not None:
                lines.append(json.dumps(_ordered(node), ensure_ascii=False))
                done.add(key)
            key = (subject.kind, subject.value)
            if key in done:
                raise ValueError(f"the triples of {subject.value} are not grouped")
            node = {"@id": compact.node_id(subject)}
        _add(node, compact, predicate, obj)
    if key is not None:
        lines.append(json.dumps(_ordered(node), ensure_ascii=False))
    return _document(context, lines)


def _add(node: dict[str, Any], compact: _Compactor, predicate: Term, obj: Term) -> None:
    if predicate.value == RDF_TYPE and obj.kind != "literal":
        name, value = "@type", compact.node_id(obj)
    else:
        name, value = compact.iri(predicate.value), compact.value(obj)
    if name not in node:
        node[name] = value
    elif isinstance(node[name], list):
        node[name].append(value)
    else:
        node[name] = [node[name], value]


def _document(context: Mapping[str, str], nodes: list[str]) -> bytes:
    # One node per line: json's C encoder only runs without indentation, and it is five times faster.
    head = json.dumps({"@context": dict(context)}, indent=1, ensure_ascii=False)[:-2]
    lines = ",\n  ".join(nodes)
    graph = f"[\n  {lines}\n ]" if lines else "[]"
    return f'{head},\n "@graph": {graph}\n}}\n'.encode()


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    """``@id``, then ``@type``, then the properties by name: a stable, readable order."""
    keys = ["@id", *(["@type"] if "@type" in node else []), *sorted(k for k in node if not k.startswith("@"))]
    return {key: node[key] for key in keys}
