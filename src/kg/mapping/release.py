"""A release record and its source text -> the release's named graph: release, projects, grants, evidence."""

from __future__ import annotations

from datetime import datetime

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.sources.records import Amount, Project, Release, SourceText
from kg.vocab import DCTERMS, KG, PROV, RDF, SCHEMA, XSD

from .reference import Resolver
from .terms import GRANT_NAME, GRANT_NAME_NOTE, PUBLISHER_NOTE, EvidenceWriter, decimal

# Where each qualifier puts the figure (schema.org MonetaryAmount): the public contract of the graph.
_FIGURE_PROPERTY = {
    "exact": SCHEMA.value,
    "approximately": SCHEMA.value,
    "over": SCHEMA.minValue,
    "up-to": SCHEMA.maxValue,
}
_QUALIFIER_TERM = {
    "exact": KG.exact,
    "approximately": KG.approximately,
    "over": KG.over,
    "up-to": KG.upTo,
}


def _amount(g: Graph, node: URIRef, amount: Amount) -> URIRef:
    g.add((node, RDF.type, SCHEMA.MonetaryAmount))
    g.add((node, SCHEMA.currency, Literal("CAD")))
    g.add((node, _FIGURE_PROPERTY[amount.qualifier], decimal(amount.value)))
    g.add((node, KG.qualifier, _QUALIFIER_TERM[amount.qualifier]))
    g.add((node, KG.statedAs, Literal(amount.stated)))
    if amount.period:
        # An xsd:string: xsd:duration is not in the OWL 2 datatype map (ontology/kg.ttl, kg:period).
        g.add((node, KG.period, Literal(amount.period)))
    return node


def stated_caps(release: Release, resolve: Resolver) -> dict[URIRef, frozenset[tuple[Node, Node]]]:
    """The annual caps ``release`` states, each with the facts of its figure (all but the wording
    ``kg:statedAs`` and the ``prov:wasDerivedFrom`` link) as ``build_release`` writes them, read from the
    record alone: which release keeps a cap is known before any graph is built (``kg.mapping.caps``)."""
    g = Graph()
    for mention in release.programs:
        if mention.cap:
            _amount(g, resolve.iris.mint("amount", f"program-{mention.cited.ref}-cap"), mention.cap)
    return {
        cap: frozenset((p, o) for p, o in g.predicate_objects(cap) if p != KG.statedAs)
        for cap in sorted({s for s in g.subjects() if isinstance(s, URIRef)})
    }


