"""Reference records -> the reference graph: organisations, programs, people, places, themes, codelists."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from kg.iris import Iris
from kg.sources.records import Reference
from kg.vocab import ELI, FOAF, KG, ORG, OWL, RDF, SCHEMA, SKOS, WD, XSD

from .terms import texts

_GOVERNMENT_KINDS = ("government", "department", "unit")


@dataclass(frozen=True)
class Resolver:
    """Turns record ids into IRIs; the only place that knows which kind each id belongs to."""

    iris: Iris
    reference: Reference

    def organization(self, key: str) -> URIRef:
        return self.iris.mint("organization", key)

    def program(self, key: str) -> URIRef:
        return self.iris.mint("program", key)

    def person(self, key: str) -> URIRef:
        return self.iris.mint("person", key)

    def post(self, key: str) -> URIRef:
        return self.iris.mint("post", key)

    def instrument(self, key: str) -> URIRef:
        return self.iris.mint("instrument", key)

    def theme(self, key: str) -> URIRef:
        return self.iris.mint("theme", key)

    def code(self, codelist: str, code: str) -> URIRef:
        return self.iris.mint(codelist, code)

    def scheme(self, key: str) -> URIRef:
        return self.iris.mint("scheme", key)

    def place(self, key: str) -> URIRef:
        place = self.reference.places[key]
        if place.type == "m49-region":
            return self.iris.mint("m49", str(place.m49))
        if place.type == "country":
            return self.iris.mint("country", place.id)
        if place.type == "region":
            return self.iris.mint("region", place.id)
        return self.iris.mint("place", place.id)

    def proposed(self, kind: str, key: str) -> URIRef:
        """The IRI of a reference entry of a record's ``reference:`` section (``Proposal.kind``)."""
        if kind == "organizations":
            return self.organization(key)
        if kind == "programs":
            return self.program(key)
        return self.place(key)

    def agent(self, kind: str, key: str) -> URIRef:
        return self.person(key) if kind == "person" else self.organization(key)


def build_reference(resolve: Resolver) -> Graph:
    """The reference graph, from reference records only."""
    g = Graph()
    ref = resolve.reference
    for org in ref.organizations.values():
        node = resolve.organization(org.id)
        for cls in (SCHEMA.Organization, ORG.Organization, FOAF.Organization, FOAF.Agent):
            g.add((node, RDF.type, cls))
        if org.kind in _GOVERNMENT_KINDS:
            g.add((node, RDF.type, SCHEMA.GovernmentOrganization))
        g.add((node, RDF.type, ORG.OrganizationalUnit if org.kind == "unit" else ORG.FormalOrganization))
        texts(g, node, SCHEMA.name, org.name)
        texts(g, node, SKOS.prefLabel, org.name)
        for acronym in org.acronyms:
            g.add((node, SCHEMA.alternateName, Literal(acronym)))
        for misspelling in org.misspellings:
            g.add((node, SKOS.hiddenLabel, Literal(misspelling)))
        if org.parent:
            parent = resolve.organization(org.parent)
            g.add((node, SCHEMA.parentOrganization, parent))
            # Stated directly: a query on org:subOrganizationOf finds units without inference.
            g.add((node, ORG.subOrganizationOf, parent))
            if org.kind == "unit":
                g.add((node, ORG.unitOf, parent))
        if org.iati_type:
            g.add((node, KG.iatiOrganisationType, resolve.code("iati-organisation-type", org.iati_type)))
        if org.iati_id:
            g.add((node, KG.iatiIdentifier, Literal(org.iati_id)))
        if org.country:
            g.add((node, SCHEMA.location, resolve.place(org.country)))
        if org.serves:
            g.add((node, SCHEMA.areaServed, resolve.place(org.serves)))
        if org.wikidata:
            g.add((node, OWL.sameAs, WD[org.wikidata]))
        if org.url:
            g.add((node, SCHEMA.url, URIRef(org.url)))
        if org.note:
            g.add((node, SKOS.note, Literal(org.note, lang="en")))
    for program in ref.programs.values():
        node = resolve.program(program.id)
        g.add((node, RDF.type, KG.FundingProgram))
        g.add((node, RDF.type, SCHEMA.FundingScheme))
        texts(g, node, SCHEMA.name, program.name)
        texts(g, node, SKOS.prefLabel, program.name)
        for acronym in program.acronyms:
            g.add((node, SCHEMA.alternateName, Literal(acronym)))
        owner = resolve.organization(program.administered_by)
        g.add((node, KG.administeredBy, owner))
        g.add((node, SCHEMA.parentOrganization, owner))
        if program.description:
            texts(g, node, SCHEMA.description, program.description)
    for post in ref.posts.values():
        node = resolve.post(post.id)
        g.add((node, RDF.type, ORG.Post))
        texts(g, node, SCHEMA.name, post.name)
        texts(g, node, SKOS.prefLabel, post.name)
        g.add((node, ORG.postIn, resolve.organization(post.post_in)))
    for person in ref.people.values():
        node = resolve.person(person.id)
        g.add((node, RDF.type, SCHEMA.Person))
        g.add((node, RDF.type, FOAF.Person))
        g.add((node, SCHEMA.name, Literal(person.name)))
        if person.honorific:
            g.add((node, SCHEMA.honorificPrefix, Literal(person.honorific, lang="en")))
        for held in person.holds:
            g.add((node, ORG.holds, resolve.post(held)))
            texts(g, node, SCHEMA.jobTitle, ref.posts[held].name)
        if person.works_for:
            g.add((node, SCHEMA.worksFor, resolve.organization(person.works_for)))
    _places(g, resolve)
    _concepts(g, resolve)
    for inst in ref.instruments.values():
        node = resolve.instrument(inst.id)
        if inst.type == "legal-instrument":
            for cls in (KG.LegalInstrument, SCHEMA.Legislation, ELI.LegalResource):
                g.add((node, RDF.type, cls))
        else:
            g.add((node, RDF.type, KG.Strategy))
            g.add((node, RDF.type, SCHEMA.CreativeWork))
        texts(g, node, SCHEMA.name, inst.name)
        if inst.identifier:
            g.add((node, SCHEMA.legislationIdentifier, Literal(inst.identifier)))
        if inst.date:
            g.add((node, SCHEMA.legislationDate, Literal(inst.date, datatype=XSD.date)))
        if inst.passed_by:
            g.add((node, SCHEMA.legislationPassedBy, resolve.organization(inst.passed_by)))
        if inst.author:
            g.add((node, SCHEMA.author, resolve.organization(inst.author)))
        if inst.url:
            g.add((node, SCHEMA.url, URIRef(inst.url)))
    return g


