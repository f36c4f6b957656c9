"""Small readers over the built graph shared by the exports: labels by language, projects in order."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from kg.vocab import KG, OA, RDF, SCHEMA, SKOS

FIGURES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)


def text(g: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    """The literal of ``subject predicate`` in ``lang`` (empty when there is none)."""
    for value in g.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


def label(g: Graph, node: URIRef, lang: str) -> str:
    return text(g, node, SCHEMA.name, lang) or text(g, node, SKOS.prefLabel, lang)


def iris(g: Graph, subject: URIRef, predicate: URIRef) -> list[URIRef]:
    return sorted(o for o in g.objects(subject, predicate) if isinstance(o, URIRef))


def one(g: Graph, subject: URIRef, predicate: URIRef) -> URIRef:
    value = g.value(subject, predicate)
    if not isinstance(value, URIRef):
        raise ValueError(f"{subject} has no {predicate}")
    return value


@dataclass(frozen=True)
class Amount:
    node: URIRef
    figure: Literal  # the xsd:decimal literal as built
    figure_property: URIRef  # schema:value, schema:minValue or schema:maxValue
    qualifier: URIRef
    stated: str

    @property
    def value(self) -> Decimal:
        return Decimal(str(self.figure))


@dataclass(frozen=True)
class Sentence:
    """The evidence of one field: the quote selector with its sentence, the position selector with offsets."""

    quote: URIRef
    exact: str
    position: URIRef
    start: Literal
    end: Literal


@dataclass(frozen=True)
class ProjectFacts:
    iri: URIRef
    key: str
    number: int
    grant: URIRef
    amount: Amount
    program: URIRef | None
    """The program the project is funded through; none when its release names none."""


def projects(g: Graph) -> list[ProjectFacts]:
    """Every ``kg:Project`` with its contribution and amount, in backgrounder order."""
    found = []
    for project in g.subjects(RDF.type, KG.Project):
        assert isinstance(project, URIRef)
        grant = g.value(predicate=SCHEMA.fundedItem, object=project)
        assert isinstance(grant, URIRef), f"{project} has no grant"
        node = one(g, grant, SCHEMA.amount)
        figure_property = next(p for p in FIGURES if g.value(node, p) is not None)
        figure = g.value(node, figure_property)
        assert isinstance(figure, Literal)
        amount = Amount(
            node, figure, figure_property, one(g, node, KG.qualifier), str(g.value(node, KG.statedAs))
        )
        number = int(str(g.value(project, SCHEMA.position)))
        key = str(project).rstrip("/").rsplit("/", 1)[1]
        program = g.value(project, KG.fundedThrough)
        program = program if isinstance(program, URIRef) else None
        found.append(ProjectFacts(project, key, number, grant, amount, program))
    return sorted(found, key=lambda p: p.number)


def evidence(g: Graph, subject: URIRef, field: str) -> Sentence | None:
    """The sentence behind ``field`` of ``subject`` (kg:Evidence with its two Web Annotation selectors)."""
    for ev in g.objects(subject, KG.evidence):
        if str(g.value(ev, KG.evidenceField)) != field:
            continue
        selectors = {str(g.value(s, RDF.type)): s for s in g.objects(ev, OA.hasSelector)}
        quote = selectors[str(OA.TextQuoteSelector)]
        position = selectors[str(OA.TextPositionSelector)]
        start, end = g.value(position, OA.start), g.value(position, OA.end)
        assert isinstance(quote, URIRef) and isinstance(position, URIRef)
        assert isinstance(start, Literal) and isinstance(end, Literal)
        return Sentence(quote, str(g.value(quote, OA.exact)), position, start, end)
    return None
