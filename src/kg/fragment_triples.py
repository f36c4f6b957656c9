"""The triples of a graph's fragment (``kg.fragments``: N-Quads kg wrote, one named graph), as rdflib terms.

A release graph's part of ``kg validate`` parsed its fragment with rdflib's N-Triples parser, which reads each
line through a dozen small regular expressions and method calls: a third of the part's time at 10^6 triples
(profiled). kg writes each statement on one line, in canonical form. A line of IRIs and of a literal without
escapes is read here with one regular expression, and its terms are made by the calls rdflib's parser makes
(``URIRef(iri)``, ``Literal(lexical, language, datatype)``, N-Triples §2.4 grammar). Any other line (a blank
node, an escape, a form kg does not write) goes to rdflib's parser, at its place in the order, with one
blank-node context for the whole text: the same triples, in the same order, as rdflib's parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

# An absolute IRI without the characters rdflib's URIRef warns of (or N-Triples escapes); rdflib's parser
# reads `<([^:]+:[^\s"<>]*)>`: this is a subset of it, which it reads as it is (no `\u` escape in it).
_IRI = r'([A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*)'
_LINE = re.compile(
    rf'<{_IRI}> <{_IRI}> (?:<{_IRI}>|"([^"\\\r\n]*)"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^<{_IRI}>)?)'
    r' <[^<>"\s]*> \.'
)

_GRAPH_NAME = re.compile(r' <[^<>"\s]*> \.\s*$')


class _Sink:
    def __init__(self) -> None:
        self.found: list[Triple] = []

    def triple(self, s: Node, p: Node, o: Node) -> None:
        self.found.append((s, p, o))


def fragment_triples(text: str) -> Iterator[Triple]:
    """The triples of the N-Quads ``text`` of one named graph, in order, as rdflib's N-Triples parser reads
    them (each line without its graph name)."""
    iris: dict[str, URIRef] = {}
    sink = _Sink()
    parser: W3CNTriplesParser | None = None
    for line in text.splitlines():
        match = _LINE.fullmatch(line)
        if match is None:
            if line.strip():
                if parser is None:  # one parser: one blank-node context for the text, as in one parse
                    parser = W3CNTriplesParser(sink)  # type: ignore[arg-type]
                # without its graph name (none: as it is, and rdflib says what is wrong)
                parser.parsestring(_GRAPH_NAME.sub(" .", line) + "\n")
                yield from sink.found
                sink.found.clear()
            continue
        s, p, o, lexical, language, datatype = match.groups()
        subject = iris.get(s) or iris.setdefault(s, URIRef(s))
        predicate = iris.get(p) or iris.setdefault(p, URIRef(p))
        if o is not None:
            yield subject, predicate, iris.get(o) or iris.setdefault(o, URIRef(o))
        else:
            kind = (
                None
                if datatype is None
                else (iris.get(datatype) or iris.setdefault(datatype, URIRef(datatype)))
            )
            yield subject, predicate, Literal(lexical, language or None, kind)


__all__ = ["Triple", "fragment_triples"]
