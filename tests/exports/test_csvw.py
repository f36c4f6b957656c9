"""CSV on the Web: the tables and their metadata regenerate exactly the subgraph SUBGRAPH_QUERY selects.

The ``csvw`` package reads the metadata and the CSV files as a CSVW processor does (dialect, datatypes, null
cells, separators, primary and foreign keys, URI templates) but converts only to JSON, so the RDF step of
"Generating RDF from Tabular Data on the Web" (https://www.w3.org/TR/csv2rdf/ §4.6, minimal mode) is written
out below over what csvw parsed: per cell, subject = the cell's aboutUrl (else a blank node per row),
predicate = its propertyUrl, object = its valueUrl as an IRI, else the value as a literal with the column's
datatype or language; suppressed columns give nothing, virtual columns give their valueUrl.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from csvw import CSVW
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from kg.exports.csvw import QUERY_FILE, SUBGRAPH_QUERY, csvw_export
from kg.settings import DEFAULT_BASE_IRI
from kg.vocab import KG, SCHEMA

OGL = "https://open.canada.ca/en/open-government-licence-canada"
BASE = DEFAULT_BASE_IRI


def _write(graph: Graph, folder: Path) -> Path:
    export = csvw_export(graph, BASE, licence=OGL)
    for name, text in export.tables.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    path = folder / "csv-metadata.json"
    path.write_text(export.metadata_json(), encoding="utf-8")
    return path


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and len(value) == 0)


def csv2rdf(metadata: Path) -> Graph:
    """CSV2RDF minimal mode over the tables as the csvw package parsed them."""
    out = Graph()
    data = CSVW(str(metadata))
    assert data.is_valid, data.warnings
    for table in data.tables:
        for number, row in enumerate(table.iterdicts(), start=1):
            row_node = BNode()
            for col in table.tableSchema.columns:
                if col.suppressOutput:
                    continue
                cell = _Cell(table, row, number, col.name)
                about = col.inherit("aboutUrl")
                subject = URIRef(cell.expand(about)) if about else row_node
                predicate = URIRef(cell.expand(col.inherit("propertyUrl")))
                value_url = col.inherit("valueUrl")
                value = row.get(col.name)
                if col.virtual or (value_url and not _empty(value)):
                    out.add((subject, predicate, URIRef(cell.expand(value_url))))
                    continue
                if _empty(value):
                    continue
                base = col.datatype.base if col.datatype else "string"
                lang = col.inherit("lang")
                for item in value if isinstance(value, list) else [value]:
                    if base == "string":
                        out.add((subject, predicate, Literal(item, lang=lang if lang != "und" else None)))
                    else:
                        out.add(
                            (subject, predicate, Literal(col.datatype.formatted(item), datatype=XSD[base]))
                        )
    return out


@dataclass(frozen=True)
class _Cell:
    """Where a URI template is expanded: the row's cells, its number, the column name (_row, _name)."""

    table: Any
    row: dict[str, Any]
    number: int
    name: str

    def expand(self, template: Any) -> str:
        return str(self.table.expand(template, self.row, _row=self.number, _name=self.name))


def subgraph(graph: Graph) -> Graph:
    """SUBGRAPH_QUERY over the built graph, with rdflib, which keeps lexical forms and datatypes as built.

    (pyoxigraph 0.5.13 would not do here: it stores xsd:nonNegativeInteger as xsd:integer and writes decimals
    in another lexical form.)
    """
    selected = Graph()
    for triple in graph.query(SUBGRAPH_QUERY):
        selected.add(triple)  # type: ignore[arg-type]
    return selected


@pytest.fixture(scope="module")
def metadata(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(graph, tmp_path_factory.mktemp("csvw"))


def test_csv2rdf_of_the_tables_is_the_selected_subgraph(graph: Graph, metadata: Path) -> None:
    generated, expected = csv2rdf(metadata), subgraph(graph)
    assert len(expected) > 300
    _, only_csv, only_graph = graph_diff(to_isomorphic(generated), to_isomorphic(expected))
    assert isomorphic(generated, expected), (sorted(only_csv)[:5], sorted(only_graph)[:5])


def test_the_comparison_notices_a_changed_cell(graph: Graph, tmp_path: Path) -> None:
    metadata = _write(graph, tmp_path)
    projects = tmp_path / "projects.csv"
    projects.write_text(projects.read_text("utf-8").replace("2000000.0", "2000001.0"), "utf-8", newline="")
    assert not isomorphic(csv2rdf(metadata), subgraph(graph))


def test_tables_hold_what_readers_need(metadata: Path) -> None:
    data = CSVW(str(metadata))
    tables = {str(t.url): list(t.iterdicts()) for t in data.tables}
    projects = {row["project"]: row for row in tables["projects.csv"]}
    assert len(projects) == 13
    interpol = projects["interpol-mobile-police-training-program"]
    assert interpol["title_fr"] == "Programme mobile de formation policière d'Interpol"
    assert str(interpol["amount_cad"]) == "2000000.0" and interpol["qualifier"] == "over"
    assert interpol["stated"] == "over $2 million"
    assert interpol["regions_m49"] == ["005", "013"]
    assert interpol["regions"] == ["South America", "Central America"]
    assert interpol["dac_sectors"] == ["15130"]
    assert interpol["amount_sentence"] == "Canada is contributing over $2 million."
    assert (interpol["amount_sentence_start"], interpol["amount_sentence_end"]) == (3856, 3895)
    assert projects["sica-unscr-1540-coordinator"]["dac_sectors"] == []
    organisations = {row["id"]: row for row in tables["organisations.csv"]}
    assert organisations["unodc"]["iati_identifier"] == "XM-DAC-41128"
    assert organisations["unodc"]["acronyms"] == ["ONUDC", "UNODC"]
    assert organisations["oas-sms"]["parent"] == "oas"
    links = tables["project-links.csv"]
    assert {row["relation"] for row in links} == {
        "implementer",
        "beneficiaryRegion",
        "dacSector",
        "theme",
        "relatedOrganization",
        "supports",
    }


def test_every_column_is_described_in_english_and_french(graph: Graph) -> None:
    metadata = csvw_export(graph, BASE, licence=OGL).metadata
    assert metadata["dc:license"] == {"@id": OGL}
    assert QUERY_FILE in metadata["rdfs:comment"][0]["@value"]
    for table in metadata["tables"]:
        assert {t["@language"] for t in table["dc:title"]} == {"en", "fr"}
        for column in table["tableSchema"]["columns"]:
            if not column.get("virtual"):
                assert {d["@language"] for d in column["dc:description"]} == {"en", "fr"}, column["name"]


def test_subgraph_query_selects_the_facts_named_in_the_brief(graph: Graph) -> None:
    selected = subgraph(graph)
    project = URIRef(f"{BASE}project/interpol-mobile-police-training-program")
    amount = URIRef(f"{BASE}amount/grant-interpol-mobile-police-training-program")
    assert (project, KG.implementer, URIRef(f"{BASE}organization/interpol")) in selected
    assert (project, KG.beneficiaryRegion, URIRef(f"{BASE}m49/013")) in selected
    assert (amount, SCHEMA.minValue, Literal("2000000.0", datatype=XSD.decimal)) in selected
    assert (amount, KG.qualifier, KG.over) in selected