def _places(g: Graph, resolve: Resolver) -> None:
    m49_scheme = resolve.scheme("m49")
    g.add((m49_scheme, RDF.type, SKOS.ConceptScheme))
    texts(g, m49_scheme, SKOS.prefLabel, {"en": "UN M49 regions", "fr": "Régions M49 de l'ONU"})
    for place in resolve.reference.places.values():
        node = resolve.place(place.id)
        g.add((node, RDF.type, SCHEMA.Place))
        texts(g, node, SCHEMA.name, place.name)
        texts(g, node, SKOS.prefLabel, place.name)
        if place.type in ("m49-region", "region"):
            g.add((node, RDF.type, KG.Region))
        if place.type == "m49-region":
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, m49_scheme))
            g.add((node, SKOS.notation, Literal(place.m49)))
        if place.type == "country":
            g.add((node, RDF.type, SCHEMA.Country))
            g.add((node, KG.iso3166Alpha2, Literal(place.id.upper())))
            if place.alpha3:
                g.add((node, KG.iso3166Alpha3, Literal(place.alpha3)))
        if place.type == "city":
            g.add((node, RDF.type, SCHEMA.City))
        if place.m49:
            g.add((node, KG.m49Code, Literal(place.m49)))
        if place.parent:
            parent = resolve.place(place.parent)
            g.add((node, SCHEMA.containedInPlace, parent))
            if place.type == "m49-region":
                g.add((node, SKOS.broader, parent))
        if place.wikidata:
            g.add((node, OWL.sameAs, WD[place.wikidata]))


def _concepts(g: Graph, resolve: Resolver) -> None:
    themes = resolve.scheme("themes")
    g.add((themes, RDF.type, SKOS.ConceptScheme))
    texts(g, themes, SKOS.prefLabel, {"en": "Themes of funded projects", "fr": "Thèmes des projets financés"})
    for theme in resolve.reference.themes.values():
        node = resolve.theme(theme.id)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, themes))
        g.add((themes, SKOS.hasTopConcept, node))
        texts(g, node, SKOS.prefLabel, theme.name)
    for codelist in resolve.reference.codelists.values():
        scheme = resolve.scheme(codelist.id)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        texts(g, scheme, SKOS.prefLabel, codelist.name)
        g.add((scheme, SCHEMA.url, URIRef(codelist.source)))
        for code in codelist.codes:
            node = resolve.code(codelist.id, code.code)
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, scheme))
            g.add((node, SKOS.notation, Literal(code.code)))
            texts(g, node, SKOS.prefLabel, code.name)
