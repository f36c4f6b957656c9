"""A SHACL validation report as plain dataclasses, read from an ``sh:ValidationReport`` graph.

SHACL §3.6 (https://www.w3.org/TR/shacl/#validation-report) defines the report vocabulary read here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, Literal, URIRef
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
    return f"<{iri}>"


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal | URIRef):
        return str(node)
    return node.n3()


def read_report(graph: Graph) -> Report:
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    conforms = bool(graph.value(report, SH.conforms).toPython())  # type: ignore[union-attr]
    results = []
    for result in graph.objects(report, SH.result):
        severity = graph.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in graph.objects(result, SH.resultMessage))
        results.append(
            Violation(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_text(graph.value(result, SH.focusNode)) or "",
                path=_text(graph.value(result, SH.resultPath)),
                value=_text(graph.value(result, SH.value)),
                message="; ".join(messages) or "(no message)",
                shape=_text(graph.value(result, SH.sourceShape)),
                component=_text(graph.value(result, SH.sourceConstraintComponent)),
            )
        )
    results.sort(key=lambda r: (r.focus, r.path or "", r.message))
    return Report(conforms, tuple(results), graph)
