"""The kg project's translations of a release -> language-tagged literals plus a ``kg:Translation`` marker.

Each translated resource gets its texts in the translation's language and ``kg:translation`` a node that says,
in a form a program can test, that those literals are the project's own translation and not official text:
``dcterms:language``, ``kg:translatedProperty`` (which properties), ``prov:wasDerivedFrom`` the evidence of
the English text, and an ``rdfs:comment`` in English and French.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kg.sources.records import Release
from kg.sources.translations import ReleaseTranslation
from kg.vocab import DCTERMS, KG, PROV, RDF, RDFS, SCHEMA

from .reference import Resolver
from .terms import GRANT_NAME

NOTICE = {  # by the language translated into: what the translation says of itself, in both languages
    "fr": {
        "en": "Translation by the kg project; not the official French text.",
        "fr": "Traduction faite par le projet kg ; ce n'est pas le texte français officiel.",
    },
    "en": {
        "en": "Translation by the kg project; not the official English text.",
        "fr": "Traduction faite par le projet kg ; ce n'est pas le texte anglais officiel.",
    },
}


def _mark(
    g: Graph,
    resolve: Resolver,
    subject: URIRef,
    language: str,
    texts: dict[URIRef, str],
    derived_from: list[URIRef],
) -> URIRef:
    """Add the translated literals of ``subject`` and the node that marks them as unofficial."""
    kind, key = resolve.iris.parse(subject) or ("thing", "unknown")
    node = resolve.iris.mint("translation", f"{kind}-{key}-{language}")
    g.add((node, RDF.type, KG.Translation))
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, DCTERMS.language, Literal(language)))
    g.add((node, KG.translationOf, subject))
    g.add((subject, KG.translation, node))
    for lang, text in NOTICE[language].items():
        g.add((node, RDFS.comment, Literal(text, lang=lang)))
    for prop, text in texts.items():
        g.add((subject, prop, Literal(text, lang=language)))
        g.add((node, KG.translatedProperty, prop))
    for source in derived_from:
        g.add((node, PROV.wasDerivedFrom, source))
    return node


def build_translation(release: Release, translation: ReleaseTranslation, resolve: Resolver) -> Graph:
    """The translated texts of one release; goes into the release's named graph."""
    g = Graph()
    iris = resolve.iris
    lang = translation.language
    node = iris.mint("release", release.id)

    def evidence(subject_kind: str, key: str, field: str) -> URIRef:
        # The key rule of kg.mapping.terms.EvidenceWriter: {subject kind}-{subject key}-{field}.
        return iris.mint("evidence", f"{subject_kind}-{key}-{field}")

    if release.headline:  # a release with no headline has none to translate
        headline = {SCHEMA.headline: translation.headline, SCHEMA.name: translation.headline}
        _mark(g, resolve, node, lang, headline, [evidence("release", release.id, "headline")])
    if release.backgrounder and translation.backgrounder_title:
        backgrounder = iris.mint("backgrounder", release.id)
        title = {SCHEMA.name: translation.backgrounder_title}
        _mark(g, resolve, backgrounder, lang, title, [evidence("backgrounder", release.id, "title")])
    if release.event and translation.event_name:
        event = iris.mint("event", release.event.id)
        name = {SCHEMA.name: translation.event_name}
        _mark(g, resolve, event, lang, name, [evidence("event", release.event.id, "name")])
    for project in release.projects:
        item = translation.project(project.id)
        if item is None:
            continue
        subject = iris.mint("project", project.id)
        texts = {SCHEMA.name: item.title}
        sources = [evidence("project", project.id, "title")]
        if item.description is not None:
            texts[SCHEMA.description] = item.description
            sources.append(evidence("project", project.id, "description"))
        project_translation = _mark(g, resolve, subject, lang, texts, sources)
        grant = iris.mint("grant", project.id)
        grant_name = {SCHEMA.name: GRANT_NAME[lang].format(title=item.title)}
        _mark(g, resolve, grant, lang, grant_name, [project_translation])
    return g
