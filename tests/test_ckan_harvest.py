"""A real harvester reads our catalog: ckanext-dcat's RDFParser, run in its own virtual environment.

CKAN pins many packages, so it lives in .venv-ckan (``bash scripts/ckan-venv.sh``, under a minute with PyPI
reachable). The parser needs CKAN installed but no running CKAN, database or config (pitfalls.md item 6):
this is the code a CKAN portal's DCAT RDF harvester runs on each page it fetches, minus the HTTP fetch and the
database write. The licence register is given as a file, as a portal configures its own
(``licenses_group_url``); the entry is open.canada.ca's (ckanext-canada public/static/licenses.json).
"""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset

from kg.catalog import catalog_graph
from kg.catalog_stats import catalog_stats
from kg.dumps import DumpInfo
from kg.formats import RdfFormat
from kg.settings import DEFAULT_BASE_IRI, Settings

ROOT = Path(__file__).resolve().parents[1]
CKAN_PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
PARSER = Path(__file__).with_name("ckan_parse.py")
pytestmark = pytest.mark.skipif(
    not CKAN_PYTHON.is_file(),
    reason=f"{CKAN_PYTHON} is missing: run `bash scripts/ckan-venv.sh` to install CKAN and ckanext-dcat",
)
OGL = "https://open.canada.ca/en/open-government-licence-canada"
LICENCES = [
    {
        "id": "ca-ogl-lgo",
        "title": "Open Government Licence - Canada",
        "url": OGL,
        "od_conformance": "approved",
        "osd_conformance": "not reviewed",
        "status": "active",
    }
]
FILES = [
    DumpInfo(f"kg.{fmt.extension}{gz}", fmt.media_type, 1234, "ab" * 32, "gzip" if gz else None)
    for fmt in RdfFormat
    for gz in ("", ".gz")
] + [
    DumpInfo("projects.csv", "text/csv", 5000, "ef" * 32),
    DumpInfo("iati-activities.xml", "application/xml", 9000, "23" * 32),
]
ENDPOINT = "https://kg.example.org/sparql"


def _harvest(tmp_path: Path, settings: Settings, dataset: Dataset, profile: str) -> dict[str, Any]:
    ours = "dcat-ap-2" if profile == "euro_dcat_ap_2" else "dcat-ap-3"
    graph = catalog_graph(
        settings,
        FILES,
        catalog_stats(dataset),
        endpoint_url=ENDPOINT,
        landing_url="https://kg.example.org/",
        issued=date(2026, 11, 30),
        modified=date(2026, 12, 1),
        version="0.1.0",
        profile=ours,  # type: ignore[arg-type]
    )
    catalog = tmp_path / "catalog.ttl"
    catalog.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    licences = tmp_path / "licenses.json"
    licences.write_text(json.dumps(LICENCES), encoding="utf-8")
    done = subprocess.run(
        [str(CKAN_PYTHON), str(PARSER), str(catalog), profile, str(licences)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("profile", ["euro_dcat_ap_3", "euro_dcat_ap_2"])
def test_ckanext_dcat_turns_the_catalog_into_one_ckan_dataset(
    tmp_path: Path, settings: Settings, dataset: Dataset, profile: str
) -> None:
    result = _harvest(tmp_path, settings, dataset, profile)
    assert result["next_page"] is None  # one page: the harvester stops
    [ckan] = result["datasets"]
    extras = {e["key"]: e["value"] for e in ckan["extras"]}
    assert extras["uri"] == f"{DEFAULT_BASE_IRI}dataset/kg-funding"  # the harvest GUID: a stable HTTP IRI
    assert ckan["title"].startswith("Security funding announced by the Government of Canada")
    assert "13 projects" in ckan["notes"]
    assert ckan["license_id"] == "ca-ogl-lgo"  # matched by URI against the portal's licence register
    assert ckan["version"] == "0.1.0"
    assert extras["publisher_name"] == "Global Affairs Canada"
    assert extras["temporal_start"].startswith("2011-06-22")
    assert {t["name"] for t in ckan["tags"]} >= {"security", "sécurité"}

    resources = ckan["resources"]
    assert len(resources) == len(FILES) + 1
    by_url = {r["url"]: r for r in resources}
    for info in FILES:
        resource = by_url[f"{DEFAULT_BASE_IRI}downloads/{info.name}"]
        assert resource["download_url"] == resource["url"]
        assert resource["license"] == OGL
        assert resource["mimetype"].endswith(info.media_type)
        assert int(resource["size"]) == info.size
        if profile == "euro_dcat_ap_3":
            assert resource["hash"] == info.sha256
            assert resource["hash_algorithm"].endswith("checksumAlgorithm_sha256")

    sparql = by_url[ENDPOINT]
    [service] = json.loads(sparql["access_services"])
    assert service["endpoint_url"] == [ENDPOINT]
    assert service["conforms_to"] == ["https://www.w3.org/TR/sparql11-protocol/"]
    assert service["license"] == OGL
    assert service["serves_dataset"] == [f"{DEFAULT_BASE_IRI}dataset/kg-funding"]
