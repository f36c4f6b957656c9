"""The SPARQL syntax of what ``kg.shacl_core`` compiles: terms, regular expressions, paths and targets.

What cannot be written so that Oxigraph reads it as pyshacl reads it raises :class:`Unsupported` (its shape
stays with pyshacl); a malformed path raises ``ValueError``.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.shacl_terms import CANONICAL, INTEGERS, XSD_INTEGER
from kg.vocab import OWL, RDF, RDFS, SH, XSD

# A regular expression read alike by Python's re (pyshacl) and Rust's regex (Oxigraph): literal characters,
# escaped punctuation, classes of literal characters and ranges, groups, alternatives, anchors, counts.
SAFE_REGEX = re.compile(
    r"(?:[A-Za-z0-9/#:_\- ,;=@!%&'\"~<>]|\\[.\\/\-^$()\[\]{}*+?|]"
    r"|\[\^?-?(?:[A-Za-z0-9/#:_ +.,]|\\[\\\-\]\[.^/]|[A-Za-z0-9]-[A-Za-z0-9])+-?\]"
    r"|[()|^$.*+?]|\{[0-9]+(?:,[0-9]*)?\})*"
)
NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}


class Unsupported(Exception):
    """A form this module does not compile: its top-level shape stays with pyshacl."""


def term(node: Node) -> str:
    if not isinstance(node, URIRef) or any(c in str(node) for c in '<>"{}|\\^` \n'):
        raise Unsupported(f"the term {node.n3()}")
    return f"<{node}>"


def member(node: Node) -> str:
    """A term of ``sh:in`` or ``sh:hasValue``: an IRI, a plain or language-tagged string (typed literals
    are compared as rdflib compares them, lexical forms included: not compiled)."""
    if isinstance(node, URIRef):
        return term(node)
    if isinstance(node, Literal) and node.datatype is None:
        if node.language and node.language != node.language.lower():
            raise Unsupported(f"the language tag of {node.n3()}")
        return string(str(node)) + (f"@{node.language}" if node.language else "")
    raise Unsupported(f"the value {node.n3()}")


def language(node: Node) -> str:
    if not isinstance(node, Literal) or not re.fullmatch(r"[A-Za-z]{1,8}|\*", str(node)):
        raise Unsupported(f"the language range {node.n3()}")  # pyshacl matches a range's first subtag only
    return str(node).lower()


def string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def datatype_test(datatype: Node, v: str) -> str:
    if datatype == RDF.langString:
        return f'isLiteral({v}) && LANG({v}) != ""'
    if not isinstance(datatype, URIRef) or (datatype in CANONICAL and datatype not in _READ_AS):
        raise Unsupported(f"sh:datatype {datatype.n3()}")
    return f"isLiteral({v}) && DATATYPE({v}) = {term(_READ_AS.get(datatype, datatype))}"


# The datatypes Oxigraph reads (kg.shacl_terms lets no other into the data), as its DATATYPE() names them.
_READ_AS = {
    XSD.string: XSD.string,
    XSD.boolean: XSD.boolean,
    XSD.decimal: XSD.decimal,
    XSD.date: XSD.date,
    XSD.dateTime: XSD.dateTime,
    **{d: XSD_INTEGER for d in INTEGERS},
}


def faithful(v: str) -> str:
    """Whether Oxigraph's STR() of ``v`` is the string pyshacl matches (rdflib's lexical form, checked by
    kg.shacl_terms): an IRI, a string, or a literal in canonical form other than a decimal."""
    return f"(isIRI({v}) || (isLiteral({v}) && DATATYPE({v}) != {term(XSD.decimal)}))"


def shape_targets(shapes: Graph, shape: Node) -> list[tuple[str, str]]:
    """The focus nodes of ``shape`` (§2.1.3): for each target, a SPARQL pattern binding ``?this`` and an
    expression true when a bound ``?this`` is one. A class is reached from the node's types: Oxigraph
    evaluates ``rdf:type/rdfs:subClassOf*`` bound at both ends from the class, through every instance."""
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, SH.NodeShape) in shapes and any(
        (shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)
    ):
        classes.append(shape)  # §2.1.3.3 implicit class target
    found = []
    for number, cls in enumerate(classes):  # §2.1.3.2
        pattern = f"?this <{RDF.type}> ?t{number} . ?t{number} <{RDFS.subClassOf}>* {term(cls)}"
        found.append((pattern, f"EXISTS {{ {pattern} }}"))
    for node in shapes.objects(shape, SH.targetNode):  # §2.1.3.1
        if not isinstance(node, URIRef):
            raise Unsupported(f"sh:targetNode {node.n3()}")
        found.append((f"VALUES ?this {{ {term(node)} }}", f"sameTerm(?this, {term(node)})"))
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):  # §2.1.3.4
        found.append((f"?this {term(predicate)} []", f"EXISTS {{ ?this {term(predicate)} [] }}"))
    for predicate in shapes.objects(shape, SH.targetObjectsOf):  # §2.1.3.5
        found.append((f"[] {term(predicate)} ?this", f"EXISTS {{ [] {term(predicate)} ?this }}"))
    return found


def sparql_path(shapes: Graph, node: Node) -> tuple[str, frozenset[URIRef]]:
    """A SHACL property path (§2.3.1) in SPARQL syntax, and the predicates whose objects are its values
    (none through an inverse step: its values are subjects, never literals)."""
    if isinstance(node, URIRef):
        return term(node), frozenset({node})
    if isinstance(node, BNode) and (node, RDF.first, None) in shapes:  # §2.3.1.2 sequence
        steps = [sparql_path(shapes, step) for step in Collection(shapes, node)]
        if len(steps) < 2:
            raise ValueError(f"the sequence path {node.n3()} needs two members or more (SHACL §2.3.1.2)")
        return "(" + "/".join(s for s, _ in steps) + ")", steps[-1][1]
    inverse = shapes.value(node, SH.inversePath)
    if inverse is not None:  # §2.3.1.4
        text, _ = sparql_path(shapes, inverse)
        return f"^{text}", frozenset()
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:  # §2.3.1.3
        options = [sparql_path(shapes, step) for step in Collection(shapes, alternatives)]
        if len(options) < 2:
            raise ValueError(f"the alternative path {node.n3()} needs two members or more (SHACL §2.3.1.3)")
        return "(" + "|".join(s for s, _ in options) + ")", frozenset().union(*(e for _, e in options))
    for kind in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        if (node, kind, None) in shapes:
            raise Unsupported(f"{kind.n3()}")
    raise ValueError(f"{node.n3()} is not a SHACL property path (SHACL §2.3.1)")