def build_release(
    release: Release, source: SourceText, resolve: Resolver, into: Graph | None = None
) -> Graph:
    """The named graph of one release: everything read from it, each fact with its sentence.

    ``into`` is the graph to write to (a named graph of the dataset, which saves copying every triple into
    it), a new graph by default.
    """
    g = Graph() if into is None else into
    iris = resolve.iris
    node = iris.mint("release", release.id)
    text = iris.mint("source", release.id)
    backgrounder = iris.mint("backgrounder", release.id)
    ev = EvidenceWriter(iris, text, source.text)
    gov = resolve.organization("government-of-canada")

    for cls in (KG.SourceText, SCHEMA.MediaObject, PROV.Entity):
        g.add((text, RDF.type, cls))
    g.add((text, SCHEMA.name, Literal(source.name)))
    g.add((text, SCHEMA.encodingFormat, Literal("text/plain; charset=utf-8")))
    g.add((text, DCTERMS.isFormatOf, node))
    g.add((text, KG.sha256, Literal(source.sha256)))
    g.add((text, SCHEMA.contentSize, Literal(source.size)))
    g.add((text, KG.characterCount, Literal(len(source.text))))

    for cls in (KG.NewsRelease, SCHEMA.NewsArticle, PROV.Entity):
        g.add((node, RDF.type, cls))
    g.add((node, KG.sourceText, text))
    if release.headline:  # a copy that starts at its dateline has none, and none is made up
        g.add((node, SCHEMA.headline, Literal(release.headline.text, lang=release.language)))
        g.add((node, SCHEMA.name, Literal(release.headline.text, lang=release.language)))
        ev.add(g, node, "headline", release.headline)
    if release.number is not None:  # an unnumbered release has neither (RECORD-CHANGES.md point 1)
        g.add((node, SCHEMA.identifier, Literal(f"No. {release.number}")))
        g.add((node, KG.releaseNumber, Literal(release.number)))
    # A date-time with its offset when the dateline gives a time, else the date alone: never a made-up time.
    timed = isinstance(release.published, datetime)
    published = Literal(release.published.isoformat(), datatype=XSD.dateTime if timed else XSD.date)
    g.add((node, SCHEMA.datePublished, published))
    if release.dateline:
        ev.add(g, node, "dateline", release.dateline)
    g.add((node, SCHEMA.inLanguage, Literal(release.language)))
    if release.publisher is not None and (first := release.headline or release.dateline):
        publisher = resolve.organization(release.publisher)
        g.add((node, SCHEMA.publisher, publisher))
        evidence = ev.add(g, node, "publisher", first, note=PUBLISHER_NOTE)
        g.add((evidence, KG.evidenceValue, publisher))
    for cited in release.announced_by:
        person = resolve.person(cited.ref)
        g.add((node, KG.announcedBy, person))
        ev.cited(g, node, "announced-by", cited, person)
    if release.location:
        place = resolve.place(release.location.ref)
        g.add((node, SCHEMA.locationCreated, place))
        ev.cited(g, node, "location", release.location, place, per_value=False)
    if release.event:
        event = iris.mint("event", release.event.id)
        g.add((event, RDF.type, KG.Conference))
        g.add((event, RDF.type, SCHEMA.Event))
        g.add((event, SCHEMA.name, Literal(release.event.name, lang=release.language)))
        g.add((event, SCHEMA.location, resolve.place(release.event.place)))
        g.add((event, PROV.wasDerivedFrom, node))
        g.add((node, KG.announcedAt, event))
        ev.add(g, event, "name", release.event.quote)
    if release.total:
        total = _amount(g, iris.mint("amount", f"release-{release.id}-total"), release.total)
        g.add((node, KG.announcedTotal, total))
        assert release.total.quote is not None
        ev.add(g, node, "total", release.total.quote)
    for mention in release.programs:
        program = resolve.program(mention.cited.ref)
        g.add((node, KG.program, program))
        ev.cited(g, node, "program", mention.cited, program)
        if mention.cap:
            # One cap per program, which several releases may state: the amount is the program's, the
            # evidence is each release's own sentence (keyed by the release, so restatements never clash).
            cap = iris.mint("amount", f"program-{mention.cited.ref}-cap")
            g.add((program, KG.annualCap, _amount(g, cap, mention.cap)))
            g.add((cap, PROV.wasDerivedFrom, node))
            ev.add(g, program, "annual-cap", mention.cited.quote, ref=release.id)
    for cited in release.supports:
        instrument = resolve.instrument(cited.ref)
        g.add((node, KG.supports, instrument))
        ev.cited(g, node, "supports", cited, instrument)
    for cited in release.organizations:
        # Named as taking part (a partner, an implementer of the whole, a body that benefits) with no amount.
        org = resolve.organization(cited.ref)
        g.add((node, KG.relatedOrganization, org))
        ev.cited(g, node, "related-organization", cited, org)
    for kind, cited in release.contacts:
        agent = resolve.agent(kind, cited.ref)
        g.add((node, KG.contact, agent))
        ev.cited(g, node, "contact", cited, agent)
    if release.backgrounder:
        g.add((backgrounder, RDF.type, KG.Backgrounder))
        g.add((backgrounder, RDF.type, SCHEMA.CreativeWork))
        title = release.backgrounder.title
        g.add((backgrounder, SCHEMA.name, Literal(title.text, lang=release.language)))
        g.add((backgrounder, SCHEMA.isPartOf, node))
        g.add((node, SCHEMA.hasPart, backgrounder))
        ev.add(g, backgrounder, "title", title)
    for project in release.projects:
        _project(g, release, project, resolve, ev, node, gov)
    for proposal in release.proposals:
        # The entry itself is reference data (the reference graph); the sentence naming it is this release's.
        ev.add(g, resolve.proposed(proposal.kind, proposal.entry.id), "name", proposal.quote)
    return g


