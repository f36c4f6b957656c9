"""A SHACL validation report as plain dataclasses, read from an ``sh:ValidationReport`` graph.

SHACL §3.6 (https://www.w3.org/TR/shacl/#validation-report) defines the report vocabulary read here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.vocab import PREFIXES, RDF, SH


@dataclass(frozen=True)
class Violation:
    """One ``sh:ValidationResult``."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    component: str | None


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Violation, ...]
    graph: Graph

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    def joined(self, extra: tuple[Violation, ...]) -> Report:
        """This report with more results (the proofs of :mod:`kg.proof`), in its graph too (SHACL §3.6)."""
        if not extra:
            return self
        graph = Graph()
        for triple in self.graph:
            graph.add(triple)
        report = next(graph.subjects(RDF.type, SH.ValidationReport))
        conforms = self.conforms and not any(r.severity == "Violation" for r in extra)
        graph.set((report, SH.conforms, Literal(conforms)))
        for result in extra:
            node = BNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.resultSeverity, SH[result.severity]))
            focus = result.focus
            graph.add((node, SH.focusNode, URIRef(focus) if _is_iri(focus) else Literal(focus)))
            graph.add((node, SH.resultMessage, Literal(result.message)))
            if result.path:
                graph.add((node, SH.resultPath, URIRef(result.path)))
            if result.value is not None:
                graph.add(
                    (node, SH.value, URIRef(result.value) if _is_iri(result.value) else Literal(result.value))
                )
            if result.shape:
                graph.add((node, SH.sourceShape, URIRef(result.shape)))
        results = tuple(sorted(self.results + extra, key=lambda r: (r.focus, r.path or "", r.message)))
        return Report(conforms, results, graph)

    def as_text(self) -> str:
        head = "Conforms." if self.conforms else f"Does not conform: {len(self.results)} result(s)."
        lines = [head]
        for r in self.results:
            where = f" {_short(r.path)}" if r.path else ""
            value = f" = {r.value}" if r.value is not None else ""
            lines.append(f"- {r.severity}: <{r.focus}>{where}{value}: {r.message}")
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        return (
            json.dumps(
                {"conforms": self.conforms, "results": [asdict(r) for r in self.results]},
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def as_turtle(self) -> str:
        for prefix, iri in PREFIXES.items():
            self.graph.bind(prefix, iri)
        return self.graph.serialize(format="turtle")


def _is_iri(text: str) -> bool:
    return text.startswith(("http://", "https://", "urn:")) and not any(c in text for c in ' <>"{}|\\^`')


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>" if _is_iri(iri) else iri  # a path already in SPARQL syntax stays as it is


def describe(graph: Graph | None, node: Node) -> str:
    """A node as a person reads it: an IRI or literal as is; a blank node by the IRI and property that lead
    to it, or by one of its own values. Blank-node ids change with every parse: a report naming one cannot
    be acted upon."""
    if isinstance(node, Literal | URIRef):
        return str(node)
    if graph is not None:
        for subject, predicate in graph.subject_predicates(node):
            if isinstance(subject, URIRef):
                return f"[the value of {_short(str(predicate))} of <{subject}>]"
        for predicate, value in graph.predicate_objects(node):
            if isinstance(value, URIRef | Literal):
                return f"[a blank node whose {_short(str(predicate))} is {value.n3()}]"
    return "[a blank node]"


def _text(node: Node | None, data: Graph | None = None) -> str | None:
    if node is None:
        return None
    return describe(data, node)


def _path(graph: Graph, node: Node | None, depth: int = 0) -> str | None:
    """A property path in SPARQL syntax (SHACL §2.3.1): an IRI, ``^p`` (inverse), ``p1/p2`` (sequence)."""
    if node is None or isinstance(node, URIRef) or depth > 5:
        return None if node is None else str(node)
    if (inverse := graph.value(node, SH.inversePath)) is not None:
        return f"^{_short(_path(graph, inverse, depth + 1) or '?')}"
    if graph.value(node, RDF.first) is not None:
        steps = [_short(_path(graph, step, depth + 1) or "?") for step in Collection(graph, node)]
        return "/".join(steps)
    return "(a complex path)"


def _shape(node: Node | None) -> str | None:
    """A named shape's IRI; an anonymous property shape (a blank node) is not named."""
    return str(node) if isinstance(node, URIRef) else None


def read_report(graph: Graph, data: Graph | None = None) -> Report:
    """The report of a validation of ``data`` (which names its blank nodes, when given)."""
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    conforms = bool(graph.value(report, SH.conforms).toPython())  # type: ignore[union-attr]
    results = []
    for result in graph.objects(report, SH.result):
        severity = graph.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in graph.objects(result, SH.resultMessage))
        results.append(
            Violation(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_text(graph.value(result, SH.focusNode), data) or "",
                path=_path(graph, graph.value(result, SH.resultPath)),
                value=_text(graph.value(result, SH.value), data),
                message="; ".join(messages) or "(no message)",
                shape=_shape(graph.value(result, SH.sourceShape)),
                component=_text(graph.value(result, SH.sourceConstraintComponent)),
            )
        )
    results.sort(key=lambda r: (r.focus, r.path or "", r.message))
    return Report(conforms, tuple(results), graph)
