"""The IATI 2.03 export: valid against the official XSD (offline), faithful to the graph and docs/iati.md."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from rdflib import Graph

from kg.exports.iati import activity_identifier, iati_activities, split_percentages
from kg.settings import DEFAULT_BASE_IRI

ROOT = Path(__file__).resolve().parents[2]
XSD_FILE = ROOT.parent / "shared" / "external" / "iati-schema-2.03" / "iati-activities-schema.xsd"
BASE = DEFAULT_BASE_IRI
FR = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def xml(graph: Graph) -> bytes:
    return iati_activities(graph, BASE, generated=datetime(2026, 12, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def activities(xml: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    return {a.findtext("iati-identifier", ""): a for a in root.findall("iati-activity")}


@pytest.mark.skipif(
    not XSD_FILE.is_file(), reason=f"IATI 2.03 schema not found at {XSD_FILE} (shared/ absent)"
)
def test_valid_against_the_iati_2_03_schema(xml: bytes, tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    path = tmp_path / "iati-activities.xml"
    path.write_bytes(xml)
    errors = list(xmlschema.XMLSchema(str(XSD_FILE)).iter_errors(str(path)))
    assert errors == [], [str(e)[:300] for e in errors[:3]]


def _narratives(element: ET.Element | None) -> dict[str, str]:
    assert element is not None
    return {n.get(FR, "en"): n.text or "" for n in element.findall("narrative")}


def test_thirteen_activities_with_stable_identifiers_and_linked_data_uris(
    activities: dict[str, ET.Element],
) -> None:
    assert len(activities) == 13
    key = "interpol-mobile-police-training-program"
    activity = activities[activity_identifier(key)]
    assert activity.get("linked-data-uri") == f"{BASE}project/{key}"
    assert activity.get("default-currency") == "CAD"
    assert all(i.startswith("CA-3-KG-") for i in activities)


def test_organisations_in_their_iati_roles(activities: dict[str, ET.Element]) -> None:
    activity = activities[activity_identifier("santo-domingo-pact-and-managua-mechanism")]
    reporting = activity.find("reporting-org")
    assert reporting is not None and (reporting.get("ref"), reporting.get("type")) == ("CA-3", "10")
    assert _narratives(reporting) == {"en": "Global Affairs Canada", "fr": "Affaires mondiales Canada"}
    roles = {p.get("role"): p for p in activity.findall("participating-org")}
    assert roles["1"].get("ref") == "CA"
    assert roles["3"].get("ref") == "CA-3"
    assert (roles["4"].get("ref"), roles["4"].get("type")) == ("XM-DAC-41128", "40")  # UNODC
    assert _narratives(roles["4"])["fr"] == "Office des Nations Unies contre la drogue et le crime"
    sica = activities[activity_identifier("sica-unscr-1540-coordinator")]
    implementer = next(p for p in sica.findall("participating-org") if p.get("role") == "4")
    assert implementer.get("ref") is None  # no IATI identifier known for SICA: none invented


def test_commitment_in_cad_on_the_announcement_date(activities: dict[str, ET.Element]) -> None:
    activity = activities[activity_identifier("interpol-mobile-police-training-program")]
    transaction = activity.find("transaction")
    assert transaction is not None
    assert transaction.find("transaction-type").get("code") == "2"  # type: ignore[union-attr]
    value = transaction.find("value")
    assert value is not None
    assert (value.text, value.get("currency"), value.get("value-date")) == ("2000000", "CAD", "2011-06-22")
    assert "over $2 million" in _narratives(transaction.find("description"))["en"]
    assert activity.find("activity-status").get("code") == "2"  # type: ignore[union-attr]
    date = activity.find("activity-date")
    assert date is not None and (date.get("type"), date.get("iso-date")) == ("1", "2011-06-22")


def test_regions_use_m49_and_add_up_to_100(activities: dict[str, ET.Element]) -> None:
    for identifier, activity in activities.items():
        by_vocabulary: dict[str, Decimal] = {}
        for region in activity.findall("recipient-region"):
            vocabulary = region.get("vocabulary", "")
            by_vocabulary[vocabulary] = by_vocabulary.get(vocabulary, Decimal(0)) + Decimal(
                region.get("percentage", "")
            )
        assert by_vocabulary and all(total == 100 for total in by_vocabulary.values()), identifier
    two = activities[activity_identifier("interpol-mobile-police-training-program")]
    codes = {
        (r.get("code"), r.get("vocabulary"), r.get("percentage")) for r in two.findall("recipient-region")
    }
    assert codes == {("005", "2", "50.00"), ("013", "2", "50.00")}
    latin = activities[
        activity_identifier("strengthening-the-capacity-to-combat-trafficking-in-persons-in-latin-america")
    ]
    [region] = latin.findall("recipient-region")
    assert (region.get("vocabulary"), region.get("code")) == ("99", "latin-america")  # not an M49 unit


def test_sectors_dac_or_reporting_org_vocabulary_for_1540(activities: dict[str, ET.Element]) -> None:
    interpol = activities[activity_identifier("interpol-mobile-police-training-program")]
    assert [(s.get("vocabulary"), s.get("code")) for s in interpol.findall("sector")] == [("1", "15130")]
    sica = activities[activity_identifier("sica-unscr-1540-coordinator")]
    [sector] = sica.findall("sector")
    assert (sector.get("vocabulary"), sector.get("code"), sector.get("percentage")) == (
        "99",
        "wmd-non-proliferation",
        "100.00",
    )
    assert sector.get("vocabulary-uri") == f"{BASE}scheme/themes"


def test_titles_and_descriptions_in_english_and_french(activities: dict[str, ET.Element]) -> None:
    for identifier, activity in activities.items():
        assert set(_narratives(activity.find("title"))) == {"en", "fr"}, identifier
        assert set(_narratives(activity.find("description"))) == {"en", "fr"}, identifier


def test_percentage_split() -> None:
    assert split_percentages(1) == [Decimal("100")]
    assert sum(split_percentages(7)) == 100
    assert split_percentages(0) == []
