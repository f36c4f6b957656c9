"""Portal exports of releases in the format of real ones (RECORD-CHANGES.md): English-only projects stated in
the body, a country as beneficiary, a release with a total and no project.

The records are the INVENTED TEST FIXTURES of tests/sources/records/ (made-up releases).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph
from test_csvw import _write, csv2rdf, subgraph  # the CSV2RDF reader of the seed's tests (same folder)

from kg.dumps import union_graph
from kg.exports.csvw import csvw_export
from kg.exports.iati import iati_activities
from kg.project import build_project
from kg.settings import DEFAULT_BASE_IRI, Settings

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "sources" / "records"
NAMES = ("invented-2012-04-30-justice-reform", "invented-2012-03-05-human-trafficking")
XSD_FILE = ROOT.parent / "shared" / "external" / "iati-schema-2.03" / "iati-activities-schema.xsd"
PROJECT = "human-counter-trafficking-structures-in-el-salvador"


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    work = tmp_path_factory.mktemp("real-release-exports")
    shutil.copytree(ROOT / "data", work / "data")
    for name in NAMES:
        shutil.copy(RECORDS / f"{name}.yaml", work / "data" / "releases")
        shutil.copy(RECORDS / f"{name}.txt", work / "data" / "sources")
    return union_graph(build_project(Settings(data_dir=work / "data", dist_dir=work / "dist")))


@pytest.fixture(scope="module")
def activities(invented: Graph) -> dict[str, ET.Element]:
    root = ET.fromstring(
        iati_activities(invented, DEFAULT_BASE_IRI, generated=datetime(2026, 12, 1, tzinfo=UTC))
    )
    return {a.findtext("iati-identifier", ""): a for a in root.findall("iati-activity")}


def test_csv_tables_round_trip_with_english_only_projects(invented: Graph, tmp_path: Path) -> None:
    generated, expected = csv2rdf(_write(invented, tmp_path)), subgraph(invented)
    assert len(generated) == len(expected) and generated.isomorphic(expected)
    projects = csvw_export(
        invented, DEFAULT_BASE_IRI, licence="https://open.canada.ca/en/open-government-licence-canada"
    ).tables["projects.csv"]
    row = next(line for line in projects.splitlines() if line.startswith(PROJECT))
    assert ",," in row  # its French title is an empty cell (no value), not English copied


def test_iati_body_project_has_its_country_and_its_sentence(activities: dict[str, ET.Element]) -> None:
    activity = activities[f"CA-3-KG-{PROJECT}"]
    country = activity.find("recipient-country")
    assert country is not None and country.get("code") == "SV" and country.get("percentage") == "100.00"
    assert activity.find("recipient-region") is None
    narratives = activity.findall("description/narrative")
    assert [n.text for n in narratives] == [
        "Canada is contributing $250,000 to the Justice Education Society of British Columbia (JES) for the "
        "implementation of human counter-trafficking structures in El Salvador."
    ]
    titles = activity.findall("title/narrative")
    assert len(titles) == 1 and titles[0].get("{http://www.w3.org/XML/1998/namespace}lang") is None


def test_iati_has_no_activity_for_a_release_without_projects(activities: dict[str, ET.Element]) -> None:
    assert len(activities) == 15  # the seed's 13 and the two stated in the body


@pytest.mark.skipif(
    not XSD_FILE.is_file(), reason=f"IATI 2.03 schema not found at {XSD_FILE} (shared/ absent)"
)
def test_iati_valid_against_the_schema(invented: Graph, tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    path = tmp_path / "iati-activities.xml"
    path.write_bytes(iati_activities(invented, DEFAULT_BASE_IRI, generated=datetime(2026, 12, 1, tzinfo=UTC)))
    errors = list(xmlschema.XMLSchema(str(XSD_FILE)).iter_errors(str(path)))
    assert not errors, str(errors[0])[:500]