def _project(
    g: Graph,
    release: Release,
    project: Project,
    resolve: Resolver,
    ev: EvidenceWriter,
    release_node: URIRef,
    gov: URIRef,
) -> None:
    iris = resolve.iris
    lang = release.language
    node = iris.mint("project", project.id)
    grant = iris.mint("grant", project.id)
    for cls in (KG.Project, SCHEMA.Project, PROV.Entity):
        g.add((node, RDF.type, cls))
    g.add((node, SCHEMA.name, Literal(project.title.text, lang=lang)))
    g.add((node, SCHEMA.position, Literal(project.number)))
    ev.add(g, node, "title", project.title, note=project.title_note)
    if project.description:
        g.add((node, SCHEMA.description, Literal(project.description.text, lang=lang)))
        ev.add(g, node, "description", project.description)
    for cited in project.implementers:
        org = resolve.organization(cited.ref)
        g.add((node, KG.implementer, org))
        ev.cited(g, node, "implementer", cited, org)
    # A project whose program the release does not name is funded through the release's first program; a
    # release that names no program has projects funded through none (the Government of Canada funds them).
    program: URIRef | None = None
    if project.program:
        program = resolve.program(project.program.ref)
        ev.cited(g, node, "program", project.program, program, per_value=False)
    elif release.programs:
        program_cited = release.programs[0].cited
        program = resolve.program(program_cited.ref)
        note = (
            "The release does not name the program of this project; it is the release's main program, "
            "which funds Canada's contribution."
        )
        evidence = ev.add(g, node, "program", program_cited.quote, note=note)
        g.add((evidence, KG.evidenceValue, program))
    if program is not None:
        g.add((node, KG.fundedThrough, program))
    for cited in project.regions:
        place = resolve.place(cited.ref)
        g.add((node, KG.beneficiaryRegion, place))
        g.add((node, SCHEMA.areaServed, place))
        ev.cited(g, node, "region", cited, place)
    supports = project.supports + (release.backgrounder.supports if release.backgrounder else ())
    for cited in supports:
        instrument = resolve.instrument(cited.ref)
        g.add((node, KG.supports, instrument))
        ev.cited(g, node, "supports", cited, instrument)
    for cited in project.related:
        related = resolve.organization(cited.ref)
        g.add((node, KG.relatedOrganization, related))
        ev.cited(g, node, "related-organization", cited, related)
    for cited in project.themes:
        theme = resolve.theme(cited.ref)
        g.add((node, KG.theme, theme))
        g.add((node, DCTERMS.subject, theme))
        ev.cited(g, node, "theme", cited, theme)
    for sector in project.sectors:
        code = resolve.code("dac-sector", sector)
        g.add((node, KG.dacSector, code))
        _derived_sector(g, project, sector, code, resolve, ev, node)
    g.add((node, KG.announcedIn, release_node))
    g.add((node, PROV.wasDerivedFrom, release_node))

    for cls in (KG.Contribution, SCHEMA.MonetaryGrant, PROV.Entity):
        g.add((grant, RDF.type, cls))
    grant_name = GRANT_NAME[lang].format(title=project.title.text)
    g.add((grant, SCHEMA.name, Literal(grant_name, lang=lang)))
    ev.add(g, grant, "name", project.title, note=GRANT_NAME_NOTE)
    g.add((grant, SCHEMA.fundedItem, node))
    g.add((grant, SCHEMA.funder, gov))
    if program is not None:
        g.add((grant, SCHEMA.funder, program))
        g.add((grant, KG.fundingProgram, program))
    amount = _amount(g, iris.mint("amount", f"grant-{project.id}"), project.amount)
    g.add((grant, SCHEMA.amount, amount))
    g.add((grant, KG.announcedIn, release_node))
    g.add((grant, PROV.wasDerivedFrom, release_node))
    if project.amount.quote:
        ev.add(g, grant, "amount", project.amount.quote)
    ev.add(g, grant, "funded-item", project.title)


def _derived_sector(
    g: Graph, project: Project, sector: str, code: URIRef, resolve: Resolver, ev: EvidenceWriter, node: URIRef
) -> None:
    """The evidence of a DAC sector: the quote naming the theme whose code it is, with a note (derived)."""
    themes = resolve.reference.themes
    cited = next((t for t in project.themes if t.ref in themes and themes[t.ref].dac == sector), None)
    if cited is not None:
        note = (
            f"The release states no DAC sector; {sector} is the DAC purpose code of the theme "
            f"'{themes[cited.ref].name.get('en', cited.ref)}' that this passage names "
            "(data/reference/themes.yaml)."
        )
        evidence = ev.add(g, node, "dac-sector", cited.quote, note=note, ref=sector)
    else:
        note = (
            f"The release states no DAC sector; {sector} is the reviewer's reading of this project's title."
        )
        evidence = ev.add(g, node, "dac-sector", project.title, note=note, ref=sector)
    g.add((evidence, KG.evidenceValue, code))
