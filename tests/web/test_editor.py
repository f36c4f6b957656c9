"""The bundled SPARQL editor (YASGUI): served from the package, offline, with our examples and vocabulary.

The browser tests (Playwright, Chromium) run it; these check what a server and a file can prove: the files
and their media types, the examples, the vocabulary, and that nothing in the bundle's default configuration
would be fetched from another site once editor.js has set it up.
"""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask

from kg.web.editor import examples, read_example
from kg.web.http import CSP

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "kg" / "web" / "static"
BUNDLE = STATIC / "yasgui" / "yasgui.min.js"


def _config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="kg-editor-config">(.*?)</script>', html, re.S)
    assert found is not None
    loaded = json.loads(found.group(1))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/static/yasgui/yasgui.min.js", "text/javascript"),
        ("/static/yasgui/yasgui.min.css", "text/css"),
        ("/static/editor.js", "text/javascript"),
        ("/static/editor.css", "text/css"),
    ],
)
def test_editor_files_are_served_from_the_package(sparql_app: Flask, path: str, media_type: str) -> None:
    response = sparql_app.test_client().get(path)
    body = response.get_data()
    response.close()
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert body == (STATIC / path.removeprefix("/static/")).read_bytes()


def test_the_bundle_is_the_one_its_note_names_with_its_licence() -> None:
    note = (STATIC / "yasgui" / "README.md").read_text(encoding="utf-8")
    assert "@zazuko/yasgui` **4.6.2**" in note
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256((STATIC / "yasgui" / name).read_bytes()).hexdigest()
        assert f"`{name}` sha256 `{digest}`" in note
    assert "MIT License" in (STATIC / "yasgui" / "LICENSE").read_text(encoding="utf-8")
    assert "web/static/*/*" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_page_loads_only_our_files_and_the_csp_still_holds(sparql_app: Flask) -> None:
    response = sparql_app.test_client().get("/sparql", headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == CSP
    assert "'unsafe-eval'" not in CSP and "script-src 'self';" in CSP and "connect-src 'self'" in CSP
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    config = _config(html)
    assert config["endpoint"] == "/sparql"
    assert config["base"] == "https://w3id.org/kg-funding/" and config["keepLang"] is None
    french = sparql_app.test_client().get("/sparql?lang=fr", headers={"Accept": "text/html"})
    assert _config(french.get_data(as_text=True))["keepLang"] == "fr"  # result links keep the language


def test_examples_are_the_competency_queries(sparql_app: Flask) -> None:
    files = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(files) >= 19
    html = sparql_app.test_client().get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    listed = re.findall(r'<a class="example" data-example="([^"]+)" href="/sparql\?example=\1"', html)
    assert listed == files
    config = _config(html)
    by_name = {e["name"]: e for e in config["examples"]}  # type: ignore[attr-defined]
    assert sorted(by_name) == files
    for name in files:
        assert by_name[name]["query"] == (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    region = read_example(ROOT / "queries" / "projects-by-region.rq")
    assert region.title == "Projects by beneficiary region" and region.question.startswith("Which regions")
    assert [e.name for e in examples()] == files


def test_an_example_link_opens_the_form_with_its_query(sparql_app: Flask) -> None:
    client = sparql_app.test_client()
    html = client.get("/sparql?example=projects-by-region", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    textarea = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea is not None
    assert unescape(textarea.group(1)) == (ROOT / "queries" / "projects-by-region.rq").read_text(
        encoding="utf-8"
    )
    other = client.get("/sparql?example=total-by-implementer", headers={"Accept": "text/html"})
    assert other.headers["ETag"] != client.get("/sparql", headers={"Accept": "text/html"}).headers["ETag"]


def test_autocomplete_comes_from_our_vocabulary(sparql_app: Flask) -> None:
    html = sparql_app.test_client().get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    config = _config(html)
    assert config["prefixes"]["schema"] == "https://schema.org/"  # type: ignore[index]
    properties, classes = config["properties"], config["classes"]
    assert "https://schema.org/fundedItem" in properties  # type: ignore[operator]
    assert "https://w3id.org/kg-funding/ontology#qualifier" in properties  # type: ignore[operator]
    assert "https://schema.org/MonetaryGrant" in classes  # type: ignore[operator]
    assert "https://w3id.org/kg-funding/ontology#Evidence" in classes  # type: ignore[operator]


# Every place the bundle calls fetch(), with what it reaches by default. A new version adding one fails here.
KNOWN_FETCHES = {
    "let l=await fetch(c)": "the query itself, to requestConfig.endpoint (ours: /sparql)",
    "fetch(e.config.prefixCcApi)": "prefix.cc, only when prefixCcApi is set (null; editor.js replaces get)",
    "return fetch(s).then": "LOV autocomplete (editor.js replaces the property and class get)",
    "fetch(t.toString()).then(()=>{Yasgui.cors": "Yasgui tabs' CORS probe, only with a corsProxy",
}


def test_no_default_outbound_request_is_left_in_the_editor() -> None:
    bundle = BUNDLE.read_text(encoding="utf-8")
    calls = [bundle[max(0, m.start() - 30) : m.end() + 40] for m in re.finditer(r"\bfetch\(", bundle)]
    assert len(calls) == len(KNOWN_FETCHES), calls
    for call in calls:
        assert any(known in call for known in KNOWN_FETCHES), call
    assert "lov.linkeddata.es/dataset/lov/api" in bundle  # the LOV target exists, so it must be replaced:
    script = (STATIC / "editor.js").read_text(encoding="utf-8")
    for completer in ("prefixes", "property", '["class"]'):
        assert re.search(rf"Yasqe\.Autocompleters(\.|){re.escape(completer)}\.get = function", script)
    assert "Yasqe.defaults.prefixCcApi = null" in script and "prefixCcApi: null" in script
    assert "endpoint: config.endpoint" in script and "corsProxy" not in script
    # editor.js itself names no other site (the SVG namespace is a name, never fetched).
    assert set(re.findall(r"https?://[^\s\"'`]+", script)) == {"http://www.w3.org/2000/svg"}
    # No XMLHttpRequest to another site either: the bundle's only XHR is jQuery's, which Yasr never points
    # outside, and no default endpoint of the bundle (dbpedia, wikidata) is used: we set our own.
    assert '"https://dbpedia.org/sparql"' not in script


def test_a_failed_query_keeps_the_query_beside_its_error(sparql_app: Flask) -> None:
    client = sparql_app.test_client()
    query = "PREFIX schema: <https://schema.org/>\nSELECT * WHERE { ?s schema:name }"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "line 2" in html.split('id="query-error"', 1)[1]
    textarea = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea is not None and unescape(textarea.group(1)) == query
    french = client.get(
        "/sparql", query_string={"query": query, "lang": "fr"}, headers={"Accept": "text/html"}
    )
    assert "La requête a échoué" in french.get_data(as_text=True)
