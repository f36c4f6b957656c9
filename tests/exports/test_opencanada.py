"""The open.canada.ca record: every required field of the GoC Open Data metadata schema, codes from its lists.

Required fields and code lists are copied from open-data/ckanext-canada (MIT licence), ckanext/canada/schemas/
presets.yaml (subject, jurisdiction, licence, restrictions, resource formats, resource language) and
dataset.yaml (frequency), as summarised in shared/reference/open-data-portals.md §3.
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Dataset

from kg.catalog_stats import catalog_stats
from kg.dumps import DumpInfo
from kg.exports.opencanada import opencanada_record
from kg.formats import RdfFormat

REQUIRED = (
    "collection",
    "title_translated",
    "owner_org",
    "notes_translated",
    "keywords",
    "subject",
    "frequency",
    "date_published",
    "jurisdiction",
    "license_id",
    "restrictions",
    "ready_to_publish",
)
SUBJECTS = {
    "arts_music_literature", "agriculture", "economics_and_industry", "education_and_training",
    "form_descriptors", "government_and_politics", "health_and_safety", "history_and_archaeology",
    "information_and_communications", "labour", "language_and_linguistics", "law", "military",
    "nature_and_environment", "persons", "processes", "society_and_culture", "science_and_technology",
    "transport",
}  # fmt: skip
FREQUENCIES = {"as_needed", "continual", "irregular", "not_planned", "unknown"}  # besides ISO 8601 durations
FORMATS = {"CSV", "IATI", "JSON", "JSONLD", "NT", "RDF", "TRIG", "TTL", "XML", "other"}  # those we may use
RESOURCE_TYPES = {"dataset", "api", "data_dictionary", "guide", "website"}  # those we may use
FILES = [
    DumpInfo(f"kg.{fmt.extension}{gz}", fmt.media_type, 1000, "ab" * 32, "gzip" if gz else None)
    for fmt in RdfFormat
    for gz in ("", ".gz")
] + [
    DumpInfo("projects.csv", "text/csv", 10, "cd" * 32),
    DumpInfo("csv-metadata.json", "application/csvm+json", 10, "ef" * 32),
    DumpInfo("iati-activities.xml", "application/xml", 10, "01" * 32),
]


@pytest.fixture(scope="module")
def record(dataset: Dataset) -> dict[str, object]:
    return opencanada_record(
        catalog_stats(dataset),
        FILES,
        endpoint_url="https://kg.example.org/sparql",
        download_base="https://kg.example.org/downloads/",
        published=date(2026, 11, 30),
        modified=date(2026, 12, 1),
    )


def test_required_fields_present_and_bilingual(record: dict[str, object]) -> None:
    for name in REQUIRED:
        assert record.get(name) not in (None, "", [], {}), name
    for name in ("title_translated", "notes_translated"):
        texts = record[name]
        assert isinstance(texts, dict) and set(texts) == {"en", "fr"} and all(texts.values()), name
    keywords = record["keywords"]
    assert isinstance(keywords, dict) and set(keywords) == {"en", "fr"}
    assert len(keywords["en"]) == len(keywords["fr"]) > 10
    assert "Traite des personnes" in keywords["fr"]


def test_codes_come_from_the_schema_lists(record: dict[str, object]) -> None:
    assert record["collection"] == "primary"
    assert record["owner_org"] == "dfatd-maecd"
    assert record["jurisdiction"] == "federal"
    assert record["license_id"] == "ca-ogl-lgo"
    assert record["restrictions"] == "unrestricted"
    assert record["ready_to_publish"] == "false"  # a proposal for the department, not a published record
    assert record["frequency"] in FREQUENCIES
    subjects = record["subject"]
    assert isinstance(subjects, list) and subjects and set(subjects) <= SUBJECTS
    assert record["date_published"] == "2026-11-30"
    assert record["time_period_coverage_start"] == "2011-06-22"


def test_one_resource_per_file_plus_the_sparql_api(record: dict[str, object]) -> None:
    resources = record["resources"]
    assert isinstance(resources, list) and len(resources) == len(FILES) + 1
    for resource in resources:
        assert set(resource["name_translated"]) == {"en", "fr"}
        assert resource["resource_type"] in RESOURCE_TYPES
        assert resource["format"] in FORMATS
        assert resource["language"] == ["en", "fr"]
        assert resource["url"].startswith("https://kg.example.org/")
    by_url = {r["url"]: r for r in resources}
    assert by_url["https://kg.example.org/downloads/kg.ttl"]["format"] == "TTL"
    assert by_url["https://kg.example.org/downloads/iati-activities.xml"]["format"] == "IATI"
    assert by_url["https://kg.example.org/downloads/kg.nq"]["format"] == "other"  # no N-Quads code there
    assert by_url["https://kg.example.org/sparql"]["resource_type"] == "api"
