"""The words and codes of the DCAT catalog (``kg.catalog``): namespaces, EU codes, file kinds, texts.

Every text is given in English and French. EU codes are from the Publications Office authority tables that
DCAT-AP names (file type, language, frequency, data theme, planned availability); media types are IANA's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Choice

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from kg.formats import RdfFormat

# rdflib's closed DCAT namespace predates DCAT 3 (no dcat:version): use an open one.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
OGL = URIRef("https://open.canada.ca/en/open-government-licence-canada")
OGL_SPDX = URIRef("https://spdx.org/licenses/OGL-Canada-2.0")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
PUBLISHER_TYPES = URIRef("http://purl.org/adms/publishertype/1.0")
CATALOG_KEY = "kg-funding"
PREFIXES = {"dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "spdx": SPDX, "vcard": VCARD, "hydra": HYDRA}

Texts = dict[str, str]
Profile = Choice["dcat-ap-3", "dcat-ap-2"]


@dataclass(frozen=True)
class FileKind:
    """How the catalog labels one kind of file: titles, EU file type, the standard it follows."""

    label: Texts
    description: Texts
    eu_file_type: str
    conforms_to: str | None = None


def _rdf_kind(fmt: RdfFormat) -> FileKind:
    eu = {"TURTLE": "RDF_TURTLE", "NTRIPLES": "RDF_N_TRIPLES", "JSONLD": "JSON_LD", "RDFXML": "RDF_XML"}
    eu |= {"TRIG": "RDF_TRIG", "NQUADS": "RDF_N_QUADS"}
    # kg.dumps keeps the named graphs in TriG and N-Quads and writes their union in the other syntaxes.
    graphs = fmt in (RdfFormat.TRIG, RdfFormat.NQUADS)
    return FileKind(
        {"en": f"{fmt.label} dump", "fr": f"Vidage {fmt.label}"},
        {
            "en": f"The whole knowledge graph in {fmt.label}, "
            + ("with its named graphs (one per source document)." if graphs else "its named graphs merged."),
            "fr": f"Tout le graphe de connaissances en {fmt.label}, "
            + (
                "avec ses graphes nommés (un par document source)."
                if graphs
                else "ses graphes nommés réunis."
            ),
        },
        eu[fmt.name],
    )


CSVW = "http://www.w3.org/ns/csvw"
FILE_KINDS: dict[str, FileKind] = {
    **{fmt.media_type: _rdf_kind(fmt) for fmt in RdfFormat},
    "text/csv": FileKind(
        {"en": "CSV table", "fr": "Tableau CSV"},
        {
            "en": "A table of the knowledge graph, described by csv-metadata.json (CSV on the Web), "
            "from which its RDF can be regenerated.",
            "fr": "Un tableau du graphe de connaissances, décrit par csv-metadata.json (CSV on the Web), "
            "qui permet d'en régénérer le RDF.",
        },
        "CSV",
        CSVW,
    ),
    "application/csvm+json": FileKind(
        {"en": "CSV on the Web metadata", "fr": "Métadonnées CSV on the Web"},
        {
            "en": "Columns, datatypes and the URI templates that turn the rows of the CSV tables into RDF.",
            "fr": "Colonnes, types de données et gabarits d'URI qui transforment les lignes des tableaux CSV "
            "en RDF.",
        },
        "JSON",
        CSVW,
    ),
    "application/xml": FileKind(
        {"en": "IATI 2.03 activity file", "fr": "Fichier d'activités IITA 2.03"},
        {
            "en": "The projects as IATI 2.03 activities; their identifiers are derived by the kg project and "
            "are not Global Affairs Canada's own activity identifiers.",
            "fr": "Les projets sous forme d'activités IITA 2.03 ; leurs identifiants sont dérivés par le "
            "projet kg et ne sont pas ceux des activités d'Affaires mondiales Canada.",
        },
        "XML",
        "http://reference.iatistandard.org/203/schema/",
    ),
}
OTHER_FILE = FileKind(
    {"en": "File", "fr": "Fichier"}, {"en": "A published file.", "fr": "Un fichier publié."}, "BIN"
)


# Codes of controlled vocabularies: IRI -> (labels, scheme). DCAT-AP checks them through skos:inScheme.
ADMS_LICENCE_TYPES = "http://purl.org/adms/licencetype/1.0"
SCHEMES: dict[str, Texts] = {
    f"{EU}data-theme": {"en": "Data theme", "fr": "Thème des données"},
    f"{EU}language": {"en": "Language", "fr": "Langue"},
    f"{EU}frequency": {"en": "Frequency", "fr": "Fréquence"},
    f"{EU}file-type": {"en": "File type", "fr": "Type de fichier"},
    f"{EU}planned-availability": {"en": "Planned availability", "fr": "Disponibilité prévue"},
    str(PUBLISHER_TYPES): {"en": "ADMS publisher type", "fr": "Type d'éditeur ADMS"},
    ADMS_LICENCE_TYPES: {"en": "ADMS licence type", "fr": "Type de licence ADMS"},
}
EU_THEMES = (f"{EU}data-theme/JUST", f"{EU}data-theme/GOVE", f"{EU}data-theme/INTR")
LANGUAGES = (f"{EU}language/ENG", f"{EU}language/FRA")
IRREGULAR = f"{EU}frequency/IRREG"
AVAILABLE = f"{EU}planned-availability/AVAILABLE"
NATIONAL_AUTHORITY = "http://purl.org/adms/publishertype/NationalAuthority"
ATTRIBUTION = "http://purl.org/adms/licencetype/Attribution"
CONCEPTS: dict[str, tuple[Texts, str]] = {
    EU_THEMES[0]: (
        {
            "en": "Justice, legal system and public safety",
            "fr": "Justice, système juridique et sécurité publique",
        },
        f"{EU}data-theme",
    ),
    EU_THEMES[1]: (
        {"en": "Government and public sector", "fr": "Gouvernement et secteur public"},
        f"{EU}data-theme",
    ),
    EU_THEMES[2]: ({"en": "International issues", "fr": "Questions internationales"}, f"{EU}data-theme"),
    LANGUAGES[0]: ({"en": "English", "fr": "anglais"}, f"{EU}language"),
    LANGUAGES[1]: ({"en": "French", "fr": "français"}, f"{EU}language"),
    IRREGULAR: ({"en": "irregular", "fr": "irrégulier"}, f"{EU}frequency"),
    AVAILABLE: ({"en": "available", "fr": "disponible"}, f"{EU}planned-availability"),
    NATIONAL_AUTHORITY: ({"en": "National authority", "fr": "Autorité nationale"}, str(PUBLISHER_TYPES)),
    ATTRIBUTION: ({"en": "Attribution", "fr": "Attribution"}, ADMS_LICENCE_TYPES),
}
KEYWORDS: dict[str, tuple[str, ...]] = {
    "en": ("security", "funding", "grants and contributions", "news releases", "Americas", "linked data"),
    "fr": (
        "sécurité",
        "financement",
        "subventions et contributions",
        "communiqués",
        "Amériques",
        "données liées",
    ),
}
TEXT: dict[str, Texts] = {
    "catalog": {"en": "kg-funding data catalogue", "fr": "Catalogue de données kg-funding"},
    "catalog-description": {
        "en": "Datasets of the kg-funding project: Government of Canada funding announcements as linked "
        "data.",
        "fr": "Jeux de données du projet kg-funding : annonces de financement du gouvernement du Canada en "
        "données liées.",
    },
    "dataset": {
        "en": "Security funding announced by the Government of Canada: knowledge graph",
        "fr": "Financement de la sécurité annoncé par le gouvernement du Canada : graphe de connaissances",
    },
    # {projects} and {releases} are filled in from the data.
    "dataset-description": {
        "en": "{projects} projects and Canada's contributions to them, as announced in {releases} Government "
        "of Canada news release(s) on security funding, with the implementing organisations, funding "
        "programs, beneficiary regions (UN M49), themes and OECD DAC sectors. Every fact links to the "
        "sentence of the release it comes from; amounts keep their wording (over, close to, up to).",
        "fr": "{projects} projets et les contributions du Canada à ces projets, tels qu'annoncés dans "
        "{releases} communiqué(s) du gouvernement du Canada sur le financement de la sécurité, avec les "
        "organisations d'exécution, les programmes de financement, les régions bénéficiaires (M49 de "
        "l'ONU), les thèmes et les secteurs du CAD de l'OCDE. Chaque fait renvoie à la phrase du "
        "communiqué dont il est tiré ; les montants gardent leur libellé (plus de, près de, jusqu'à).",
    },
    "provenance": {
        "en": "Curated by the kg project from the English text of Government of Canada news releases; "
        "French titles and descriptions of projects are the project's own translations.",
        "fr": "Établi par le projet kg à partir du texte anglais des communiqués du gouvernement du Canada ; "
        "les titres et descriptions des projets en français sont des traductions du projet.",
    },
    "ontology": {"en": "kg-funding ontology", "fr": "Ontologie kg-funding"},
    "publisher": {"en": "Global Affairs Canada", "fr": "Affaires mondiales Canada"},
    "publisher-note": {
        "en": "Named Foreign Affairs and International Trade Canada when the announcements were made (2011).",
        "fr": "Appelé Affaires étrangères et Commerce international Canada lors des annonces (2011).",
    },
    "licence": {"en": "Open Government Licence – Canada", "fr": "Licence du gouvernement ouvert – Canada"},
    "service": {"en": "SPARQL endpoint", "fr": "Point d'accès SPARQL"},
    "service-description": {
        "en": "Read-only SPARQL 1.1 query service over the whole knowledge graph; a GET without a query "
        "returns its SPARQL service description.",
        "fr": "Service d'interrogation SPARQL 1.1 en lecture seule sur tout le graphe de connaissances ; une "
        "requête GET sans paramètre renvoie la description du service SPARQL.",
    },
    "access-description": {
        "en": "Query the knowledge graph with SPARQL 1.1 through the endpoint service.",
        "fr": "Interroger le graphe de connaissances en SPARQL 1.1 au moyen du service.",
    },
}
