"""The graph as CSV on the Web tables: projects.csv, project-links.csv, organisations.csv, csv-metadata.json.

The metadata (W3C Metadata Vocabulary for Tabular Data, https://www.w3.org/TR/tabular-metadata/) gives each
column its datatype and the URI templates (aboutUrl, propertyUrl, valueUrl) from which a CSV2RDF processor
(https://www.w3.org/TR/csv2rdf/, minimal mode) regenerates exactly the subgraph ``SUBGRAPH_QUERY`` selects
from the built graph. Columns that only help a reader (names of linked things, `;`-joined lists) are
``suppressOutput``. A multi-valued link is never a `;`-joined cell with a ``valueUrl``: CSVW leaves that case
ambiguous (a list expands into one comma-joined IRI), so such links are rows of project-links.csv instead.
Pure: graph in, text out.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from kg.exports.csvw_columns import (
    LINKS,
    Column,
    Texts,
    bilingual,
    link_columns,
    organisation_columns,
    project_columns,
)
from kg.exports.graphread import evidence, iris, label, projects, text
from kg.vocab import KG, OWL, RDF, SCHEMA, SKOS, WD, sparql_prologue

METADATA_FILE = "csv-metadata.json"
QUERY_FILE = "csv-metadata.rq"
CSV_MEDIA_TYPE = "text/csv"
METADATA_MEDIA_TYPE = "application/csvm+json"
QUERY_MEDIA_TYPE = "application/sparql-query"


def _tail(node: URIRef, base: str) -> str:
    return str(node).removeprefix(base)


def _key(node: URIRef) -> str:
    return str(node).rsplit("/", 1)[1]


def project_rows(g: Graph, base: str) -> list[dict[str, str]]:
    rows = []
    for p in projects(g):
        places = iris(g, p.iri, KG.beneficiaryRegion)
        sentence = evidence(g, p.grant, "amount")
        row = {
            "project": p.key,
            "iri": str(p.iri),
            "number": str(p.number),
            "title_en": text(g, p.iri, SCHEMA.name, "en"),
            "title_fr": text(g, p.iri, SCHEMA.name, "fr"),
            "description_en": text(g, p.iri, SCHEMA.description, "en"),
            "description_fr": text(g, p.iri, SCHEMA.description, "fr"),
            # An organisation a French release proposed may have its French name only.
            "implementers": ";".join(
                label(g, o, "en") or label(g, o, "fr") for o in iris(g, p.iri, KG.implementer)
            ),
            "program": _key(p.program) if p.program else "",
            "program_name": label(g, p.program, "en") if p.program else "",
            "amount_cad": str(p.amount.figure),
            "amount_property": _key(p.amount.figure_property),
            "qualifier": str(p.amount.qualifier).removeprefix(str(KG)),
            "stated": p.amount.stated,
            "currency": str(g.value(p.amount.node, SCHEMA.currency)),
            "regions_m49": ";".join(str(g.value(r, KG.m49Code)) for r in places if g.value(r, KG.m49Code)),
            "regions": ";".join(label(g, r, "en") for r in places),
            "dac_sectors": ";".join(str(g.value(s, SKOS.notation)) for s in iris(g, p.iri, KG.dacSector)),
            "themes": ";".join(label(g, t, "en") for t in iris(g, p.iri, KG.theme)),
            "amount_sentence": sentence.exact if sentence else "",
            "amount_sentence_start": str(sentence.start) if sentence else "",
            "amount_sentence_end": str(sentence.end) if sentence else "",
        }
        rows.append(row)
    return rows


def link_rows(g: Graph, base: str) -> list[dict[str, str]]:
    rows = []
    for p in projects(g):
        for relation in LINKS:
            for target in iris(g, p.iri, KG[relation]):
                rows.append(
                    {
                        "project": p.key,
                        "relation": relation,
                        "target": _tail(target, base),
                        "target_en": label(g, target, "en"),
                        "target_fr": label(g, target, "fr"),
                    }
                )
    return rows


def organisation_rows(g: Graph, base: str) -> list[dict[str, str]]:
    rows = []
    for org in sorted(o for o in g.subjects(RDF.type, SCHEMA.Organization) if isinstance(o, URIRef)):
        parent, iati_type = g.value(org, SCHEMA.parentOrganization), g.value(org, KG.iatiOrganisationType)
        same = [s for s in iris(g, org, OWL.sameAs) if str(s).startswith(str(WD))]
        country, url = g.value(org, SCHEMA.location), g.value(org, SCHEMA.url)
        rows.append(
            {
                "id": _key(org),
                "name_en": text(g, org, SCHEMA.name, "en"),
                "name_fr": text(g, org, SCHEMA.name, "fr"),
                "acronyms": ";".join(sorted(str(a) for a in g.objects(org, SCHEMA.alternateName))),
                "parent": _key(parent) if isinstance(parent, URIRef) else "",
                "iati_identifier": str(g.value(org, KG.iatiIdentifier) or ""),
                "iati_type": _key(iati_type) if isinstance(iati_type, URIRef) else "",
                "wikidata": str(same[0]).removeprefix(str(WD)) if same else "",
                "url": str(url) if url else "",
                "country": _key(country) if isinstance(country, URIRef) else "",
            }
        )
    return rows


def to_csv(columns: list[Column], rows: list[dict[str, str]]) -> str:
    """RFC 4180 CSV with a header row of column names (CSVW's default dialect)."""
    out = io.StringIO()
    names = [c.name for c in columns if not c.virtual]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({n: row.get(n, "") for n in names})
    return out.getvalue()


@dataclass(frozen=True)
class CsvwExport:
    """The files of the CSVW export, by file name, and the metadata document."""

    tables: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def metadata_json(self) -> str:
        return json.dumps(self.metadata, indent=2, ensure_ascii=False) + "\n"


def csvw_export(g: Graph, base: str, *, licence: str) -> CsvwExport:
    """The three tables and their metadata; ``g`` is the union graph, ``base`` the data base IRI."""
    links_fk = {
        "columnReference": "project",
        "reference": {"resource": "projects.csv", "columnReference": "project"},
    }
    specs: list[tuple[str, Texts, list[Column], list[dict[str, str]], dict[str, Any]]] = [
        (
            "projects.csv",
            bilingual("Funded projects", "Projets financés"),
            project_columns(base),
            project_rows(g, base),
            {"primaryKey": "project", "aboutUrl": f"{base}project/{{project}}"},
        ),
        (
            "project-links.csv",
            bilingual("Links of each project", "Liens de chaque projet"),
            link_columns(base),
            link_rows(g, base),
            {
                "primaryKey": ["project", "relation", "target"],
                "aboutUrl": f"{base}project/{{project}}",
                "foreignKeys": [links_fk],
            },
        ),
        (
            "organisations.csv",
            bilingual("Organisations", "Organisations"),
            organisation_columns(base),
            organisation_rows(g, base),
            {"primaryKey": "id", "aboutUrl": f"{base}organization/{{id}}"},
        ),
    ]
    tables: dict[str, str] = {}
    described: list[dict[str, Any]] = []
    for name, title, columns, rows, schema in specs:
        tables[name] = to_csv(columns, rows)
        described.append(
            {
                "url": name,
                "dc:title": [{"@value": v, "@language": k} for k, v in sorted(title.items())],
                "tableSchema": {"columns": [c.metadata() for c in columns], **schema},
            }
        )
    metadata = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "dc:title": [
            {"@value": "Security funding announced by the Government of Canada: tables", "@language": "en"},
            {
                "@value": "Financement de la sécurité annoncé par le gouvernement du Canada : tableaux",
                "@language": "fr",
            },
        ],
        "dc:license": {"@id": licence},
        "rdfs:comment": [
            {
                "@value": f"CSV2RDF (minimal mode) of these tables gives the subgraph that {QUERY_FILE} "
                "(SPARQL CONSTRUCT) selects from the knowledge graph. French titles and descriptions of "
                "projects are translations by the kg project, not official text.",
                "@language": "en",
            },
            {
                "@value": f"Le CSV2RDF (mode minimal) de ces tableaux donne le sous-graphe que {QUERY_FILE} "
                "(SPARQL CONSTRUCT) choisit dans le graphe de connaissances. Les titres et descriptions des "
                "projets en français sont des traductions du projet kg, non un texte officiel.",
                "@language": "fr",
            },
        ],
        "tables": described,
    }
    return CsvwExport(tables, metadata)


