"""English and French labels of the outside terms the graph uses (schema.org, DCTERMS, PROV, ORG, OA...).

Our own terms (``kg:``) carry their labels in the ontology, in both languages; the vocabularies we reuse
state English labels at best (schema.org only in English), and the graph does not copy them. A French page
would then show ``funded item`` or ``was derived from`` among French labels, so the pages take the labels
of the terms we use from this table. The French follows the words of the Government of Canada's French
publications where they have one (``bénéficiaire``, ``organisme``, ``communiqué``).

>>> term_label("https://schema.org/fundedItem", "fr")
'élément financé'
>>> term_label("http://www.w3.org/ns/prov#wasDerivedFrom", "en")
'was derived from'
>>> term_label("https://example.org/unknown", "fr") is None
True
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS

from kg.vocab import ELI, OA, ORG, SCHEMA, VANN

_SCHEMA: Mapping[str, tuple[str, str]] = {
    # properties
    "alternateName": ("alternate name", "autre nom"),
    "amount": ("amount", "montant"),
    "areaServed": ("area served", "zone desservie"),
    "author": ("author", "auteur"),
    "containedInPlace": ("contained in place", "situé dans"),
    "contentSize": ("content size", "taille du contenu"),
    "currency": ("currency", "devise"),
    "datePublished": ("date published", "date de publication"),
    "description": ("description", "description"),
    "encodingFormat": ("encoding format", "format d'encodage"),
    "funder": ("funder", "bailleur de fonds"),
    "funding": ("funding", "financement"),
    "fundedItem": ("funded item", "élément financé"),
    "hasPart": ("has part", "comprend"),
    "headline": ("headline", "titre"),
    "honorificPrefix": ("honorific prefix", "titre honorifique"),
    "identifier": ("identifier", "identifiant"),
    "inLanguage": ("in language", "langue"),
    "isPartOf": ("is part of", "fait partie de"),
    "jobTitle": ("job title", "titre du poste"),
    "legislationDate": ("legislation date", "date du texte"),
    "legislationIdentifier": ("legislation identifier", "identifiant du texte"),
    "legislationPassedBy": ("legislation passed by", "adopté par"),
    "location": ("location", "lieu"),
    "locationCreated": ("location created", "lieu de création"),
    "maxValue": ("maximum value", "valeur maximale"),
    "minValue": ("minimum value", "valeur minimale"),
    "name": ("name", "nom"),
    "parentOrganization": ("parent organization", "organisation mère"),
    "position": ("position", "position"),
    "publisher": ("publisher", "éditeur"),
    "url": ("URL", "URL"),
    "value": ("value", "valeur"),
    "worksFor": ("works for", "travaille pour"),
    # classes
    "City": ("city", "ville"),
    "Country": ("country", "pays"),
    "CreativeWork": ("creative work", "œuvre"),
    "Event": ("event", "événement"),
    "FundingScheme": ("funding scheme", "programme de financement"),
    "GovernmentOrganization": ("government organization", "organisation gouvernementale"),
    "Legislation": ("legislation", "texte législatif"),
    "MediaObject": ("media object", "fichier"),
    "MonetaryAmount": ("monetary amount", "montant"),
    "MonetaryGrant": ("monetary grant", "subvention"),
    "NewsArticle": ("news release", "communiqué"),
    "Organization": ("organization", "organisation"),
    "Person": ("person", "personne"),
    "Place": ("place", "lieu"),
    "Project": ("project", "projet"),
}

_OTHERS: Mapping[str, tuple[str, str]] = {
    # DCTERMS
    str(DCTERMS.created): ("created", "date de création"),
    str(DCTERMS.creator): ("creator", "créateur"),
    str(DCTERMS.description): ("description", "description"),
    str(DCTERMS.isFormatOf): ("is format of", "est un format de"),
    str(DCTERMS.language): ("language", "langue"),
    str(DCTERMS.license): ("license", "licence"),
    str(DCTERMS.modified): ("modified", "date de modification"),
    str(DCTERMS.subject): ("subject", "sujet"),
    str(DCTERMS.title): ("title", "titre"),
    # PROV
    str(PROV.wasDerivedFrom): ("was derived from", "dérivé de"),
    str(PROV.Entity): ("entity", "entité"),
    # ORG
    str(ORG.holds): ("holds", "occupe"),
    str(ORG.postIn): ("post in", "poste au sein de"),
    str(ORG.subOrganizationOf): ("sub-organization of", "sous-organisation de"),
    str(ORG.unitOf): ("unit of", "unité de"),
    str(ORG.FormalOrganization): ("formal organization", "organisation officielle"),
    str(ORG.Organization): ("organization", "organisation"),
    str(ORG.OrganizationalUnit): ("organizational unit", "unité organisationnelle"),
    str(ORG.Post): ("post", "poste"),
    # Web Annotation (OA)
    str(OA.end): ("end", "fin"),
    str(OA.exact): ("exact text", "texte exact"),
    str(OA.hasSelector): ("selector", "sélecteur"),
    str(OA.hasSource): ("source", "source"),
    str(OA.prefix): ("text before", "texte précédent"),
    str(OA.start): ("start", "début"),
    str(OA.suffix): ("text after", "texte suivant"),
    str(OA.SpecificResource): ("specific resource", "ressource ciblée"),
    str(OA.TextPositionSelector): ("text position selector", "sélecteur de position"),
    str(OA.TextQuoteSelector): ("text quote selector", "sélecteur de citation"),
    # SKOS
    str(SKOS.altLabel): ("alternative label", "autre libellé"),
    str(SKOS.broader): ("broader", "plus général"),
    str(SKOS.definition): ("definition", "définition"),
    str(SKOS.hasTopConcept): ("has top concept", "concept de tête"),
    str(SKOS.hiddenLabel): ("hidden label", "libellé caché"),
    str(SKOS.inScheme): ("in scheme", "dans le schéma"),
    str(SKOS.notation): ("notation", "notation"),
    str(SKOS.note): ("note", "note"),
    str(SKOS.prefLabel): ("preferred label", "libellé préféré"),
    str(SKOS.topConceptOf): ("top concept of", "concept de tête de"),
    str(SKOS.Concept): ("concept", "concept"),
    str(SKOS.ConceptScheme): ("concept scheme", "schéma de concepts"),
    # RDF, RDFS, OWL
    str(RDF.type): ("type", "type"),
    str(RDFS.comment): ("comment", "commentaire"),
    str(RDFS.label): ("label", "libellé"),
    str(RDFS.seeAlso): ("see also", "voir aussi"),
    str(RDFS.isDefinedBy): ("is defined by", "défini par"),
    str(RDFS.domain): ("domain", "domaine"),
    str(RDFS.range): ("range", "image"),
    str(RDFS.subClassOf): ("subclass of", "sous-classe de"),
    str(RDFS.subPropertyOf): ("subproperty of", "sous-propriété de"),
    str(OWL.Class): ("class", "classe"),
    str(OWL.ObjectProperty): ("object property", "propriété d'objet"),
    str(OWL.DatatypeProperty): ("datatype property", "propriété de données"),
    str(OWL.AnnotationProperty): ("annotation property", "propriété d'annotation"),
    str(OWL.FunctionalProperty): ("functional property", "propriété fonctionnelle"),
    str(OWL.NamedIndividual): ("named individual", "individu nommé"),
    str(OWL.Ontology): ("ontology", "ontologie"),
    str(OWL.unionOf): ("union of", "union de"),
    str(RDF.Property): ("property", "propriété"),
    str(RDF.first): ("first", "premier"),
    str(RDF.rest): ("rest", "reste"),
    str(RDFS.Class): ("class", "classe"),
    str(OWL.sameAs): ("same as", "identique à"),
    str(OWL.inverseOf): ("inverse of", "inverse de"),
    str(OWL.equivalentClass): ("equivalent to", "équivalent à"),
    str(OWL.versionInfo): ("version", "version"),
    str(OWL.versionIRI): ("version IRI", "IRI de version"),
    # FOAF, ELI, VANN
    str(FOAF.Agent): ("agent", "agent"),
    str(FOAF.Organization): ("organization", "organisation"),
    str(FOAF.Person): ("person", "personne"),
    str(FOAF.name): ("name", "nom"),
    str(ELI.LegalResource): ("legal resource", "ressource juridique"),
    str(VANN.preferredNamespacePrefix): ("preferred prefix", "préfixe préféré"),
    str(VANN.preferredNamespaceUri): ("preferred namespace", "espace de noms préféré"),
}

TERM_LABELS: Mapping[str, tuple[str, str]] = {
    **{f"{SCHEMA}{name}": pair for name, pair in _SCHEMA.items()},
    **_OTHERS,
}
"""IRI -> (English label, French label), for the outside terms the graph and its pages use."""


def term_label(iri: str, lang: str) -> str | None:
    """The label of an outside term in ``lang`` (French for ``fr``, else English); None when unknown."""
    pair = TERM_LABELS.get(iri)
    if pair is None:
        return None
    return pair[1] if lang == "fr" else pair[0]
