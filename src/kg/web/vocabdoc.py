"""The ontology and the shapes as documentation: terms with labels and definitions in one language.

Pure (rdflib graphs in, dataclasses out); the ontology blueprint renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from kg.vocab import KG, KG_ONTOLOGY
from kg.web.i18n import translator
from kg.web.labels import humanize, pick_label, short_name
from kg.web.termlabels import term_label


@dataclass(frozen=True)
class TermRef:
    iri: str
    label: str
    anchor: str | None  # set when the term is ours (a link within the page)


@dataclass(frozen=True)
class TermDoc:
    iri: str
    anchor: str
    label: str
    definition: str | None
    other_labels: list[str]
    relations: list[tuple[str, list[TermRef]]] = field(default_factory=list)


@dataclass(frozen=True)
class OntologyDoc:
    iri: str
    title: str
    description: str | None
    version: str | None
    classes: list[TermDoc]
    properties: list[TermDoc]
    individuals: list[TermDoc]


def _text(graph: Graph, subject: URIRef, predicates: tuple[URIRef, ...], lang: str) -> str | None:
    for predicate in predicates:
        literals = [(str(o), o.language) for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
        if literals:
            return pick_label(literals, lang)
    return None


def _ref(graph: Graph, node: object, lang: str) -> TermRef | None:
    if not isinstance(node, URIRef):
        return None
    iri = str(node)
    label = _text(graph, node, (RDFS.label, SKOS.prefLabel), lang) or short_name(iri)
    anchor = iri[len(str(KG)) :] if iri.startswith(str(KG)) else None
    return TermRef(iri, label, anchor)


def _term(graph: Graph, subject: URIRef, lang: str, relations: tuple[tuple[str, URIRef], ...]) -> TermDoc:
    iri = str(subject)
    label = _text(graph, subject, (RDFS.label, SKOS.prefLabel), lang) or humanize(iri)
    others = sorted(
        f"{o} ({o.language})"
        for o in graph.objects(subject, RDFS.label)
        if isinstance(o, Literal) and o.language != lang
    )
    rel = []
    for name, predicate in relations:
        refs = [r for o in graph.objects(subject, predicate) if (r := _ref(graph, o, lang)) is not None]
        if refs:
            rel.append((name, sorted(refs, key=lambda r: r.label.lower())))
    return TermDoc(
        iri=iri,
        anchor=iri[len(str(KG)) :] if iri.startswith(str(KG)) else short_name(iri),
        label=label,
        definition=_text(graph, subject, (SKOS.definition, RDFS.comment), lang),
        other_labels=others,
        relations=rel,
    )


def _ours(graph: Graph, kinds: tuple[URIRef, ...]) -> list[URIRef]:
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    return sorted(s for s in found if str(s).startswith(str(KG)))


def ontology_doc(graph: Graph, lang: str) -> OntologyDoc:
    """Classes, properties and individuals of our namespace, sorted by label."""
    ontology = URIRef(KG_ONTOLOGY)

    def named(*predicates: URIRef) -> tuple[tuple[str, URIRef], ...]:
        # The relations are outside terms: their names in the page's language come from the label table.
        return tuple((term_label(str(p), lang) or humanize(str(p)), p) for p in predicates)

    class_rel = named(RDFS.subClassOf, OWL.equivalentClass)
    prop_rel = named(RDFS.domain, RDFS.range, RDFS.subPropertyOf, OWL.inverseOf)
    ind_rel = named(RDF.type, SKOS.inScheme)

    def docs(kinds: tuple[URIRef, ...], relations: tuple[tuple[str, URIRef], ...]) -> list[TermDoc]:
        return sorted(
            (_term(graph, s, lang, relations) for s in _ours(graph, kinds)), key=lambda d: d.label.lower()
        )

    version = graph.value(ontology, OWL.versionInfo)
    return OntologyDoc(
        iri=KG_ONTOLOGY,
        title=_text(graph, ontology, (DCTERMS.title, RDFS.label), lang) or translator(lang)("ontology"),
        description=_text(graph, ontology, (DCTERMS.description, RDFS.comment), lang),
        version=str(version) if version is not None else None,
        classes=docs((OWL.Class, RDFS.Class), class_rel),
        properties=docs((OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property), prop_rel),
        individuals=docs((OWL.NamedIndividual, KG.AmountQualifier), ind_rel),
    )


@dataclass(frozen=True)
class ShapeProperty:
    path: str
    constraints: list[str]
    message: str | None


@dataclass(frozen=True)
class ShapeDoc:
    iri: str
    label: str
    targets: list[str]
    message: str | None
    properties: list[ShapeProperty]


_CONSTRAINTS = (
    ("min", SH.minCount),
    ("max", SH.maxCount),
    ("datatype", SH.datatype),
    ("class", SH["class"]),
    ("node kind", SH.nodeKind),
    ("pattern", SH.pattern),
    ("in", SH["in"]),
)


def shapes_doc(graph: Graph, lang: str) -> list[ShapeDoc]:
    """Node shapes with their targets and property constraints, for the ``/shapes`` page."""
    out = []
    for shape in sorted({s for s in graph.subjects(RDF.type, SH.NodeShape)}, key=str):
        targets = [
            short_name(str(o))
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            for o in graph.objects(shape, p)
        ]
        props = []
        for node in graph.objects(shape, SH.property):
            path = graph.value(node, SH.path)
            constraints = [
                f"{name} {short_name(str(v)) if isinstance(v, URIRef) else v}"
                for name, predicate in _CONSTRAINTS
                for v in graph.objects(node, predicate)
            ]
            path_name = short_name(str(path)) if isinstance(path, URIRef) else "(complex path)"
            props.append(ShapeProperty(path_name, constraints, _messages(graph, node, lang)))
        label = str(shape) if not isinstance(shape, URIRef) else short_name(str(shape))
        props.sort(key=lambda p: p.path)
        out.append(ShapeDoc(str(shape), label, targets, _messages(graph, shape, lang), props))
    return out


def _messages(graph: Graph, node: object, lang: str) -> str | None:
    literals = [
        (str(o), o.language)
        for p in (SH.message, SH.description)
        for o in graph.objects(node, p)  # type: ignore[arg-type]
        if isinstance(o, Literal)
    ]
    return pick_label(literals, lang)
