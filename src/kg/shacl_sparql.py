"""SHACL-SPARQL constraints (SHACL §5) of the shapes, found with pyoxigraph, reported as pyshacl reports them.

pyshacl evaluates each ``sh:select`` of a ``sh:SPARQLConstraint`` with rdflib's SPARQL engine, once per
focus node: 14.6 s of a 39.6 s ``kg validate``. Here each query runs on the embedded pyoxigraph store
(``kg.store.KgStore``) holding the same data graph, once per focus node with ``$this`` pre-bound (SHACL
§5.3.1, pre-bound variables; Oxigraph substitutes them as SEP-0007 says). Solutions are rare (a violation),
and only the (constraint, focus node) pairs that have some are evaluated again, by rdflib on the rdflib data
graph, to build the results exactly as pyshacl 0.40.1 builds them (SHACL §5.3.2): Oxigraph keeps literals in
canonical form
(``"900000000.0"^^xsd:decimal`` comes back as ``"900000000"``, ``xsd:nonNegativeInteger`` as ``xsd:integer``)
and names blank nodes its own way, while a result's value and message must show the data's own terms.

What is run here (:func:`split_shapes`): the SPARQL constraints of named node shapes that have targets (SHACL
§2.1.3) and that no other shape refers to. A shape reached through ``sh:node``, ``sh:property`` and the like,
or a property shape, keeps its constraints in the graph pyshacl runs. A constraint using what this module does
not implement (``$PATH`` or ``$shapesGraph``, ``?failure``, no ``sh:message``, a nested ``SELECT``, ``MINUS``,
``VALUES``, ``SERVICE``) is refused with a ``ValueError`` naming it, so that none goes unchecked silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.errors import QueryError
from kg.graph_cache import CachedGraph
from kg.store import KgStore
from kg.vocab import OWL, RDF, RDFS, SH

# The pre-bound variables, found as pyshacl finds them (SHACL §5.3.1); $value is pre-bound only in the
# validators of SHACL-SPARQL constraint components (§6), not in sh:sparql constraints.
_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)
_CURRENT_SHAPE = re.compile(r"([\s{}()])[\$\?]currentShape", flags=re.M)
_PATH = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.M)
_SHAPES_GRAPH = re.compile(r"([\s{}()])[\$\?]shapesGraph", flags=re.M)
_FAILURE = re.compile(r"[\$\?]failure\b")
# SHACL §5.1 (syntax rules of SPARQL-based constraints) and §5.3.1: no MINUS, VALUES or federated SERVICE
# (pyshacl refuses them too); a nested SELECT would need $this projected; AS cannot rebind a pre-bound one.
_FORBIDDEN = re.compile(r"(?<![\w:#\-?$])(MINUS|VALUES|SERVICE)\b", flags=re.I)
_SELECT = re.compile(r"(?<![\w:#\-?$])SELECT\b", flags=re.I)
_REBIND = re.compile(r"\bAS\s+[\$\?](this|currentShape|shapesGraph)\b", flags=re.I)
# The prefixes pyshacl declares for every query, before the sh:declare ones (SHACL §5.2.1).
_DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class Targets:
    """A shape's target declarations (SHACL §2.1.3), implicit class targets among the classes."""

    classes: frozenset[Node]
    nodes: frozenset[Node]
    subjects_of: frozenset[Node]
    objects_of: frozenset[Node]

    def focus_nodes(self, data: Graph) -> set[Node]:
        found: set[Node] = set(self.nodes)
        for cls in self.classes:
            for sub in data.transitive_subjects(RDFS.subClassOf, cls):  # rdfs:subClassOf*, itself included
                found.update(data.subjects(RDF.type, sub))
        for predicate in self.subjects_of:
            found.update(data.subjects(predicate, None))
        for predicate in self.objects_of:
            found.update(data.objects(None, predicate))
        return found


@dataclass(frozen=True)
class Constraint:
    """One ``sh:sparql`` value of a node shape: its query (prefixes declared) and what a result carries."""

    shape: URIRef
    node: Node  # the sh:SPARQLConstraint
    query: str
    binds_this: bool
    binds_shape: bool
    messages: tuple[Literal, ...]  # the constraint's sh:message
    shape_messages: tuple[Literal, ...]  # the shape's sh:message (pyshacl adds them to each result)
    severity: URIRef
    targets: Targets


