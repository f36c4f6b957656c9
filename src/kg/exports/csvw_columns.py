"""The columns of the CSV on the Web tables (``kg.exports.csvw``): names, bilingual descriptions, datatypes
and the URI templates that turn each cell into a triple (https://www.w3.org/TR/tabular-metadata/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from kg.vocab import KG, OWL, RDF, SCHEMA, WD

Texts = dict[str, str]
LINKS = ("implementer", "beneficiaryRegion", "dacSector", "theme", "relatedOrganization", "supports")


@dataclass(frozen=True)
class Column:
    """One column: its CSVW description and, through the templates, the triple each cell becomes."""

    name: str
    description: Texts
    datatype: str = "string"
    property_url: str | None = None
    value_url: str | None = None
    about_url: str | None = None
    lang: str | None = None
    separator: str | None = None
    suppress: bool = False
    virtual: bool = False

    def metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if not self.virtual:
            out["titles"] = self.name
            out["dc:description"] = [
                {"@value": v, "@language": k} for k, v in sorted(self.description.items())
            ]
            out["datatype"] = self.datatype
        keys = ("aboutUrl", "propertyUrl", "valueUrl", "lang", "separator")
        values = (self.about_url, self.property_url, self.value_url, self.lang, self.separator)
        out |= {k: v for k, v in zip(keys, values, strict=True) if v is not None}
        if self.suppress:
            out["suppressOutput"] = True
        if self.virtual:
            out["virtual"] = True
        return out


def bilingual(en: str, fr: str) -> Texts:
    return {"en": en, "fr": fr}


def _type(about: str, cls: URIRef, name: str) -> Column:
    return Column(name, {}, about_url=about, property_url=str(RDF.type), value_url=str(cls), virtual=True)


def project_columns(base: str) -> list[Column]:
    project, amount = f"{base}project/{{project}}", f"{base}amount/grant-{{project}}"
    ev = f"{base}evidence/grant-{{project}}-amount"
    return [
        Column(
            "project",
            bilingual("Project key (end of its IRI)", "Clé du projet (fin de son IRI)"),
            suppress=True,
        ),
        Column("iri", bilingual("Project IRI", "IRI du projet"), "anyURI", suppress=True),
        Column(
            "number",
            bilingual("Number in the backgrounder", "Numéro dans le document d'information"),
            "integer",
            str(SCHEMA.position),
        ),
        Column(
            "title_en",
            bilingual("Title (English)", "Titre (anglais)"),
            property_url=str(SCHEMA.name),
            lang="en",
        ),
        Column(
            "title_fr",
            bilingual("Title (French; kg project translation)", "Titre (français; traduction du projet kg)"),
            property_url=str(SCHEMA.name),
            lang="fr",
        ),
        Column(
            "description_en",
            bilingual("Description (English)", "Description (anglais)"),
            property_url=str(SCHEMA.description),
            lang="en",
        ),
        Column(
            "description_fr",
            bilingual(
                "Description (French; kg project translation)",
                "Description (français; traduction du projet kg)",
            ),
            property_url=str(SCHEMA.description),
            lang="fr",
        ),
        Column(
            "implementers",
            bilingual("Implementing organisations", "Organisations d'exécution"),
            separator=";",
            suppress=True,
        ),
        Column(
            "program",
            bilingual("Funding program key", "Clé du programme de financement"),
            property_url=str(KG.fundedThrough),
            value_url=f"{base}program/{{program}}",
        ),
        Column("program_name", bilingual("Funding program", "Programme de financement"), suppress=True),
        Column(
            "amount_cad",
            bilingual(
                "Amount in CAD as announced (see qualifier)", "Montant en $ CA annoncé (voir qualificatif)"
            ),
            "decimal",
            f"{SCHEMA}{{amount_property}}",
            about_url=amount,
        ),
        Column(
            "amount_property",
            bilingual(
                "schema.org property of the figure: value, minValue or maxValue",
                "Propriété schema.org du chiffre : value, minValue ou maxValue",
            ),
            suppress=True,
        ),
        Column(
            "qualifier",
            bilingual(
                "How the release qualifies the figure: exact, over, approximately, upTo",
                "Qualificatif du chiffre dans le communiqué : exact, over, approximately, upTo",
            ),
            property_url=str(KG.qualifier),
            value_url=f"{KG}{{qualifier}}",
            about_url=amount,
        ),
        Column(
            "stated",
            bilingual("The amount in the words of the release", "Le montant dans les mots du communiqué"),
            property_url=str(KG.statedAs),
            about_url=amount,
        ),
        Column(
            "currency",
            bilingual("Currency (ISO 4217)", "Devise (ISO 4217)"),
            property_url=str(SCHEMA.currency),
            about_url=amount,
        ),
        Column(
            "regions_m49",
            bilingual("Beneficiary regions: UN M49 codes", "Régions bénéficiaires : codes M49 de l'ONU"),
            separator=";",
            suppress=True,
        ),
        Column(
            "regions", bilingual("Beneficiary regions", "Régions bénéficiaires"), separator=";", suppress=True
        ),
        Column(
            "dac_sectors",
            bilingual("OECD DAC 5-digit sector codes", "Codes-objet à 5 chiffres du CAD de l'OCDE"),
            separator=";",
            suppress=True,
        ),
        Column("themes", bilingual("Themes", "Thèmes"), separator=";", suppress=True),
        Column(
            "amount_sentence",
            bilingual(
                "The sentence of the release that states the amount",
                "La phrase du communiqué qui énonce le montant",
            ),
            property_url="http://www.w3.org/ns/oa#exact",
            about_url=f"{ev}#quote",
        ),
        Column(
            "amount_sentence_start",
            bilingual(
                "Where that sentence starts (Unicode code points)",
                "Début de cette phrase (points de code Unicode)",
            ),
            "nonNegativeInteger",
            "http://www.w3.org/ns/oa#start",
            about_url=f"{ev}#position",
        ),
        Column(
            "amount_sentence_end",
            bilingual("Where it ends (exclusive)", "Fin de cette phrase (exclue)"),
            "nonNegativeInteger",
            "http://www.w3.org/ns/oa#end",
            about_url=f"{ev}#position",
        ),
        _type(project, KG.Project, "project_type"),
        _type(amount, SCHEMA.MonetaryAmount, "amount_type"),
        Column(
            "grant_project",
            {},
            about_url=f"{base}grant/{{project}}",
            property_url=str(SCHEMA.fundedItem),
            value_url=project,
            virtual=True,
        ),
        Column(
            "grant_amount",
            {},
            about_url=f"{base}grant/{{project}}",
            property_url=str(SCHEMA.amount),
            value_url=amount,
            virtual=True,
        ),
    ]


def link_columns(base: str) -> list[Column]:
    return [
        Column("project", bilingual("Project key", "Clé du projet"), suppress=True),
        Column(
            "relation",
            bilingual(
                f"Link, a kg: property: {', '.join(LINKS)}", f"Lien, propriété kg: : {', '.join(LINKS)}"
            ),
            suppress=True,
        ),
        Column(
            "target",
            bilingual("The linked thing: its IRI after the base", "La chose liée : son IRI après la base"),
            property_url=f"{KG}{{relation}}",
            value_url=f"{base}{{+target}}",
        ),
        Column("target_en", bilingual("Its name in English", "Son nom en anglais"), suppress=True),
        Column("target_fr", bilingual("Its name in French", "Son nom en français"), suppress=True),
    ]


def organisation_columns(base: str) -> list[Column]:
    org = f"{base}organization/{{id}}"
    return [
        Column(
            "id",
            bilingual("Organisation key (end of its IRI)", "Clé de l'organisation (fin de son IRI)"),
            suppress=True,
        ),
        Column(
            "name_en", bilingual("Name (English)", "Nom (anglais)"), property_url=str(SCHEMA.name), lang="en"
        ),
        Column(
            "name_fr", bilingual("Name (French)", "Nom (français)"), property_url=str(SCHEMA.name), lang="fr"
        ),
        Column(
            "acronyms", bilingual("Acronyms", "Sigles"), property_url=str(SCHEMA.alternateName), separator=";"
        ),
        Column(
            "parent",
            bilingual("Parent organisation key", "Clé de l'organisation mère"),
            property_url=str(SCHEMA.parentOrganization),
            value_url=f"{base}organization/{{parent}}",
        ),
        Column(
            "iati_identifier",
            bilingual("IATI organisation identifier", "Identifiant d'organisation IITA"),
            property_url=str(KG.iatiIdentifier),
        ),
        Column(
            "iati_type",
            bilingual("IATI organisation type code", "Code de type d'organisation IITA"),
            property_url=str(KG.iatiOrganisationType),
            value_url=f"{base}iati-organisation-type/{{iati_type}}",
        ),
        Column(
            "wikidata",
            bilingual("Wikidata item", "Élément Wikidata"),
            property_url=str(OWL.sameAs),
            value_url=f"{WD}{{wikidata}}",
        ),
        # A string, not anyURI: the cell is only expanded into the valueUrl, which is the IRI.
        Column("url", bilingual("Web site", "Site Web"), property_url=str(SCHEMA.url), value_url="{+url}"),
        Column(
            "country",
            bilingual("Country (ISO 3166-1 alpha-2, lower case)", "Pays (ISO 3166-1 alpha-2, minuscules)"),
            property_url=str(SCHEMA.location),
            value_url=f"{base}country/{{country}}",
        ),
        _type(org, SCHEMA.Organization, "organization_type"),
    ]
