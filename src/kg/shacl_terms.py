"""Whether pyoxigraph sees the terms of a data graph as rdflib (hence pyshacl) sees them.

``kg.shacl_core`` answers SHACL Core constraints on Oxigraph for data that pyshacl reads through rdflib.
The two agree on IRIs, blank nodes and plain strings, not on every literal: Oxigraph keeps a literal of a
datatype it knows in canonical form (``"5200000.0"^^xsd:decimal`` reads ``"5200000"``, ``"...+00:00"`` reads
``"...Z"``), reads ``xsd:nonNegativeInteger`` as ``xsd:integer``, lower-cases language tags and merges
``"x"^^xsd:string`` with ``"x"``; an ill-typed literal is one rdflib flags. :func:`check_terms` reads every
literal of the data once and names the first that could make the two disagree on a constraint: then the
compiled constraints are not trusted for that data, and pyshacl evaluates them (``kg.validate``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.vocab import RDF, XSD

XSD_INTEGER = XSD.integer
# The integer datatypes allowed in the data: Oxigraph's DATATYPE() names both xsd:integer.
INTEGERS = frozenset({XSD.integer, XSD.nonNegativeInteger})
# Lexical forms in which a literal reads the same in rdflib and Oxigraph, and no two literals rdflib keeps
# apart are one term for Oxigraph (XSD 1.1 canonical forms; a dateTime's offset +00:00 reads Z in Oxigraph).
_FORMS = {
    XSD.integer: re.compile(r"0|-?[1-9][0-9]*"),
    XSD.nonNegativeInteger: re.compile(r"0|[1-9][0-9]*"),
    XSD.decimal: re.compile(r"-?(0|[1-9][0-9]*)\.([0-9]*[1-9]|0)"),
    XSD.boolean: re.compile(r"true|false"),
    XSD.date: re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"),
    XSD.dateTime: re.compile(
        r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
        r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)"
    ),
    XSD.anyURI: re.compile(r"[^\s]*"),  # kept verbatim by Oxigraph
}
# Datatypes Oxigraph may rewrite (those of XSD and RDF it implements): only those of _FORMS are let in.
_CANONICAL_NAMES = """string boolean float double decimal integer nonPositiveInteger negativeInteger long int
short byte nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger dateTime
dateTimeStamp date time duration yearMonthDuration dayTimeDuration gYear gYearMonth gMonth gDay gMonthDay"""
CANONICAL = frozenset(XSD[name] for name in _CANONICAL_NAMES.split())
_ZERO_OFFSET = re.compile(r"[+-]00:00$")


@dataclass(frozen=True)
class TermCheck:
    """What :func:`check_terms` found: the first problem, and the integer datatype of each predicate's
    integer literals (one per predicate, or that is the problem)."""

    problem: str | None
    integers: Mapping[Node, URIRef]


def check_terms(data: Graph) -> TermCheck:
    """Read every literal of ``data``: the first one Oxigraph could read otherwise than rdflib, if any."""
    return check_triples(Graph.triples(data, (None, None, None)))  # uncached (kg.graph_cache)


def check_triples(triples: Iterable[tuple[Node, Node, Node]]) -> TermCheck:
    """:func:`check_terms` of the graph of ``triples``."""
    integers: dict[Node, URIRef] = {}
    for _, predicate, term in triples:
        if not isinstance(term, Literal):
            continue
        problem = _problem(term)
        integer = problem is None and term.datatype in INTEGERS
        if integer and integers.setdefault(predicate, term.datatype) != term.datatype:  # type: ignore[arg-type]
            problem = f"{predicate.n3()} has literals of two integer datatypes"
        if problem is not None:
            return TermCheck(f"{term.n3()}: {problem}", integers)
    return TermCheck(None, integers)


def joined(first: TermCheck, second: TermCheck) -> TermCheck:
    """What :func:`check_terms` finds in the union of the two graphs it found these in."""
    integers = dict(first.integers)
    for predicate, datatype in second.integers.items():
        if integers.setdefault(predicate, datatype) != datatype:
            return TermCheck(f"{predicate.n3()} has literals of two integer datatypes", integers)
    return TermCheck(first.problem or second.problem, integers)


def _problem(term: Literal) -> str | None:
    datatype = term.datatype
    if datatype is None:
        language = term.language
        if language is not None and language != language.lower():
            return "a language tag Oxigraph lower-cases"
        return None
    if getattr(term, "ill_typed", False):
        return "ill-typed"
    form = _FORMS.get(datatype)
    if form is None:
        if datatype in CANONICAL or str(datatype).startswith((str(XSD), str(RDF))):
            return "a datatype Oxigraph may rewrite"  # xsd:string among them: Oxigraph merges it with "x"
        return None  # a datatype Oxigraph does not know: kept verbatim, as rdflib keeps it
    if not form.fullmatch(str(term)) or (datatype == XSD.dateTime and _ZERO_OFFSET.search(str(term))):
        return "not in canonical form"
    return None


def disagreement(
    check: TermCheck,
    integer_ends: tuple[tuple[URIRef, frozenset[URIRef]], ...],
    same_integers: tuple[frozenset[URIRef], ...],
) -> str | None:
    """Why the compiled constraints cannot be trusted on the data ``check`` read, or None.

    ``integer_ends``: an integer ``sh:datatype`` and the predicates whose objects it tests (Oxigraph names
    each integer datatype ``xsd:integer``); ``same_integers``: predicates whose values are compared as
    terms (Oxigraph would take ``"5"^^xsd:integer`` and ``"5"^^xsd:nonNegativeInteger`` for one term).
    """
    if check.problem is not None:
        return check.problem
    for datatype, ends in integer_ends:
        for predicate in ends:
            found = check.integers.get(predicate, datatype)
            if found != datatype:
                return f"{predicate.n3()} has {found.n3()} literals, its shape asks {datatype.n3()}"
    for group in same_integers:
        if len({check.integers[p] for p in group if p in check.integers}) > 1:
            return f"{', '.join(sorted(p.n3() for p in group))} have literals of two integer datatypes"
    return None


__all__ = [
    "CANONICAL",
    "INTEGERS",
    "XSD_INTEGER",
    "TermCheck",
    "check_terms",
    "check_triples",
    "disagreement",
    "joined",
]
