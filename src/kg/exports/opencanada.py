"""A metadata record in the shape of open.canada.ca's schema (ckanext-canada ``schemas/dataset.yaml``).

Federal departments author their records in the open.canada.ca Registry (forms or the CKAN Action API,
``package_create``); the portal copies them. This is the record Global Affairs Canada would enter for the
knowledge graph: every text in English and French (``*_translated``, ``keywords``), codes from the schema's
choice lists (presets.yaml: subject, frequency, jurisdiction, licence, resource type, format, language).
It is a proposal (``ready_to_publish`` "false"), not a published record. Pure: values in, dict out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from kg.catalog import FileInfo
from kg.catalog_stats import CatalogStats
from kg.catalog_terms import FILE_KINDS, KEYWORDS, OTHER_FILE, TEXT
from kg.formats import RdfFormat

FILE_NAME = "opencanada.json"
OWNER_ORG = (
    "dfatd-maecd"  # Global Affairs Canada on open.canada.ca (open.canada.ca/data/organization/dfatd-maecd)
)
LICENCE_ID = "ca-ogl-lgo"  # Open Government Licence - Canada (ckanext-canada licenses.json)
SUBJECTS = ("government_and_politics", "law")
FREQUENCY = "as_needed"  # records are added when a release is curated, not on a schedule
# open.canada.ca resource formats (presets.yaml canada_resource_format); N-Quads has no code there.
FORMATS: dict[str, str] = {
    RdfFormat.TURTLE.media_type: "TTL",
    RdfFormat.NTRIPLES.media_type: "NT",
    RdfFormat.JSONLD.media_type: "JSONLD",
    RdfFormat.RDFXML.media_type: "RDF",
    RdfFormat.TRIG.media_type: "TRIG",
    "text/csv": "CSV",
    "application/csvm+json": "JSON",
    "application/xml": "IATI",
    "application/json": "JSON",
}


def _resource(info: FileInfo, url: str, published: date) -> dict[str, Any]:
    kind = FILE_KINDS.get(info.media_type, OTHER_FILE)
    gz = {"en": " (gzip)", "fr": " (compressé gzip)"} if info.encoding == "gzip" else {"en": "", "fr": ""}
    colon = {"en": ":", "fr": " :"}
    resource: dict[str, Any] = {
        "name_translated": {k: f"{kind.label[k]}{gz[k]}{colon[k]} {info.name}" for k in colon},
        "resource_type": "data_dictionary" if info.media_type == "application/csvm+json" else "dataset",
        "language": ["en", "fr"],
        "url": url,
        "format": FORMATS.get(info.media_type, "other"),
        "size": info.size,
        "date_published": published.isoformat(),
    }
    if info.encoding is None:
        resource["character_set"] = "UTF-8"
    return resource


def opencanada_record(
    stats: CatalogStats,
    files: Sequence[FileInfo],
    *,
    endpoint_url: str,
    download_base: str,
    published: date,
    modified: date,
    contact_email: str | None = None,
) -> dict[str, Any]:
    """The dataset record with one resource per published file plus the SPARQL endpoint (an API)."""
    counts = {"projects": stats.projects, "releases": stats.releases}
    keywords = {lang: list(words) for lang, words in KEYWORDS.items()}
    for theme in stats.themes:
        for lang in keywords:
            if label := theme.labels.get(lang):
                keywords[lang].append(label)
    record: dict[str, Any] = {
        "type": "dataset",
        "collection": "primary",
        "owner_org": OWNER_ORG,
        "title_translated": dict(TEXT["dataset"]),
        "notes_translated": {k: v.format(**counts) for k, v in TEXT["dataset-description"].items()},
        "keywords": keywords,
        "subject": list(SUBJECTS),
        "frequency": FREQUENCY,
        "date_published": published.isoformat(),
        "date_modified": modified.isoformat(),
        "jurisdiction": "federal",
        "license_id": LICENCE_ID,
        "restrictions": "unrestricted",
        "imso_approval": "false",
        "ready_to_publish": "false",
        "resources": [_resource(f, f"{download_base}{f.name}", modified) for f in files],
    }
    if stats.first_published and stats.last_published:
        record["time_period_coverage_start"] = stats.first_published.isoformat()
        record["time_period_coverage_end"] = stats.last_published.isoformat()
    if contact_email:
        record["maintainer_email"] = contact_email
    record["resources"].append(
        {
            "name_translated": dict(TEXT["service"]),
            "resource_type": "api",
            "language": ["en", "fr"],
            "url": endpoint_url,
            "format": "other",
            "date_published": modified.isoformat(),
        }
    )
    return record
