"""What every proof shares: results as report violations, readable names of nodes, typed literal reading."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.report import Violation, describe
from kg.vocab import KG, OA, PREFIXES, RDFS

PROOF_SHAPES = "https://w3id.org/kg-funding/shapes#"
"""Each kind of proof is named like a shape (kgsh:Proof...), so reports can be filtered the same way."""


def short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def name(graph: Graph, node: Node | None) -> str:
    """A node as a person reads it (:func:`kg.report.describe`); a literal quoted."""
    if node is None:
        return "(nothing)"
    return repr(str(node)) if isinstance(node, Literal) else describe(graph, node)


def violation(
    graph: Graph,
    focus: Node,
    proof: str,
    message: str,
    *,
    path: URIRef | None = None,
    value: Node | None = None,
) -> Violation:
    return Violation(
        severity="Violation",
        focus=name(graph, focus),
        path=str(path) if path is not None else None,
        value=None if value is None else (str(value) if isinstance(value, Literal) else name(graph, value)),
        message=message,
        shape=f"{PROOF_SHAPES}{proof}",
        component=None,
    )


def text_of(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return str(value) if isinstance(value, Literal) else None


def integer(value: Node | None) -> int | None:
    """An integer literal's value; None when absent or not an integer (the shapes report the datatype)."""
    if not isinstance(value, Literal) or not re.fullmatch(r"[+-]?\d+", str(value).strip()):
        return None
    return int(str(value))


def number(value: Node | None) -> Decimal | None:
    """A numeric literal's value; None when absent or not typed as a number (the shapes report that)."""
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int | float | Decimal):
        return None
    try:
        return Decimal(str(value)).normalize()
    except InvalidOperation:
        return None


def flat(text: str) -> str:
    """Text compared loosely: case folded, typographic quotes and dashes plain, white space single."""
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in (
        ("\u2019", "'"),
        ("\u2018", "'"),
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u2013", "-"),
        ("\u2014", "-"),
    ):
        text = text.replace(fancy, plain)
    return " ".join(text.split()).casefold()


def quote_of(graph: Graph, evidence: Node) -> str | None:
    """The exact words (oa:exact) of a piece of evidence's quote selector."""
    for selector in graph.objects(evidence, OA.hasSelector):
        if (exact := graph.value(selector, OA.exact)) is not None:
            return str(exact)
    return None


def noted(graph: Graph, evidence: Node) -> bool:
    """Marked as read between the lines: the evidence carries a note (rdfs:comment)."""
    return graph.value(evidence, RDFS.comment) is not None


def evidence_of(graph: Graph, subject: Node, field: str) -> list[Node]:
    return sorted(
        (e for e in graph.objects(subject, KG.evidence) if str(graph.value(e, KG.evidenceField)) == field),
        key=str,
    )


def is_blank(node: Node) -> bool:
    return isinstance(node, BNode)
