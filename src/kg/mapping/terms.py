"""Small helpers shared by the mappers: literals and the per-fact evidence of a release."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from kg.iris import Iris
from kg.sources.records import Cited, Quote
from kg.vocab import KG, OA, PROV, RDF, RDFS, XSD

GRANT_NAME = {
    "en": "Canada’s contribution to {title}",
    "fr": "Contribution du Canada au projet « {title} »",
}
"""The name of Canada's grant to a project, per language: the releases state the grant, not its name."""
GRANT_NAME_NOTE = (
    "The release gives Canada's grant no name; the kg project names it after the project, "
    "whose title this is."
)
PUBLISHER_NOTE = (
    "The release does not state its publisher in a sentence; the publisher is the department that issued it, "
    "as the record says, and this is the release's headline."
)

CONTEXT_CHARS = 32  # prefix/suffix length of a TextQuoteSelector: enough to tell repeated sentences apart


def texts(g: Graph, subject: URIRef, predicate: URIRef, values: dict[str, str]) -> None:
    """One language-tagged literal per language."""
    for lang, value in sorted(values.items()):
        g.add((subject, predicate, Literal(value, lang=lang)))


def decimal(value: Decimal) -> Literal:
    """An xsd:decimal in its canonical lexical form (XSD 1.0 §3.2.3.2: "5200000.0"), as Turtle writes it."""
    text = format(value, "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


@dataclass(frozen=True)
class EvidenceWriter:
    """Writes ``kg:Evidence`` nodes: the sentence of the source text one fact comes from.

    Selectors follow W3C Web Annotation Data Model §4.2.4 (TextQuoteSelector) and §4.2.5
    (TextPositionSelector): positions count Unicode code points from the start of the text, end exclusive.
    """

    iris: Iris
    source: URIRef
    text: str

    def add(
        self,
        g: Graph,
        subject: URIRef,
        field: str,
        quote: Quote,
        *,
        note: str | None = None,
        ref: str | None = None,
    ) -> URIRef:
        """The evidence ``evidence/{subject kind}-{subject key}-{field}[-{ref}]`` of one fact.

        ``ref`` tells apart the evidence of one field that has several values (the value's key) or that
        several releases state (the release's id, as for a program's annual cap).
        """
        kind, key = self.iris.parse(subject) or ("thing", "unknown")
        evidence = self.iris.mint("evidence", f"{kind}-{key}-{field}" + (f"-{ref}" if ref else ""))
        quote_sel = URIRef(f"{evidence}#quote")
        position = URIRef(f"{evidence}#position")
        g.add((evidence, RDF.type, KG.Evidence))
        g.add((evidence, RDF.type, OA.SpecificResource))
        g.add((evidence, OA.hasSource, self.source))
        g.add((evidence, KG.evidenceFor, subject))
        g.add((evidence, KG.evidenceField, Literal(field)))
        g.add((evidence, OA.hasSelector, quote_sel))
        g.add((evidence, OA.hasSelector, position))
        g.add((subject, KG.evidence, evidence))
        g.add((quote_sel, RDF.type, OA.TextQuoteSelector))
        g.add((quote_sel, OA.exact, Literal(quote.text)))
        if prefix := self.text[max(0, quote.start - CONTEXT_CHARS) : quote.start]:
            g.add((quote_sel, OA.prefix, Literal(prefix)))
        if suffix := self.text[quote.end : quote.end + CONTEXT_CHARS]:
            g.add((quote_sel, OA.suffix, Literal(suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(quote.start, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(quote.end, datatype=XSD.nonNegativeInteger)))
        if note:
            g.add((evidence, RDFS.comment, Literal(note, lang="en")))
        return evidence

    def cited(
        self,
        g: Graph,
        subject: URIRef,
        field: str,
        cited: Cited,
        value: URIRef,
        *,
        per_value: bool = True,
    ) -> URIRef:
        """Evidence of a fact whose value is a known thing: says which value (``kg:evidenceValue``)."""
        evidence = self.add(
            g, subject, field, cited.quote, note=cited.note, ref=cited.ref if per_value else None
        )
        g.add((evidence, KG.evidenceValue, value))
        if cited.correction is not None:
            c = cited.correction
            _, key = self.iris.parse(evidence) or ("evidence", "unknown")
            correction = self.iris.mint("correction", key)
            g.add((correction, RDF.type, KG.Correction))
            g.add((correction, RDF.type, PROV.Entity))
            g.add((correction, KG.originalText, Literal(c.original)))
            g.add((correction, KG.correctedText, Literal(c.corrected)))
            g.add((correction, KG.appliesTo, evidence))
            g.add((correction, KG.correctedTo, value))
            g.add((correction, RDFS.comment, Literal(c.note, lang="en")))
        return evidence
