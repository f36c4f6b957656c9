"""Full-text search: English and French, accents folded, results that link to the resources; and the
index itself: written into the build, opened read-only, updated by `kg add`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset as RdfDataset
from rdflib import Graph

from kg.add import add_release
from kg.add.publish import publish
from kg.browse.fts import fts_expression
from kg.browse.records import browse_data
from kg.dumps import read_manifest, union_view
from kg.iris import Iris
from kg.project import build_project, read_project
from kg.search_index import INDEX_FILE, SearchIndex, extend_build, write_index
from kg.settings import Settings
from kg.synth import synth_releases

from .conftest import BASE, ROOT


def _hits(client: FlaskClient, q: str, **args: str) -> list[str]:
    reply = client.get("/search", query_string={"q": q, **args})
    assert reply.status_code == 200
    return re.findall(r'<li><a href="(/[^"]+)"', reply.get_data(as_text=True))


def test_unaccented_words_find_accented_text(browse: FlaskClient) -> None:
    """ "securite" finds the French "sécurité"; the same projects as the accented word."""
    folded = browse.get("/projects.json?q=securite").get_json()
    accented = browse.get("/projects.json", query_string={"q": "sécurité"}).get_json()
    assert folded["total"] > 0
    assert [p["iri"] for p in folded["projects"]] == [p["iri"] for p in accented["projects"]]
    french = [p for p in browse.get("/projects.json?q=securite&lang=fr").get_json()["projects"]]
    assert any("sécurité" in (p["name"] + (p["description"] or "")).lower() for p in french)
    assert _hits(browse, "securite") == _hits(browse, "SÉCURITÉ")


def test_english_and_french_words_find_the_same_project(browse: FlaskClient) -> None:
    english = _hits(browse, "money laundering", kind="project")
    french = _hits(browse, "blanchiment d'argent", kind="project")
    assert english and english == french
    assert english[0].startswith("/project/")


def test_results_link_to_resources_that_exist(browse: FlaskClient) -> None:
    hits = _hits(browse, "Guatemala")
    assert "/country/gt" in hits
    for href in hits:
        assert browse.get(href, headers={"Accept": "text/html"}).status_code in (200, 303)
    page = browse.get("/search?q=interpol").get_data(as_text=True)
    assert "<mark>" in page  # the words found, marked in an escaped snippet


def test_search_box_filters_the_projects_list_with_the_facets(browse: FlaskClient) -> None:
    everything = browse.get("/projects.json?q=police").get_json()
    narrowed = browse.get("/projects.json?q=police&country=gt").get_json()
    assert 0 < narrowed["total"] <= everything["total"]
    page = browse.get("/projects?q=police&country=gt").get_data(as_text=True)
    assert 'name="q" value="police"' in page and '<input type="hidden" name="country" value="gt">' in page


def test_the_site_header_has_the_search_box(browse: FlaskClient) -> None:
    for path in ("/", "/projects", "/project/interpol-mobile-police-training-program.html"):
        page = browse.get(path).get_data(as_text=True)
        assert re.search(r'<form class="site-search" role="search" method="get" action="/search">', page), (
            path
        )


def test_prefix_search(browse: FlaskClient) -> None:
    prefix, crime, criminal = _hits(browse, "crim*"), _hits(browse, "crime"), _hits(browse, "criminal")
    assert set(crime) | set(criminal) <= set(prefix)
    assert len(prefix) > len(crime) > 0 and len(prefix) > len(criminal) > 0


def test_a_word_not_in_the_data_finds_nothing(browse: FlaskClient) -> None:
    assert _hits(browse, "zzzxqy") == []
    assert browse.get("/projects.json?q=zzzxqy").get_json()["total"] == 0


def test_the_expression_never_carries_fts_syntax() -> None:
    assert fts_expression('x" OR "y') == '"x" "OR" "y"'
    assert fts_expression("NEAR(a b, 2)") == '"NEAR" "a" "b" "2"'
    assert fts_expression("title:police") == '"title" "police"'
    assert fts_expression("***") is None


def test_the_index_is_in_the_build_and_its_manifest(browse_settings: Settings) -> None:
    names = {info.name: info for info in read_manifest(browse_settings.dist_dir)}
    assert INDEX_FILE in names and names[INDEX_FILE].media_type == "application/vnd.sqlite3"
    index = SearchIndex(browse_settings.dist_dir / INDEX_FILE)
    assert len(index.browse_data().projects) == 13


def test_the_server_opens_the_index_read_only(browse_settings: Settings, tmp_path: Path) -> None:
    copy = tmp_path / INDEX_FILE
    shutil.copy(browse_settings.dist_dir / INDEX_FILE, copy)
    copy.chmod(0o444)
    before = copy.read_bytes()
    index = SearchIndex(copy)
    assert index.match_projects('"police"')
    assert copy.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [INDEX_FILE]


def test_kg_add_updates_the_index(tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    publish(settings, build_project(settings))
    project = read_project(settings)
    synthetic = synth_releases(
        1, seed=3, reference=project.reference, existing=[release for release, _ in project.releases]
    )[0]
    record, _ = synthetic.write(tmp_path / "incoming")
    assert add_release(settings, record).added
    index = SearchIndex(settings.dist_dir / INDEX_FILE)
    projects = index.browse_data().projects
    assert len(projects) == 13 + len(synthetic.record["projects"])
    release = f"{BASE}release/{synthetic.id}"
    added = [p for p in projects if p.release == release]
    assert len(added) == len(synthetic.record["projects"])
    words = [w for w in re.findall(r"[A-Za-z]{6,}", added[0].name("en"))]
    expression = fts_expression(" ".join(words[:3]))
    assert expression is not None and added[0].iri in index.match_projects(expression)


@pytest.mark.parametrize("kind", ["project", "release", "organization", "program", "place", "concept"])
def test_search_by_kind(browse: FlaskClient, kind: str) -> None:
    word = {
        "project": "police",
        "release": "Americas",
        "organization": "Nations",
        "program": "Partnership",
        "place": "America",
        "concept": "trafficking",
    }[kind]
    hits = _hits(browse, word, kind=kind)
    assert hits, kind
    assert browse.get(f"/search?q={word}&kind=nothing").status_code == 400


def test_extending_the_index_with_a_release_equals_rebuilding_it(tmp_path: Path, dataset: RdfDataset) -> None:
    """What a `kg add` building from the linked build can do: the old index plus the records of the new
    release's graph and the reference graph is the index of the whole new graph."""
    work = tmp_path / "project"
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    project = read_project(settings)
    synthetic = synth_releases(
        1, seed=4, reference=project.reference, existing=[release for release, _ in project.releases]
    )[0]
    record, source = synthetic.write(tmp_path / "incoming")
    shutil.copy(record, settings.releases_dir / record.name)
    shutil.copy(source, settings.sources_dir / source.name)
    whole = build_project(settings)
    iris = Iris(settings.base_iri)
    part = Graph()
    for name in (iris.graph(synthetic.id), iris.reference_graph):
        for triple in whole.graph(name):
            part.add(triple)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    write_index(browse_data(union_view(dataset)), tmp_path / "old" / INDEX_FILE)
    info = extend_build(tmp_path / "old", tmp_path / "new", browse_data(part))
    assert info is not None and info.size == (tmp_path / "new" / INDEX_FILE).stat().st_size
    (tmp_path / "new" / INDEX_FILE).rename(tmp_path / "extended.sqlite")
    assert extend_build(tmp_path / "new", tmp_path / "old", browse_data(part)) is None  # nothing to extend
    write_index(browse_data(union_view(whole)), tmp_path / "rebuilt.sqlite")
    extended = SearchIndex(tmp_path / "extended.sqlite")
    rebuilt = SearchIndex(tmp_path / "rebuilt.sqlite")
    assert len(extended.browse_data().projects) == 13 + len(synthetic.record["projects"])
    assert set(extended.browse_data().projects) == set(rebuilt.browse_data().projects)
    assert set(extended.browse_data().terms) == set(rebuilt.browse_data().terms)
    for words in ("police", "securite", "crim*", synthetic.record["projects"][0]["title"]["text"][:30]):
        expression = fts_expression(words)
        assert expression is not None
        assert extended.match_projects(expression) == rebuilt.match_projects(expression), words
        assert (
            extended.search(expression, kind=None, limit=50, offset=0)[0]
            == rebuilt.search(expression, kind=None, limit=50, offset=0)[0]
        )