# The triples the tables carry, selected from the built graph: CSV2RDF of the tables must give exactly these.
SUBGRAPH_QUERY = (
    sparql_prologue()
    + """CONSTRUCT {
  ?project a kg:Project ; schema:position ?number ; schema:name ?name ; schema:description ?description ;
      kg:fundedThrough ?program .
  ?grant schema:fundedItem ?project ; schema:amount ?amount .
  ?amount a schema:MonetaryAmount ; schema:currency ?currency ; ?figure ?value ; kg:qualifier ?qualifier ;
      kg:statedAs ?stated .
  ?quote oa:exact ?sentence .
  ?position oa:start ?start ; oa:end ?end .
  ?project ?relation ?target .
  ?org a schema:Organization ; schema:name ?orgName ; schema:alternateName ?acronym ;
      schema:parentOrganization ?parent ; kg:iatiIdentifier ?iatiId ; kg:iatiOrganisationType ?iatiType ;
      owl:sameAs ?wikidata ; schema:url ?url ; schema:location ?country .
} WHERE {
  { ?project a kg:Project ; schema:position ?number ; kg:fundedThrough ?program . }
  UNION { ?project a kg:Project ; schema:name ?name . FILTER(LANG(?name) IN ("en", "fr")) }
  UNION { ?project a kg:Project ; schema:description ?description . }
  UNION {
    ?grant a kg:Contribution ; schema:fundedItem ?project ; schema:amount ?amount .
    ?amount schema:currency ?currency ; kg:qualifier ?qualifier ; kg:statedAs ?stated ; ?figure ?value .
    VALUES ?figure { schema:value schema:minValue schema:maxValue }
  }
  UNION {
    # Two groups, not one pattern: rdflib would otherwise join every selector with every selector first.
    ?grant a kg:Contribution ; kg:evidence ?evidence .
    ?evidence kg:evidenceField "amount" .
    { ?evidence oa:hasSelector ?quote . ?quote a oa:TextQuoteSelector ; oa:exact ?sentence . }
    { ?evidence oa:hasSelector ?position .
      ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . }
  }
  UNION {
    ?project a kg:Project ; ?relation ?target .
    VALUES ?relation { kg:implementer kg:beneficiaryRegion kg:dacSector kg:theme kg:relatedOrganization
                       kg:supports }
  }
  UNION { ?org a schema:Organization ; schema:name ?orgName . FILTER(LANG(?orgName) IN ("en", "fr")) }
  UNION { ?org a schema:Organization ; schema:alternateName ?acronym . }
  UNION { ?org a schema:Organization ; schema:parentOrganization ?parent . }
  UNION { ?org a schema:Organization ; kg:iatiIdentifier ?iatiId . }
  UNION { ?org a schema:Organization ; kg:iatiOrganisationType ?iatiType . }
  UNION { ?org a schema:Organization ; owl:sameAs ?wikidata . FILTER(STRSTARTS(STR(?wikidata), STR(wd:))) }
  UNION { ?org a schema:Organization ; schema:url ?url . }
  UNION { ?org a schema:Organization ; schema:location ?country . }
}
"""
)
