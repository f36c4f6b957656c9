"""``kg serve`` and the gunicorn recipe, as real processes on free loopback ports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from .support import fetch, server

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_kg_serve_files(tmp_path: Path) -> None:
    env = {"KG_STORE_DIR": str(tmp_path / "stores")}
    args = [
        str(BIN / "kg"),
        "serve",
        str(DATA / "grants.ttl"),
        str(DATA / "extra.jsonld"),
        "--port",
        "0",
        "--workers",
        "1",
    ]
    with server(args, env) as url:
        client = SPARQLWrapper(f"{url}/sparql")
        client.setQuery(
            "SELECT ?name WHERE { ?p a <https://schema.org/Project> ; <https://schema.org/name> ?name }"
        )
        client.setReturnFormat(JSON)
        result = client.queryAndConvert()
        assert isinstance(result, dict)
        names = {b["name"]["value"] for b in result["results"]["bindings"]}
        assert {"River clean-up", "Nettoyage de la rivière", "School roof"} <= names
        # Each file is a named graph of its own; relative IRIs resolve against the base, never file:.
        graphs = fetch(
            url,
            "/sparql?query=" + quote("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"),
            headers={"Accept": "text/csv"},
        )
        assert "https://w3id.org/kg-funding/graph/grants" in graphs.text
        assert "https://w3id.org/kg-funding/graph/extra" in graphs.text
        relative = fetch(
            url,
            "/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p 'resolved against the base IRI' }"),
            headers={"Accept": "text/csv"},
        )
        assert "https://w3id.org/kg-funding/relative/thing" in relative.text
        # The development server maps its origin onto the base IRI.
        page = fetch(url, "/project/river-cleanup", headers={"Accept": "text/turtle"})
        assert page.status == 303
        turtle = fetch(url, page.header("Location") or "")
        described = Graph().parse(data=turtle.body, format="turtle")
        assert (URIRef("https://w3id.org/kg-funding/project/river-cleanup"), None, None) in described
        assert "River clean-up" in fetch(url, "/project/river-cleanup.html").text
        assert (
            json.loads(fetch(url, "/downloads/", headers={"Accept": "application/json"}).body)["files"] == []
        )


def test_kg_serve_builds_on_a_fresh_clone(tmp_path: Path) -> None:
    env = {"KG_DIST_DIR": str(tmp_path / "dist"), "KG_STORE_DIR": str(tmp_path / "stores")}
    with server([str(BIN / "kg"), "serve", "--port", "0", "--workers", "1"], env) as url:
        assert (tmp_path / "dist" / "manifest.json").is_file()
        assert fetch(url, "/project/interpol-mobile-police-training-program.ttl").status == 200
        listing = json.loads(fetch(url, "/downloads/", headers={"Accept": "application/json"}).body)
        assert any(f["name"] == "kg.nq.gz" for f in listing["files"])
        ask = fetch(
            url, "/sparql?query=" + quote("ASK { ?p a <https://w3id.org/kg-funding/ontology#Project> }")
        )
        assert json.loads(ask.body)["boolean"] is True


def test_kg_serve_reports_bad_input_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    done = subprocess.run(
        [str(BIN / "kg"), "serve", str(bad), "--port", "0"],
        env={**os.environ, "KG_STORE_DIR": str(tmp_path / "stores")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("kg: error:") and done.stderr.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn needs a POSIX system")
def test_gunicorn_recipe(dist: Path, tmp_path: Path) -> None:
    pytest.importorskip("gunicorn")
    env = {
        "KG_DIST_DIR": str(dist),
        "KG_STORE_DIR": str(tmp_path / "stores"),
        "KG_WORKERS": "1",
        "KG_TIMEOUT": "5",
    }
    args = [
        str(BIN / "gunicorn"),
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        "--bind",
        "127.0.0.1:0",
        "kg.web.wsgi:create()",
    ]
    with server(args, env) as url:
        for _ in range(4):  # several sync workers answer, each with its own read-only view of one store
            ask = fetch(url, "/sparql?query=ASK%20%7B%7D")
            assert ask.status == 200 and json.loads(ask.body)["boolean"] is True
        assert fetch(url, "/project/interpol-mobile-police-training-program.ttl").status == 200
        assert fetch(url, "/sparql?query=" + "x" * 5000).status == 414  # B11: use POST for long queries
        assert fetch(url, "/", headers={"Accept": "text/html," * 1000}).status == 431  # D1
        chunks = (b"x" * 100_000 for _ in range(11))
        big = fetch(
            url, "/sparql", method="POST", body=chunks, headers={"Content-Type": "application/sparql-query"}
        )
        assert big.status == 413  # B10: a chunked body (no Content-Length) is capped too
        assert fetch(url, "/-/health").status == 200
