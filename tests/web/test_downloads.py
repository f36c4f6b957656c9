"""/downloads/: the dumps of kg build, listed and served; nothing outside the manifest (D6)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.dumps import read_manifest

from .support import fetch, running


def test_listing_json(client: FlaskClient, dist: Path) -> None:
    response = client.get("/downloads/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    data = response.get_json()
    names = {f["name"] for f in data["files"]}
    assert names == {info.name for info in read_manifest(dist)}
    ttl = next(f for f in data["files"] if f["name"] == "kg.ttl")
    assert ttl["media_type"] == "text/turtle"
    assert ttl["size"] == (dist / "kg.ttl").stat().st_size
    assert ttl["sha256"] == hashlib.sha256((dist / "kg.ttl").read_bytes()).hexdigest()
    assert ttl["url"].endswith("/downloads/kg.ttl")
    assert client.get("/downloads/?format=json").is_json


def test_listing_html(client: FlaskClient) -> None:
    response = client.get("/downloads/", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    assert 'href="/downloads/kg.nt.gz"' in response.text
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("kg.ttl", "text/turtle; charset=utf-8"),
        ("kg.nt", "application/n-triples; charset=utf-8"),
        ("kg.jsonld", "application/ld+json"),
        ("kg.rdf", "application/rdf+xml; charset=utf-8"),
        ("kg.trig", "application/trig"),
        ("kg.nq", "application/n-quads; charset=utf-8"),
        ("context.jsonld", "application/ld+json"),
    ],
)
def test_files(client: FlaskClient, dist: Path, name: str, media_type: str) -> None:
    response = client.get(f"/downloads/{name}", headers={"Accept-Encoding": "identity"}, buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.data == (dist / name).read_bytes()
    assert response.headers["Content-Length"] == str((dist / name).stat().st_size)
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert response.headers["ETag"].strip('"') == hashlib.sha256(response.data).hexdigest()
    again = client.get(
        f"/downloads/{name}", headers={"If-None-Match": response.headers["ETag"]}, buffered=True
    )
    assert again.status_code == 304


def test_gz_files_are_served_as_themselves(client: FlaskClient, dist: Path) -> None:
    response = client.get("/downloads/kg.nt.gz", headers={"Accept-Encoding": "gzip"}, buffered=True)
    assert response.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert gzip.decompress(response.data) == (dist / "kg.nt").read_bytes()


def test_plain_files_are_gzip_encoded_when_accepted(client: FlaskClient, dist: Path) -> None:
    response = client.get("/downloads/kg.nt", headers={"Accept-Encoding": "gzip, deflate"}, buffered=True)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"] == "application/n-triples; charset=utf-8"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == (dist / "kg.nt").read_bytes()
    plain = client.get("/downloads/kg.nt", headers={"Accept-Encoding": "gzip;q=0"}, buffered=True)
    assert "Content-Encoding" not in plain.headers


def test_checksums_file(client: FlaskClient, dist: Path) -> None:
    response = client.get("/downloads/SHA256SUMS", buffered=True)
    assert response.status_code == 200
    assert response.data == (dist / "SHA256SUMS").read_bytes()


@pytest.fixture(scope="module")
def live_downloads(app: Flask, dist: Path) -> Iterator[str]:
    (dist / "secret.txt").write_text("not in the manifest")
    link = dist / "link.nt"
    link.symlink_to("/etc/passwd")
    try:
        with running(app) as url:
            yield url
    finally:
        (dist / "secret.txt").unlink()
        link.unlink()


@pytest.mark.parametrize(
    "path",
    [
        "/downloads/../../etc/passwd",
        "/downloads/..%2f..%2fetc%2fpasswd",
        "/downloads/%2e%2e/app.py",
        "/downloads/%252e%252e/",
        "/downloads/....//etc/passwd",
        "/downloads/..\\..\\etc\\passwd",
        "/downloads/%00.nt",
        "/downloads/kg.nt%00",
        "/downloads//etc/passwd",
        "/downloads/secret.txt",
        "/downloads/link.nt",
        "/downloads/manifest.json/../kg.nt",
        "/downloads/.",
        "/downloads/%2e",
    ],
)
def test_path_traversal_is_404(live_downloads: str, path: str) -> None:
    reply = fetch(live_downloads, path)
    assert reply.status in (404, 308), (path, reply.status)
    assert b"root:" not in reply.body
    assert fetch(live_downloads, "/downloads/kg.nt").status == 200


def test_the_html_listing_is_validated_per_language(client: FlaskClient) -> None:
    """The page is translated by Accept-Language: Vary names it, its ETag differs (RFC 9110 §12.5.5)."""
    html = {"Accept": "text/html"}
    english = client.get("/downloads/", headers=html)
    french = client.get("/downloads/", headers={**html, "Accept-Language": "fr"})
    assert english.data != french.data
    assert "Accept-Language" in french.headers["Vary"]
    assert english.headers["ETag"] != french.headers["ETag"]
    stale = {**html, "Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
    assert client.get("/downloads/", headers=stale).status_code == 200
    assert "Accept-Language" not in client.get("/downloads/?format=json").headers["Vary"]
