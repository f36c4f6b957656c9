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
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, NamedTuple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Term(NamedTuple):
    """An RDF term as plain strings: ``kind`` is ``iri``, ``bnode`` (``value``: its label) or ``literal``."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None


_CACHED = 1 << 16
"""IRIs whose compact form is kept: every IRI of a graph of 10^7 triples was hundreds of MB of the writer."""


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # The longest namespace first: "https://schema.org/" before a shorter one it extends.
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self._names = {namespace: name for name, namespace in reversed(self._prefixes)}
        # The first namespace of that order an IRI starts with, found in one match (regular expression
        # alternatives are tried in order).
        self._any = re.compile("|".join(re.escape(namespace) for _, namespace in self._prefixes) or "(?!)")
        self.cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = iri
            first = self._any.match(iri)
            if first is not None:
                rest = iri[first.end() :]
                if rest and not rest.startswith("//"):
                    found = f"{self._names[first.group()]}:{rest}"
                else:  # that namespace leaves nothing, or "//": a shorter one may do
                    for name, namespace in self._prefixes:
                        rest = iri[len(namespace) :]
                        if iri.startswith(namespace) and rest and not rest.startswith("//"):
                            found = f"{name}:{rest}"
                            break
            if len(self.cache) >= _CACHED:  # the IRIs that recur (predicates, classes) come back first
                self.cache.clear()
            self.cache[iri] = found
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


# A line of canonical N-Triples (RDF 1.1 N-Triples §2; the form Oxigraph writes: one space between terms, no
# comment, an IRI without escapes): subject, predicate, then an IRI, a blank node or a literal.
_LINE = re.compile(
    r'(?:<([^>]*)>|_:(\S+)) <([^>]*)> (?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@(\S+)|\^\^<([^>]*)>)?) \.'
)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescaped(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code:
        return chr(int(code, 16))
    if match.group(3) not in _ECHAR:
        raise ValueError(f"not an N-Triples escape: {match.group(0)!r}")
    return _ECHAR[match.group(3)]


def ntriples_jsonld(lines: Iterable[str], context: Mapping[str, str]) -> bytes:
    """``compacted_jsonld`` of the triples of sorted canonical N-Triples ``lines`` (``kg.nt``), the same
    bytes, read from the text, each node written as soon as its subject's lines end, so only one is held (at
    ten million triples, the whole graph as nodes did not fit in memory). Parsing a million lines into terms
    and each term into a :class:`Term` was three quarters of the time of writing ``kg.jsonld``, the longest
    dump of a build.

    :raises ValueError: for a line that is not canonical N-Triples, or the subjects' lines not together and in
        order.
    """
    return _document(context, list(_ntriples_nodes(lines, context)))


def write_ntriples_jsonld(lines: Iterable[str], context: Mapping[str, str], out: BinaryIO) -> None:
    """``ntriples_jsonld`` written to ``out`` a node at a time: the document is never held whole (at 10^7
    triples, its nodes as strings, joined and encoded, were three copies of a gigabyte)."""
    head, tail = _frame(context)
    out.write(head)
    separator = b"[\n  "
    for node in _ntriples_nodes(lines, context):
        out.write(separator + node.encode())
        separator = b",\n  "
    out.write(b"[]" + tail if separator == b"[\n  " else b"\n ]" + tail)


def _ntriples_nodes(lines: Iterable[str], context: Mapping[str, str]) -> Iterator[str]:
    """The nodes of ``ntriples_jsonld``, each as its line of JSON, in order."""
    compact = _Compactor(context)
    known = compact.cache  # looked up here first: most IRIs recur, and a call costs more than the lookup
    # The subjects as the lines begin with them: sorted lines give them in ascending order (a subject ends
    # at a space, which no IRI or label holds), so a subject seen before comes out of order. A set of the
    # subjects seen held a million strings at 10^7 triples.
    last = ""
    key: str | None = None
    node: dict[str, Any] = {}
    for line in lines:
        match = _LINE.fullmatch(line)
        if match is None:
            if not line.strip():
                continue
            raise ValueError(f"not a line of canonical N-Triples: {line[:200]!r}")
        iri, blank, predicate, target, other, lexical, language, datatype = match.groups()
        subject = iri if iri is not None else f"_:{blank}"
        if subject != key:
            if key is not None:
                yield json.dumps(_ordered(node), ensure_ascii=False)
            opening = f"<{iri}>" if iri is not None else subject
            if opening <= last:
                raise ValueError(f"the triples of {subject} are not grouped (or the lines not sorted)")
            last = opening
            key, node = subject, {"@id": (known.get(iri) or compact.iri(iri)) if iri is not None else subject}
        value: Any
        if lexical is None:  # a node
            identifier = (known.get(target) or compact.iri(target)) if target is not None else f"_:{other}"
            if predicate == RDF_TYPE:
                _put(node, "@type", identifier)
                continue
            value = {"@id": identifier}
        else:
            text = _ESCAPE.sub(_unescaped, lexical) if "\\" in lexical else lexical
            if language is not None:
                value = {"@value": text, "@language": language}
            elif datatype is None or datatype == XSD_STRING:
                value = text
            else:
                value = {"@value": text, "@type": known.get(datatype) or compact.iri(datatype)}
        _put(node, known.get(predicate) or compact.iri(predicate), value)
    if key is not None:
        yield json.dumps(_ordered(node), ensure_ascii=False)


def _put(node: dict[str, Any], name: str, value: Any) -> None:
    if name not in node:
        node[name] = value
    elif isinstance(node[name], list):
        node[name].append(value)
    else:
        node[name] = [node[name], value]


def _add(node: dict[str, Any], compact: _Compactor, predicate: Term, obj: Term) -> None:
    if predicate.value == RDF_TYPE and obj.kind != "literal":
        name, value = "@type", compact.node_id(obj)
    else:
        name, value = compact.iri(predicate.value), compact.value(obj)
    _put(node, name, value)


def _document(context: Mapping[str, str], nodes: list[str]) -> bytes:
    # One node per line: json's C encoder only runs without indentation, and it is five times faster.
    head, tail = _frame(context)
    lines = ",\n  ".join(nodes)
    graph = f"[\n  {lines}\n ]" if lines else "[]"
    return head + graph.encode() + tail


def _frame(context: Mapping[str, str]) -> tuple[bytes, bytes]:
    """What comes before a document's list of nodes, and after it."""
    head = json.dumps({"@context": dict(context)}, indent=1, ensure_ascii=False)[:-2]
    return f'{head},\n "@graph": '.encode(), b"\n}\n"


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    """``@id``, then ``@type``, then the properties by name: a stable, readable order."""
    keys = ["@id", *(["@type"] if "@type" in node else []), *sorted(k for k in node if not k.startswith("@"))]
    return {key: node[key] for key in keys}
