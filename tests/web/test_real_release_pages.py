"""Pages of releases in the format of real ones render honestly (RECORD-CHANGES.md point 6): an unnumbered,
date-only release, a release without projects, an English-only release on the French page.

The records are the INVENTED TEST FIXTURES of tests/sources/records/ (made-up releases).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.dumps import serialize
from kg.formats import RdfFormat
from kg.project import build_project
from kg.settings import Settings
from kg.store import KgStore
from kg.web import create_app
from kg.web.config import Dataset, WebOptions

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "sources" / "records"
TOTAL_ONLY = "invented-2012-04-30-justice-reform"
BODY_GRANTS = "invented-2012-03-05-human-trafficking"
PROJECT = "project/human-counter-trafficking-structures-in-el-salvador"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    work = tmp_path_factory.mktemp("record-changes-web")
    shutil.copytree(ROOT / "data", work / "data")
    for name in (TOTAL_ONLY, BODY_GRANTS):
        shutil.copy(RECORDS / f"{name}.yaml", work / "data" / "releases")
        shutil.copy(RECORDS / f"{name}.txt", work / "data" / "sources")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    store = KgStore()
    store.load(serialize(build_project(settings), RdfFormat.NQUADS), RdfFormat.NQUADS)
    app = create_app(
        settings, store=store, dataset=Dataset(version="test"), options=WebOptions(store_dir=work)
    )
    return app.test_client()


def test_an_english_only_project_on_the_french_page_says_so(client: FlaskClient) -> None:
    html = client.get(f"/{PROJECT}.html?lang=fr").text
    assert (
        '<h1 lang="en">the implementation of human counter-trafficking structures in El Salvador</h1>' in html
    )
    assert "Publié en anglais seulement" in html
    assert "@fr" not in html  # no French text, empty or copied


def test_the_english_page_needs_no_language_note(client: FlaskClient) -> None:
    html = client.get(f"/{PROJECT}.html?lang=en").text
    assert "<h1>the implementation of human counter-trafficking structures in El Salvador</h1>" in html
    assert "language-note" not in html


def test_an_unnumbered_date_only_release_without_projects(client: FlaskClient) -> None:
    response = client.get(f"/release/{TOTAL_ONLY}.html?lang=fr")
    assert response.status_code == 200
    html = response.text
    assert "2012-04-30" in html and "xsd:date" in html and "xsd:dateTime" not in html
    assert "No. " not in html
    assert '<h1 lang="en">Canada Supports Justice Reform in the Americas</h1>' in html


def test_a_translated_release_shows_its_french(client: FlaskClient) -> None:
    html = client.get("/release/news-release-175-2011-06-22.html?lang=fr").text
    assert "<h1>Le Canada contribue à améliorer la sécurité dans les Amériques</h1>" in html
    assert "language-note" not in html


def test_links_to_english_only_texts_say_their_language(client: FlaskClient) -> None:
    html = client.get("/?lang=fr").text
    link = '<a href="/project/human-counter-trafficking-structures-in-el-salvador?lang=fr"'
    assert link in html
    after = html[html.index(link) :]
    assert after.split(">", 1)[0].endswith('lang="en"') and '<small class="tag">@en</small>' in after[:400]
    # A translated project's link is French, with no language mark.
    seed = html[html.index('<a href="/project/interpol-mobile-police-training-program?lang=fr"') :]
    assert 'lang="en"' not in seed.split("</a>", 1)[0]


FRENCH = ROOT / "tests" / "extract" / "fixtures" / "fr-2011-08-09-numbered"
FRENCH_PROJECT = "project/reseau-de-procureurs-contre-le-crime-organise"
UNSTATED = "invented-2012-03-05-nothing-unstated"


@pytest.fixture(scope="module")
def unstated_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A French release with no English translation, and a copy of a release with no headline, program,
    publisher, announcer or region (as real copies are)."""
    import yaml

    work = tmp_path_factory.mktemp("french-only-web")
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copy(FRENCH.with_suffix(".txt"), work / "data" / "sources")
    shutil.copy(FRENCH.with_name(f"{FRENCH.name}.expected.yaml"), work / "data" / "releases" / "french.yaml")
    shutil.copy(RECORDS / f"{BODY_GRANTS}.txt", work / "data" / "sources")
    record = yaml.safe_load((RECORDS / f"{BODY_GRANTS}.yaml").read_text(encoding="utf-8"))
    for key in ("headline", "programs", "publisher", "announced_by"):
        record.pop(key)
    record["id"] = UNSTATED
    record["projects"] = [{**p, "regions": []} for p in record["projects"]]
    (work / "data" / "releases" / "unstated.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    store = KgStore()
    store.load(serialize(build_project(settings), RdfFormat.NQUADS), RdfFormat.NQUADS)
    app = create_app(
        settings, store=store, dataset=Dataset(version="test"), options=WebOptions(store_dir=work)
    )
    return app.test_client()


def test_a_french_only_project_on_the_english_page_says_so(unstated_client: FlaskClient) -> None:
    page = unstated_client.get(f"/{FRENCH_PROJECT}.html?lang=en")
    assert page.status_code == 200
    assert '<h1 lang="fr">Réseau de procureurs contre le crime organisé</h1>' in page.text
    assert "Published in French only" in page.text
    assert "@en" not in page.text  # no English text, empty or copied


def test_a_release_with_no_headline_or_program_has_a_page(unstated_client: FlaskClient) -> None:
    for lang in ("en", "fr"):
        page = unstated_client.get(f"/release/{UNSTATED}.html?lang={lang}")
        assert page.status_code == 200, page.text[:300]
    home = unstated_client.get("/?lang=en")
    assert home.status_code == 200
