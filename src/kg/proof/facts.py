"""Every fact is quoted or marked: the quote of its evidence names its value, or a note says it is inferred.

A fact whose value is a thing (``kg:evidenceValue``) is quoted when the quote names it: one of its names,
acronyms, codes or official French names, or the original wording of a recorded ``kg:Correction`` that
designates it (a misspelt acronym). A fact whose value is text (a headline, a title) is quoted when the quote
holds the text. Otherwise its evidence carries a note (``rdfs:comment``): it is read between the lines.
Every value of the properties below has such evidence; a value without any is unproved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.report import Violation
from kg.vocab import FOAF, KG, RDF, RDFS, SCHEMA, SKOS

from .common import evidence_of, flat, noted, quote_of, short, violation

# The properties whose literals name a thing, in any language (official French names included).
NAME_PROPERTIES = (
    SCHEMA.name,
    SCHEMA.alternateName,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.notation,
    FOAF.name,
    RDFS.label,
    SCHEMA.legislationIdentifier,
)

# Which evidence field proves each fact about a thing: (subject class, property) -> field.
FACT_FIELDS: dict[tuple[URIRef, URIRef], str] = {
    (KG.NewsRelease, SCHEMA.publisher): "publisher",
    (KG.NewsRelease, KG.announcedBy): "announced-by",
    (KG.NewsRelease, KG.program): "program",
    (KG.NewsRelease, KG.supports): "supports",
    (KG.NewsRelease, KG.contact): "contact",
    (KG.NewsRelease, SCHEMA.locationCreated): "location",
    (KG.NewsRelease, KG.relatedOrganization): "related-organization",
    (KG.Project, KG.implementer): "implementer",
    (KG.Project, KG.fundedThrough): "program",
    (KG.Project, KG.beneficiaryRegion): "region",
    (KG.Project, KG.theme): "theme",
    (KG.Project, KG.dacSector): "dac-sector",
    (KG.Project, KG.supports): "supports",
    (KG.Project, KG.relatedOrganization): "related-organization",
}
# Which evidence field proves a text: field -> the property holding the text on the evidence's subject.
TEXT_FIELDS: dict[str, URIRef] = {
    "headline": SCHEMA.headline,
    "title": SCHEMA.name,
    "name": SCHEMA.name,
    "description": SCHEMA.description,
}


def _pattern(name: str) -> str:
    """A name as the releases write it in a sentence, compared loosely (case, quotes, dashes, spaces).

    Besides the name itself: without a trailing parenthesis ("Resolution 1540" for "Resolution 1540
    (2004)"), a region's English adjective ("Central American"), and the first word shared in a coordination
    ("Central and South America", "one in Central and the other in South America" name Central America);
    the extractor reads names the same way.
    """
    words = flat(name).split()
    if not words:
        return r"(?!)"
    forms = [r"\s".join(map(re.escape, words))]
    bare = re.sub(r"\s*\([^)]*\)$", "", flat(name)).split()
    if bare and bare != words:
        forms.append(r"\s".join(map(re.escape, bare)))
    if words[-1] == "america":
        forms.append(r"\s".join(map(re.escape, [*words[:-1], "american"])))
    if len(words) > 2:  # "Amérique centrale et du Sud" names "Amérique du Sud"
        rest = r"\s".join(map(re.escape, words[1:]))
        forms.append(rf"{re.escape(words[0])}\s(?:\w+\s){{1,3}}(?:and|or|et|ou)\s{rest}")
    if len(words) == 2:
        forms.append(rf"{re.escape(words[0])}\s(?:and|or|et|ou)\s(?:\w+\s){{1,4}}{re.escape(words[1])}")
    return rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)"


def _sentence(quote: str) -> str:
    """A quote as names are looked up in it: "UN" spelt out, an acronym defined in passing left out.

    "UN Security Council Resolution (UNSCR) 1540" names "United Nations Security Council Resolution 1540".
    """
    quote = re.sub(r"\bUN\b", "United Nations", quote)
    return flat(re.sub(r"\s\([A-Z][A-Za-z]*[A-Z]\)(?=\s)", "", quote))


def _contains(quote: str, words: str) -> bool:
    """``words`` occur in ``quote`` as whole words, in one of the forms of :func:`_pattern`."""
    pattern = _compiled(words)
    plain, sentence = _read(quote)
    return pattern.search(plain) is not None or pattern.search(sentence) is not None


# A build names thousands of things and quotes each evidence sentence for several names: ``re``'s own cache
# (512 patterns) overflowed at 10^6 triples, and compiling the patterns again was a third of the proofs' time.
@lru_cache(maxsize=8192)
def _compiled(words: str) -> re.Pattern[str]:
    return re.compile(_pattern(words))


@lru_cache(maxsize=1024)
def _read(quote: str) -> tuple[str, str]:
    return flat(quote), _sentence(quote)


def names(graph: Graph, thing: Node) -> list[str]:
    """The names of a thing; a strategy is also named "the strategy of" its author (by any of its names)."""
    found = {str(v) for p in NAME_PROPERTIES for v in graph.objects(thing, p) if isinstance(v, Literal)}
    if (thing, RDF.type, KG.Strategy) in graph:
        for author in graph.objects(thing, SCHEMA.author):
            found |= {f"strategy of the {n}" for n in names(graph, author)}
            found |= {f"strategy of {n}" for n in names(graph, author)}
    return sorted(found)


def _corrected(graph: Graph, evidence: Node, value: Node, quote: str) -> bool:
    return any(
        graph.value(correction, KG.correctedTo) == value
        and (original := graph.value(correction, KG.originalText)) is not None
        and _contains(quote, str(original))
        for correction in graph.subjects(KG.appliesTo, evidence)
    )


def _prove_value(graph: Graph, evidence: Node, quote: str) -> Iterator[Violation]:
    value = graph.value(evidence, KG.evidenceValue)
    field = graph.value(evidence, KG.evidenceField)
    if value is not None:
        known = names(graph, value)
        if any(_contains(quote, n) for n in known) or _corrected(graph, evidence, value, quote):
            return
        message = (
            f"The quote for {field} does not name {value} (by any of its names: "
            f"{', '.join(repr(n) for n in known[:6]) or 'none in the graph'}), no recorded correction "
            "designates it, and no note (rdfs:comment) marks the fact as read between the lines."
        )
        yield violation(graph, evidence, "ProofFactQuoted", message, path=KG.evidenceValue, value=value)
        return
    subject = graph.value(evidence, KG.evidenceFor)
    prop = TEXT_FIELDS.get(str(field))
    if subject is None or prop is None:
        return
    texts = [str(t) for t in graph.objects(subject, prop) if isinstance(t, Literal)]
    if texts and not any(_contains(quote, t) for t in texts):
        message = (
            f"The quote for {field} does not hold the text of {short(str(prop))} of its subject "
            "and no note (rdfs:comment) marks it as read between the lines."
        )
        yield violation(graph, evidence, "ProofFactQuoted", message, path=prop, value=subject)


def prove_quoted_or_noted(graph: Graph) -> Iterator[Violation]:
    """The evidence of each fact names its value, or carries a note."""
    for evidence in sorted(graph.subjects(RDF.type, KG.Evidence), key=str):
        quote = quote_of(graph, evidence)
        if quote is None or noted(graph, evidence):
            continue  # a quote selector without oa:exact: the shapes report it
        yield from _prove_value(graph, evidence, quote)


def prove_facts_have_evidence(graph: Graph) -> Iterator[Violation]:
    """Every value of the properties of FACT_FIELDS has evidence of its field that names it as its value."""
    for (cls, prop), field in FACT_FIELDS.items():
        for subject in sorted(graph.subjects(RDF.type, cls), key=str):
            proved = {graph.value(e, KG.evidenceValue) for e in evidence_of(graph, subject, field)}
            for value in sorted(graph.objects(subject, prop), key=str):
                if value not in proved:
                    message = (
                        f"The fact {short(str(prop))} {value} has no evidence (no kg:Evidence of field "
                        f"{field!r} naming it): it is neither quoted nor marked as read between the lines."
                    )
                    yield violation(graph, subject, "ProofFactHasEvidence", message, path=prop, value=value)
    for grant in sorted(graph.subjects(RDF.type, KG.Contribution), key=str):
        if graph.value(grant, SCHEMA.name) is not None and not evidence_of(graph, grant, "name"):
            message = "The grant's name has no evidence: it is neither quoted nor marked as given by us."
            yield violation(graph, grant, "ProofFactHasEvidence", message, path=SCHEMA.name)
