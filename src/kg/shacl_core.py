"""SHACL Core constraints (SHACL §4) of the shapes, compiled into one SPARQL query run on pyoxigraph.

pyshacl evaluates the core constraints in Python, value node by value node: about half of a ``kg validate``.
Here the targeted node shapes (SHACL §2.1.3) that no other shape refers to are compiled, with their
property shapes and the shapes nested in them (``sh:node``, ``sh:or``, ``sh:qualifiedValueShape``), into
one query whose solutions are the focus nodes that may violate one of them. The query is a sound
over-approximation: it never misses a node pyshacl 0.40.1 would report, and may name a node pyshacl would
not (a SPARQL error, a regular expression Python reads differently, a decimal's lexical form). When it names
none, the data conforms to these shapes and pyshacl does not evaluate them; when it names one (rare),
``kg.validate`` runs today's pyshacl path on the whole call, so the report is pyshacl's, to the byte.

Soundness rests on pyoxigraph and rdflib seeing the same terms, which :mod:`kg.shacl_terms` checks on the
data first: Oxigraph writes literals in canonical form and merges ``xsd:nonNegativeInteger`` into
``xsd:integer``, lower-cases language tags and merges ``"x"^^xsd:string`` into ``"x"``.

A component or path form not compiled here (``sh:not``, ``sh:closed``, ``sh:flags``, ``sh:zeroOrMorePath``,
counts above 3 ...) leaves its whole top-level shape to pyshacl (:attr:`Compiled.left` says which and why);
a malformed one (a path that is neither IRI, list nor known path node) raises ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.graph_cache import CachedGraph
from kg.shacl_core_syntax import (
    NODE_KINDS,
    SAFE_REGEX,
    Unsupported,
    datatype_test,
    faithful,
    language,
    member,
    shape_targets,
    sparql_path,
    string,
    term,
)
from kg.shacl_terms import INTEGERS
from kg.vocab import OWL, RDF, RDFS, SH

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# What a shape may say besides its constraints (SHACL §2.1, §2.3; sh:message and sh:severity do not change
# whether a node conforms, only what its result says).
_NON_VALIDATING = {
    RDF.type, RDFS.comment, RDFS.label, SH.message, SH.severity, SH.name, SH.description, SH.order,
    SH.group, SH.defaultValue, SH.property, SH.path, *_TARGETS,
}  # fmt: skip
_MAX_COUNT = 3  # counts compiled as that many distinct variables


class Branch(NamedTuple):
    """A compiled shape: its targets (a pattern binding ``?this``, a test of a bound ``?this``), and when a
    node it selects (``?this``) may violate it."""

    shape: URIRef
    targets: tuple[tuple[str, str], ...]
    test: str


@dataclass(frozen=True)
class Compiled:
    """The shapes pyshacl still runs, the query over the others, and what the query assumes of the data.

    ``integer_ends``: for each ``sh:datatype`` of the ``xsd:integer`` family, the predicates whose objects
    are its literal value nodes (Oxigraph reads every one of them as ``xsd:integer``); ``same_integers``:
    predicates whose integer literals are compared as terms (an alternative path, ``sh:equals``).
    """

    shapes: Graph
    branches: tuple[Branch, ...]
    compiled: tuple[URIRef, ...]
    left: tuple[tuple[Node, str], ...]
    integer_ends: tuple[tuple[URIRef, frozenset[URIRef]], ...] = ()
    same_integers: tuple[frozenset[URIRef], ...] = ()

    @property
    def query(self) -> str | None:
        """The IRIs (``""`` for another node) of the focus nodes that may violate a compiled shape."""
        if not self.branches:
            return None
        body = "\n UNION ".join(
            "{ " + " UNION ".join(f"{{ {p} }}" for p, _ in b.targets) + f" FILTER({b.test}) }}"
            for b in self.branches
        )
        return f'SELECT DISTINCT (IF(isIRI(?this), STR(?this), "") AS ?focus) WHERE {{\n {body}\n}}'

    def query_for(self, targeted: Iterable[tuple[Node, URIRef]]) -> str | None:
        """The IRIs of the focus nodes that may violate a compiled shape, given which shape selects which of
        them (``kg.shacl_focus.targeted``): each node is tested against the shapes that select it only (a
        class target tested in SPARQL, ``rdf:type/rdfs:subClassOf*`` for every shape on every node, was most
        of the query's time); None when no compiled shape selects one."""
        nodes: dict[Node, set[URIRef]] = {}
        for shape, node in targeted:
            nodes.setdefault(shape, set()).add(node)
        body = "\n UNION ".join(
            f"{{ VALUES ?this {{ {' '.join(term(n) for n in sorted(nodes[b.shape]))} }} FILTER({b.test}) }}"
            for b in self.branches
            if b.shape in nodes
        )
        return f"SELECT DISTINCT (STR(?this) AS ?focus) WHERE {{\n {body}\n}}" if body else None

    @property
    def pyshacl_needed(self) -> bool:
        """Whether a shape left to pyshacl can select a focus node (SHACL §2.1.3)."""
        targeted = any(True for p in (*_TARGETS, SH.target) for _ in self.shapes.subjects(p, None))
        implicit = any(
            (s, RDF.type, c) in self.shapes
            for c in (RDFS.Class, OWL.Class)
            for kind in (SH.NodeShape, SH.PropertyShape)
            for s in self.shapes.subjects(RDF.type, kind)
        )
        return targeted or implicit


@dataclass
class _Compiler:
    shapes: Graph
    counter: int = 0
    integer_ends: list[tuple[URIRef, frozenset[URIRef]]] = field(default_factory=list)
    same_integers: list[frozenset[URIRef]] = field(default_factory=list)
    # (path, variable) -> the tests of the value nodes of the property shape violates() is reading
    pending: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def var(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    def values(self, node: Node, predicate: URIRef) -> list[Node]:
        return sorted(self.shapes.objects(node, predicate), key=str)

    # --- shapes -------------------------------------------------------------------------------------

    def violates(self, shape: Node, focus: str, exact: bool, depth: int = 0, checked: bool = False) -> str:
        """A SPARQL expression, true when the node ``focus`` may violate ``shape`` (SHACL §3.4); with
        ``exact``, true exactly when it does (where a violation is counted against a maximum)."""
        if depth > 8:
            raise Unsupported("shapes nested deeper than 8")
        if checked and (shape, SH.severity, None) in self.shapes:  # a shape whose conformance is read
            raise Unsupported("sh:severity on a nested shape")  # whether pyshacl counts it as conforming
        if _true(self.shapes.value(shape, SH.deactivated)):
            raise Unsupported("sh:deactivated")  # §2.1.5: pyshacl decides how a deactivated shape reads
        saved, self.pending = self.pending, {}  # a nested shape gathers its own value tests
        try:
            return self._violates(shape, focus, exact, depth, checked)
        finally:
            self.pending = saved

    def _violates(self, shape: Node, focus: str, exact: bool, depth: int, checked: bool) -> str:
        parts: list[str] = []
        path = self.shapes.value(shape, SH.path)
        for predicate in sorted({p for p in self.shapes.predicates(shape, None)}, key=str):
            if predicate in _NON_VALIDATING or predicate in _PARAMETERS_READ_WITH_OTHERS:
                continue
            if not isinstance(predicate, URIRef):
                raise ValueError(f"{predicate.n3()} is not an IRI")
            for value in self.values(shape, predicate):
                parts.append(self.component(shape, predicate, value, path, focus, exact, depth))
        if self.pending:  # the tests of each value node, in one EXISTS: (∃v a) ∨ (∃v b) is ∃v (a ∨ b)
            (sparql_path, v), tests = self.pending.popitem()
            parts.append(f"EXISTS {{ {focus} {sparql_path} {v} . FILTER({' || '.join(tests)}) }}")
        for nested in self.values(shape, SH.property):  # §2.3: property shapes of a node shape
            if self.shapes.value(nested, SH.path) is None:
                raise ValueError(f"the property shape {nested.n3()} has no sh:path (SHACL §2.3)")
            parts.append(self.violates(nested, focus, exact, depth + 1, checked))
        parts = [p for p in parts if p != "false"]
        return "(" + " || ".join(parts) + ")" if parts else "false"

    def component(
        self,
        shape: Node,
        predicate: URIRef,
        value: Node,
        path: Node | None,
        focus: str,
        exact: bool,
        depth: int,
    ) -> str:
        """One constraint component of ``shape`` with parameter ``predicate`` = ``value``."""
        if path is None:  # a node shape: the focus node is the only value node (§2.2)
            if predicate in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape):
                raise Unsupported(f"{predicate.n3()} on a node shape")
            if predicate == SH.datatype and self._integer(value):
                raise Unsupported("an integer sh:datatype on a node shape")
            return self.on_value(shape, predicate, value, focus, focus, None, exact, depth)
        sparql_path, ends = self.path(path)
        if len(ends) > 1:
            self.same_integers.append(ends)
        if predicate == SH.minCount:  # §4.2.1
            return self.count_below(focus, sparql_path, _count(value), "")
        if predicate == SH.maxCount:  # §4.2.2
            return self.count_above(focus, sparql_path, _count(value), "")
        if predicate == SH.uniqueLang:  # §4.4.5: two values in one language (tags compared lower-cased)
            if not _true(value):
                return "false"
            a, b = self.var(), self.var()
            return (
                f"EXISTS {{ {focus} {sparql_path} {a} . {focus} {sparql_path} {b} . FILTER(isLiteral({a}) && "
                f'isLiteral({b}) && !sameTerm({a}, {b}) && LANG({a}) != "" && '
                f"LCASE(LANG({a})) = LCASE(LANG({b}))) }}"
            )
        if predicate == SH.hasValue:  # §4.8.2
            return f"NOT EXISTS {{ {focus} {sparql_path} {member(value)} }}"
        if predicate in (SH.equals, SH.disjoint, SH.lessThanOrEquals, SH.lessThan):
            if exact and predicate != SH.equals:  # Oxigraph may merge what rdflib keeps apart: over-counted
                raise Unsupported(f"{predicate.n3()} where a violation is counted against a maximum")
            return self.pair(predicate, value, focus, sparql_path, ends)
        if predicate == SH.qualifiedValueShape:  # §4.7.3
            return self.qualified(shape, value, focus, sparql_path, exact, depth)
        if predicate == SH.datatype and self._integer(value):
            self.integer_ends.append((URIRef(str(value)), ends))
        # A test of each value node (never an error: each is written so), gathered by violates()
        key = next(iter(self.pending), None) or (sparql_path, self.var())
        test = self.on_value(shape, predicate, value, key[1], focus, sparql_path, exact, depth)
        self.pending.setdefault(key, []).append(test)
        return "false"

    def on_value(
        self,
        shape: Node,
        predicate: URIRef,
        value: Node,
        v: str,
        focus: str,
        path: str | None,
        exact: bool,
        depth: int,
    ) -> str:
        """An expression true when value node ``v`` may violate the component (exactly, with ``exact``)."""
        if predicate == SH["class"]:  # §4.1.1: an instance through rdf:type/rdfs:subClassOf*
            # the type first: Oxigraph evaluates a path bound at both ends from its object, every instance
            t = self.var()
            return (
                f"NOT EXISTS {{ {v} {term(RDF.type)} {term(value)} }} && "
                f"NOT EXISTS {{ {v} {term(RDF.type)} {t} . {t} {term(RDFS.subClassOf)}+ {term(value)} }}"
            )
        if predicate == SH.datatype:  # §4.1.2 (well-formedness is kg.shacl_terms's)
            return f"!({datatype_test(value, v)})"
        if predicate == SH.nodeKind:  # §4.1.3
            kind = NODE_KINDS.get(value)
            if kind is None:
                raise Unsupported(f"sh:nodeKind {value.n3()}")
            return "!" + kind.format(v=v)
        if predicate == SH["in"]:  # §4.8.3: terms, compared as rdflib compares them (kg.shacl_terms)
            members = [member(m) for m in Collection(self.shapes, value)]
            return "!(" + (" || ".join(f"sameTerm({v}, {m})" for m in members) or "false") + ")"
        if predicate == SH.hasValue:  # §4.8.2 on a node shape
            return f"!sameTerm({v}, {member(value)})"
        if predicate == SH.languageIn:  # §4.4.4: pyshacl also takes "en-GB" for "en", as langMatches does
            tags = [language(t) for t in Collection(self.shapes, value)]
            matches = " || ".join(f'LANGMATCHES(LANG({v}), "{t}")' for t in tags) or "false"
            return f'!(isLiteral({v}) && LANG({v}) != "" && ({matches}))'
        if predicate == SH.node:  # §4.7.1
            return self.violates(value, v, exact, depth + 1, True)
        if predicate == SH["or"]:  # §4.6.3: a violation when the value node violates every member
            shapes = list(Collection(self.shapes, value))
            if not shapes:
                return "true"
            return "(" + " && ".join(self.violates(m, v, exact, depth + 1, True) for m in shapes) + ")"
        if exact:
            raise Unsupported(f"{predicate.n3()} where a violation is counted against a maximum")
        if predicate == SH.pattern:  # §4.4.3: never on a blank node; a decimal's lexical form is rdflib's
            if self.values(shape, SH.flags):
                raise Unsupported("sh:flags")
            if not isinstance(value, Literal) or not SAFE_REGEX.fullmatch(str(value)):
                raise Unsupported(f"the regular expression {value.n3()}")
            return f"COALESCE(!({faithful(v)} && REGEX(STR({v}), {string(str(value))})), true)"
        if predicate == SH.minLength:  # §4.4.1
            length = _count(value, limit=None)
            return f"COALESCE(!({faithful(v)} && STRLEN(STR({v})) >= {length}), true)" if length else "false"
        if predicate in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):  # §4.3
            if not (isinstance(value, Literal) and isinstance(value.value, int | float) and value.datatype):
                raise Unsupported(f"{predicate.n3()} {value.n3()}")
            operator = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }
            return f"COALESCE(!(isNumeric({v}) && {v} {operator[predicate]} {value.n3()}), true)"
        raise Unsupported(f"the constraint parameter {predicate.n3()}")

    def pair(self, predicate: URIRef, other: Node, focus: str, path: str, ends: frozenset[URIRef]) -> str:
        """§4.5 property pairs: the values of ``path`` against the objects of ``other`` at the focus node."""
        if not isinstance(other, URIRef):
            raise Unsupported(f"{predicate.n3()} {other.n3()}")
        q, v, o = term(other), self.var(), self.var()
        if predicate == SH.equals:  # §4.5.1: the same set of terms
            self.same_integers.append(ends | {other})
            return (
                f"(EXISTS {{ {focus} {path} {v} . FILTER NOT EXISTS {{ {focus} {q} {v} }} }} || "
                f"EXISTS {{ {focus} {q} {v} . FILTER NOT EXISTS {{ {focus} {path} {v} }} }})"
            )
        if predicate == SH.disjoint:  # §4.5.2: Oxigraph merges no two terms rdflib keeps apart the other way
            return f"EXISTS {{ {focus} {path} {v} . {focus} {q} {v} }}"
        # §4.5.3-4: numbers only; anything else may be incomparable for pyshacl and is flagged.
        operator = "<=" if predicate == SH.lessThanOrEquals else "<"
        return (
            f"EXISTS {{ {focus} {path} {v} . {focus} {q} {o} . "
            f"FILTER(COALESCE(!(isNumeric({v}) && isNumeric({o}) && {v} {operator} {o}), true)) }}"
        )

    def qualified(self, shape: Node, inner: Node, focus: str, path: str, exact: bool, depth: int) -> str:
        """§4.7.3: the number of value nodes conforming to ``inner`` against the qualified counts."""
        if _true(self.shapes.value(shape, SH.qualifiedValueShapesDisjoint)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        parts = []
        minimum = self.shapes.value(shape, SH.qualifiedMinCount)
        if minimum is not None:  # fewer conforming values than the minimum: "may violate" counts fewer
            v = self.var()
            conforming = f"FILTER(!{self.violates(inner, v, exact, depth + 1, True)})"
            parts.append(self.count_below(focus, path, _count(minimum), conforming, v))
        maximum = self.shapes.value(shape, SH.qualifiedMaxCount)
        if maximum is not None:  # more conforming values than the maximum: conformance must be exact
            v = self.var()
            conforming = f"FILTER(!{self.violates(inner, v, True, depth + 1, True)})"
            parts.append(self.count_above(focus, path, _count(maximum), conforming, v))
        return "(" + " || ".join(parts) + ")" if parts else "false"

    def count_below(self, focus: str, path: str, count: int, condition: str, first: str | None = None) -> str:
        if count == 0:
            return "false"
        names = self.distinct(count, first)
        return f"NOT EXISTS {{ {self.matches(focus, path, names, condition)} }}"

    def count_above(self, focus: str, path: str, count: int, condition: str, first: str | None = None) -> str:
        names = self.distinct(count + 1, first)
        return f"EXISTS {{ {self.matches(focus, path, names, condition)} }}"

    def distinct(self, count: int, first: str | None) -> list[str]:
        if count > _MAX_COUNT:
            raise Unsupported(f"a count of {count} (at most {_MAX_COUNT} are compiled)")
        return [first or self.var()] + [self.var() for _ in range(count - 1)]

    @staticmethod
    def matches(focus: str, path: str, names: list[str], condition: str) -> str:
        """``len(names)`` distinct values of ``path``, each meeting ``condition`` (written for the first)."""
        first = re.compile(re.escape(names[0]) + r"(?![0-9A-Za-z_])")
        patterns = []
        for name in names:
            patterns.append(f"{focus} {path} {name} . " + first.sub(name, condition))
        different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return " ".join(patterns) + (f" FILTER({' && '.join(different)})" if different else "")

    def path(self, node: Node) -> tuple[str, frozenset[URIRef]]:
        return sparql_path(self.shapes, node)

    def _integer(self, datatype: Node) -> bool:
        return datatype in INTEGERS


# Read by the component of another parameter (§4.7.3 reads the qualified counts with the shape).
_PARAMETERS_READ_WITH_OTHERS = {SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def _count(node: Node, limit: int | None = _MAX_COUNT) -> int:
    if not isinstance(node, Literal) or not isinstance(node.value, int) or node.value < 0:
        raise ValueError(f"{node.n3()} is not a count (a non-negative xsd:integer)")
    if limit is not None and node.value > limit:
        raise Unsupported(f"a count of {node.value} (at most {limit} are compiled)")
    return int(node.value)


def compile_shapes(shapes: Graph) -> Compiled:
    """Compile the core constraints of ``shapes`` (without SPARQL constraints: ``kg.shacl_sparql``'s)."""
    return _compile(shapes, len(shapes))


@lru_cache(maxsize=8)
def _compile(shapes: Graph, size: int) -> Compiled:  # ``size`` tells a graph changed since
    referred = {o for o in shapes.objects() if not isinstance(o, Literal)}
    candidates = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    candidates |= {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if any((s, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class))
    }
    branches: list[Branch] = []
    compiled: list[URIRef] = []
    left: list[tuple[Node, str]] = []
    integer_ends: list[tuple[URIRef, frozenset[URIRef]]] = []
    same: list[frozenset[URIRef]] = []
    for shape in sorted(candidates, key=str):
        reason = _why_not(shapes, shape, referred)
        if reason:
            left.append((shape, reason))
            continue
        compiler = _Compiler(shapes)
        try:
            test = compiler.violates(shape, "?this", exact=False)
            targets = shape_targets(shapes, shape)
        except Unsupported as exc:
            left.append((shape, str(exc)))
            continue
        if test != "false" and targets:
            branches.append(Branch(URIRef(str(shape)), tuple(targets), test))
        compiled.append(URIRef(str(shape)))
        integer_ends += compiler.integer_ends
        same += compiler.same_integers
    kept = CachedGraph()  # the compiled shapes without targets: pyshacl never selects their focus nodes
    for s, p, o in shapes:
        if not (s in compiled and (p in _TARGETS or (p == RDF.type and o in (RDFS.Class, OWL.Class)))):
            kept.add((s, p, o))
    for prefix, namespace in shapes.namespaces():
        kept.bind(prefix, namespace, override=True)
    return Compiled(
        kept, tuple(branches), tuple(compiled), tuple(left), tuple(integer_ends), tuple(dict.fromkeys(same))
    )


def _why_not(shapes: Graph, shape: Node, referred: set[Node]) -> str:
    if not isinstance(shape, URIRef):
        return "an anonymous shape with targets"
    if shape in referred:
        return "another shape refers to it"
    if (shape, SH.path, None) in shapes:
        return "a property shape with targets"
    if (shape, SH.target, None) in shapes:
        return "a SHACL-AF target (sh:target)"
    if (shape, SH.sparql, None) in shapes:
        return "it keeps SPARQL constraints for pyshacl"
    return ""


__all__ = ["Branch", "Compiled", "compile_shapes"]