@dataclass(frozen=True)
class Split:
    """The shapes pyshacl runs (without ``constraints``) and the SPARQL constraints run here."""

    shapes: Graph
    constraints: tuple[Constraint, ...]


@dataclass(frozen=True)
class Result:
    """One validation result of a SPARQL constraint (SHACL §5.3.2), with the data graph's terms."""

    focus: Node
    value: Node | None
    path: Node | None
    messages: tuple[Literal, ...]
    constraint: Node
    shape: URIRef
    severity: URIRef


def split_shapes(shapes: Graph) -> Split:
    """``shapes`` without the SPARQL constraints this module runs, and these constraints.

    :raises ValueError: a constraint of a shape taken here uses what this module does not implement.
    """
    return _split(shapes, len(shapes))


@lru_cache(maxsize=8)
def _split(shapes: Graph, size: int) -> Split:  # ``size`` tells a graph changed since it was split apart
    referred = {o for o in shapes.objects() if not isinstance(o, Literal)}
    taken: list[Constraint] = []
    for shape in sorted({s for s in shapes.subjects(SH.sparql, None) if isinstance(s, URIRef)}):
        targets = _targets(shapes, shape)
        if shape in referred or (shape, SH.path, None) in shapes or targets is None:
            continue  # nested, a property shape, or never a focus node's shape: pyshacl's (see above)
        if _true(shapes.value(shape, SH.deactivated)):
            continue  # pyshacl skips a deactivated shape whole (SHACL §2.1.5)
        for node in sorted(shapes.objects(shape, SH.sparql), key=str):
            if not _true(shapes.value(node, SH.deactivated)):
                taken.append(_constraint(shapes, shape, node, targets))
    left = CachedGraph()  # what pyshacl reads again and again (kg.graph_cache)
    removed = {(c.shape, SH.sparql) for c in taken}
    for s, p, o in shapes:
        if (s, p) not in removed:
            left.add((s, p, o))
    for prefix, namespace in shapes.namespaces():
        left.bind(prefix, namespace, override=True)
    return Split(left, tuple(taken))


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def _targets(shapes: Graph, shape: URIRef) -> Targets | None:
    # An implicit class target: a node shape that is a class too (SHACL §2.1.3.1), as kg.validate reads it.
    implicit = (shape, RDF.type, SH.NodeShape) in shapes and any(
        (shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)
    )
    classes = frozenset(shapes.objects(shape, SH.targetClass)) | ({shape} if implicit else frozenset())
    found = Targets(
        classes,
        frozenset(shapes.objects(shape, SH.targetNode)),
        frozenset(shapes.objects(shape, SH.targetSubjectsOf)),
        frozenset(shapes.objects(shape, SH.targetObjectsOf)),
    )
    return found if classes or found.nodes or found.subjects_of or found.objects_of else None


def _constraint(shapes: Graph, shape: URIRef, node: Node, targets: Targets) -> Constraint:
    where = f"the SPARQL constraint {node.n3()} of {shape.n3()}"
    selects = list(shapes.objects(node, SH.select))
    if len(selects) != 1 or not isinstance(selects[0], Literal) or not isinstance(selects[0].value, str):
        raise ValueError(f"{where}: needs exactly one sh:select string (SHACL §5.1)")
    text = str(selects[0].value)
    messages = tuple(sorted(m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)))
    problems = [
        "$PATH (a node shape has no path)" if _PATH.search(text) else "",
        "$shapesGraph" if _SHAPES_GRAPH.search(text) else "",
        "?failure" if _FAILURE.search(text) else "",
        "a nested SELECT" if len(_SELECT.findall(text)) > 1 else "",
        "MINUS, VALUES or SERVICE" if _FORBIDDEN.search(text) else "",
        "AS rebinding a pre-bound variable" if _REBIND.search(text) else "",
        "no sh:message" if not messages else "",
    ]
    if found := [p for p in problems if p]:
        raise ValueError(f"{where} uses what kg.shacl_sparql does not run: {', '.join(found)}")
    prefixes = dict(_DEFAULT_PREFIXES) | _declared(shapes, node)
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    return Constraint(
        shape=shape,
        node=node,
        query=f"{declared}\n{text}",  # as pyshacl writes it (one rdflib parse of it is cached per process)
        binds_this=bool(_THIS.search(text)),
        binds_shape=bool(_CURRENT_SHAPE.search(text)),
        messages=messages,
        shape_messages=tuple(sorted(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))),
        severity=_severity(shapes.value(shape, SH.severity)),
        targets=targets,
    )


