"""The projects as an IATI 2.03 ``iati-activities`` file (https://iatistandard.org/en/iati-standard/203/).

One ``iati-activity`` per project, read from the built graph. The judgement calls (identifiers, the sector of
the UNSCR 1540 project, lower-bound and approximate figures as commitments, region percentages) are written
down in docs/iati.md; this module implements them. Pure: graph in, XML bytes out.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from xml.etree import ElementTree as ET

from rdflib import Graph, Literal, URIRef

from kg.exports.graphread import ProjectFacts, iris, label, projects, text
from kg.vocab import KG, OA, SCHEMA, SKOS

IATI_VERSION = "2.03"
MEDIA_TYPE = "application/xml"
FILE_NAME = "iati-activities.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REPORTING_ORG = ("CA-3", "10", {"en": "Global Affairs Canada", "fr": "Affaires mondiales Canada"})
IDENTIFIER_PREFIX = "CA-3-KG-"  # CA-3 + our marker: not one of Global Affairs Canada's own activity ids
ROLE_FUNDING, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "3", "4"
STATUS_IMPLEMENTATION = "2"
DATE_PLANNED_START = "1"
TRANSACTION_COMMITMENT = "2"
REGION_M49 = "2"
VOCABULARY_REPORTING_ORG = "99"
SECTOR_DAC5 = "1"


def activity_identifier(project_key: str) -> str:
    """``CA-3-KG-{project key}``: stable as long as the key (the IRI) is; see docs/iati.md.

    >>> activity_identifier("interpol-mobile-police-training-program")
    'CA-3-KG-interpol-mobile-police-training-program'
    """
    return f"{IDENTIFIER_PREFIX}{project_key}"


def split_percentages(n: int) -> list[Decimal]:
    """``n`` shares with two decimals that add up to exactly 100; the last one takes the rounding.

    >>> split_percentages(3)
    [Decimal('33.33'), Decimal('33.33'), Decimal('33.34')]
    """
    if n < 1:
        return []
    share = (Decimal(100) / n).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (n - 1) + [Decimal(100) - share * (n - 1)]


_IN_LANGUAGE = {"en": "en anglais", "fr": "en français"}


def _narratives(parent: ET.Element, texts: dict[str, str]) -> ET.Element:
    # The activity's xml:lang is "en": English narratives carry no xml:lang, others do.
    for lang in ("en", "fr"):
        if texts.get(lang):
            element = ET.SubElement(parent, "narrative")
            if lang != "en":
                element.set(XML_LANG, lang)
            element.text = texts[lang]
    return parent


def _names(g: Graph, node: URIRef) -> dict[str, str]:
    return {lang: label(g, node, lang) for lang in ("en", "fr")}


def _org(parent: ET.Element, tag: str, g: Graph, node: URIRef, **attrs: str) -> ET.Element:
    """An organisation element: its IATI identifier and type where the reference data knows them."""
    element = ET.SubElement(parent, tag, attrs)
    if ref := g.value(node, KG.iatiIdentifier):
        element.set("ref", str(ref))
    if isinstance(kind := g.value(node, KG.iatiOrganisationType), URIRef):
        element.set("type", str(g.value(kind, SKOS.notation)))
    return _narratives(element, _names(g, node))


def _regions(activity: ET.Element, g: Graph, project: URIRef, base: str) -> None:
    """Countries (ISO 3166-1 alpha-2) and UN M49 regions (vocabulary 2) share 100 %; regions outside M49 share
    100 % in vocabulary 99 (docs/iati.md). IATI 2.03 puts recipient-country before recipient-region."""
    places = iris(g, project, KG.beneficiaryRegion)
    countries = [p for p in places if g.value(p, KG.iso3166Alpha2) is not None]
    m49 = [p for p in places if p not in countries and g.value(p, KG.m49Code) is not None]
    other = [p for p in places if p not in countries and g.value(p, KG.m49Code) is None]
    shares = iter(split_percentages(len(countries) + len(m49)))
    for place in countries:
        attrs = {"code": str(g.value(place, KG.iso3166Alpha2)), "percentage": str(next(shares))}
        _narratives(ET.SubElement(activity, "recipient-country", attrs), _names(g, place))
    for place in m49:
        attrs = {
            "code": str(g.value(place, KG.m49Code)),
            "vocabulary": REGION_M49,
            "percentage": str(next(shares)),
        }
        _narratives(ET.SubElement(activity, "recipient-region", attrs), _names(g, place))
    for place, share in zip(other, split_percentages(len(other)), strict=True):
        attrs = {
            "code": str(place).rsplit("/", 1)[1],
            "vocabulary": VOCABULARY_REPORTING_ORG,
            "vocabulary-uri": f"{base}region/",
            "percentage": str(share),
        }
        _narratives(ET.SubElement(activity, "recipient-region", attrs), _names(g, place))


def _sectors(activity: ET.Element, g: Graph, project: URIRef, base: str) -> None:
    """DAC 5-digit purpose codes (vocabulary 1); with none (UNSCR 1540), our themes (vocabulary 99)."""
    dac = iris(g, project, KG.dacSector)
    if dac:
        for sector, share in zip(dac, split_percentages(len(dac)), strict=True):
            attrs = {
                "code": str(g.value(sector, SKOS.notation)),
                "vocabulary": SECTOR_DAC5,
                "percentage": str(share),
            }
            _narratives(ET.SubElement(activity, "sector", attrs), _names(g, sector))
        return
    themes = iris(g, project, KG.theme)
    for theme, share in zip(themes, split_percentages(len(themes)), strict=True):
        attrs = {
            "code": str(theme).rsplit("/", 1)[1],
            "vocabulary": VOCABULARY_REPORTING_ORG,
            "vocabulary-uri": f"{base}scheme/themes",
            "percentage": str(share),
        }
        _narratives(ET.SubElement(activity, "sector", attrs), _names(g, theme))


def _announced(g: Graph, project: URIRef) -> date:
    release = g.value(project, KG.announcedIn)
    published = g.value(release, SCHEMA.datePublished)
    assert isinstance(published, Literal), f"{project}: no announcement date"
    return date.fromisoformat(str(published)[:10])  # the date as published (local time in Ottawa)


def _stated_sentence(g: Graph, project: URIRef) -> dict[str, str]:
    """For a project the release states in its body, with no description: the sentence that states Canada's
    grant to it, in the release's language (IATI requires a description; this is the release's own text)."""
    release = g.value(project, KG.announcedIn)
    lang = str(g.value(release, SCHEMA.inLanguage) or "en")
    for grant in sorted(g.subjects(SCHEMA.fundedItem, project), key=str):
        for evidence in sorted(g.objects(grant, KG.evidence), key=str):
            if str(g.value(evidence, KG.evidenceField)) != "amount":
                continue
            for selector in sorted(g.objects(evidence, OA.hasSelector), key=str):
                if (exact := g.value(selector, OA.exact)) is not None:
                    return {lang: str(exact)}
    return {}


def _activity(root: ET.Element, g: Graph, p: ProjectFacts, base: str, updated: str) -> None:
    attrs = {
        "last-updated-datetime": updated,
        XML_LANG: "en",
        "default-currency": "CAD",
        "linked-data-uri": str(p.iri),
    }
    activity = ET.SubElement(root, "iati-activity", attrs)
    ET.SubElement(activity, "iati-identifier").text = activity_identifier(p.key)
    ref, kind, names = REPORTING_ORG
    _narratives(ET.SubElement(activity, "reporting-org", {"ref": ref, "type": kind}), names)
    titles = {lang: text(g, p.iri, SCHEMA.name, lang) for lang in ("en", "fr")}
    _narratives(ET.SubElement(activity, "title"), titles)
    descriptions = {lang: text(g, p.iri, SCHEMA.description, lang) for lang in ("en", "fr")}
    if not any(descriptions.values()):
        descriptions = _stated_sentence(g, p.iri)
    if any(descriptions.values()):
        _narratives(ET.SubElement(activity, "description", {"type": "1"}), descriptions)
    government = base + "organization/government-of-canada"
    _org(activity, "participating-org", g, URIRef(government), role=ROLE_FUNDING)
    # The department that runs the project's program, else the release's publisher, else the government
    # itself (a release that names neither program nor department): never a made-up department.
    release = g.value(p.iri, KG.announcedIn)
    department = g.value(p.program, KG.administeredBy) if p.program else g.value(release, SCHEMA.publisher)
    if not isinstance(department, URIRef):
        department = URIRef(government)
    _org(activity, "participating-org", g, department, role=ROLE_EXTENDING)
    implementers = iris(g, p.iri, KG.implementer)
    for org in implementers:
        _org(activity, "participating-org", g, org, role=ROLE_IMPLEMENTING)
    ET.SubElement(activity, "activity-status", {"code": STATUS_IMPLEMENTATION})
    announced = _announced(g, p.iri).isoformat()
    when = ET.SubElement(activity, "activity-date", {"type": DATE_PLANNED_START, "iso-date": announced})
    _narratives(when, {"en": "Date of the announcement", "fr": "Date de l'annonce"})
    _regions(activity, g, p.iri, base)
    _sectors(activity, g, p.iri, base)
    transaction = ET.SubElement(activity, "transaction")
    ET.SubElement(transaction, "transaction-type", {"code": TRANSACTION_COMMITMENT})
    ET.SubElement(transaction, "transaction-date", {"iso-date": announced})
    value = ET.SubElement(transaction, "value", {"currency": "CAD", "value-date": announced})
    value.text = format(p.amount.value.normalize(), "f")
    stated, qualifier = p.amount.stated, p.amount.qualifier.removeprefix(str(KG))
    written = _IN_LANGUAGE.get(str(g.value(release, SCHEMA.inLanguage)), "en anglais")
    _narratives(
        ET.SubElement(transaction, "description"),
        {
            "en": f"Announced as “{stated}” ({qualifier}).",
            "fr": f"Libellé du communiqué ({written}) : « {stated} » ({qualifier}).",
        },
    )
    _org(transaction, "provider-org", g, department)
    if implementers:
        _org(transaction, "receiver-org", g, implementers[0])


def iati_activities(g: Graph, base: str, *, generated: datetime) -> bytes:
    """The ``iati-activities`` document for every project in ``g`` (the union graph), as UTF-8 XML."""
    stamp = generated.isoformat(timespec="seconds")
    root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": stamp})
    root.append(
        ET.Comment(
            " Derived from Government of Canada news releases by the kg project. Not Global Affairs Canada's "
            "own IATI publication: activity identifiers are the kg project's (see docs/iati.md). "
        )
    )
    for project in projects(g):
        _activity(root, g, project, base, stamp)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