def _severity(node: Node | None) -> URIRef:
    return node if isinstance(node, URIRef) else SH.Violation


def _declared(shapes: Graph, node: Node) -> dict[str, str]:
    """The prefixes of ``sh:prefixes`` (SHACL §5.2.1), read as pyshacl reads them: an ontology's own
    ``sh:declare``, or with every ontology's declarations when the value declares none itself."""
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    everywhere = {d for o in ontologies for d in shapes.objects(o, SH.declare)}
    found: dict[str, str] = {}
    for value in shapes.objects(node, SH.prefixes):
        own = set(shapes.objects(value, SH.declare))
        for declaration in own if own and value in ontologies else own | everywhere:
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise ValueError(f"{declaration.n3()}: sh:declare needs sh:prefix and sh:namespace")
            found[str(prefix)] = str(namespace)
    return found


def run(
    constraints: Iterable[Constraint], data: Graph, store: KgStore, focus: set[URIRef] | None = None
) -> list[Result]:
    """The results of ``constraints`` on ``data`` (which ``store`` holds too, in its default graph), for
    each focus node of their shapes, or for those among ``focus`` (``kg.validate.validate_focus``)."""
    results: list[Result] = []
    nodes_of: dict[Targets, set[Node]] = {}
    for constraint in constraints:
        if constraint.targets not in nodes_of:
            found = constraint.targets.focus_nodes(data)
            nodes_of[constraint.targets] = found if focus is None else found & set(focus)
        for node in sorted(nodes_of[constraint.targets], key=str):
            if _has_solutions(constraint, node, store):
                results.extend(_results(constraint, node, data))
    return results


def _has_solutions(constraint: Constraint, focus: Node, store: KgStore) -> bool:
    """Whether the query has a solution for ``focus`` in the store. rdflib answers instead for a blank node
    or literal focus node (the store cannot be given it) and for a query Oxigraph refuses (an rdflib-only
    function): then every focus node is evaluated by rdflib, as in pyshacl, slower but the same."""
    if not isinstance(focus, URIRef):
        return True
    bound = {"this": str(focus)} if constraint.binds_this else {}
    if constraint.binds_shape:
        bound["currentShape"] = str(constraint.shape)
    try:
        return bool(store.query(constraint.query, union=False, substitutions=bound).rows)
    except QueryError:
        return True


def _results(constraint: Constraint, focus: Node, data: Graph) -> list[Result]:
    """pyshacl's results for one focus node (SPARQLBasedConstraint._evaluate_sparql_constraint, 0.40.1)."""
    bindings: dict[str, Identifier] = {}
    if constraint.binds_this:
        bindings["this"] = focus  # type: ignore[assignment]
    if constraint.binds_shape:
        bindings["currentShape"] = constraint.shape
    rows: list[tuple[Node | None, Node | None, Node | None, dict[str, Node]]] = []
    for row in data.query(constraint.query, initBindings=bindings):
        values = dict(row.asdict())  # type: ignore[union-attr]
        this, path, value = values.pop("this", None), values.pop("path", None), values.pop("value", None)
        if (this is not None or path is not None or value is not None) and (
            (this, path, value, values) not in rows  # pyshacl drops repeated solutions
        ):
            rows.append((this, path, value, values))
    results = []
    for this, path, value, values in rows:
        value = focus if value is None else value  # a node shape's value node is its focus node
        bound: dict[str, Node] = dict(values)
        bound.update({k: v for k, v in (("this", this), ("path", path), ("value", value)) if v is not None})
        messages = [_fill(m, bound) for m in constraint.messages if m not in constraint.shape_messages]
        messages += [_fill(m, bound) for m in constraint.shape_messages]
        results.append(
            Result(
                this or focus,  # pyshacl's `t or f`
                value,
                path,
                tuple(messages),
                constraint.node,
                constraint.shape,
                constraint.severity,
            )
        )
    return results


def _fill(message: Literal, bound: Mapping[str, Node]) -> Literal:
    """``{?var}`` and ``{$var}`` replaced by the lexical form of the variable's value (SHACL §5.3.2), as
    pyshacl does it (a regular-expression replacement, language tag dropped): the two agree to the letter."""
    text = str(message.value)
    for var, val in bound.items():
        text = re.sub(f"{{[?$]{var}}}", str(val), text)
    return Literal(text)


__all__ = ["Constraint", "Result", "Split", "Targets", "run", "split_shapes"]
