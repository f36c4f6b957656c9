"""/-/ pages, the landing page, and what every answer carries: safety headers, CORS, methods, limits."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kg import __version__
from kg.web.http import CSP

from .conftest import PROJECT


def test_health_and_version(client: FlaskClient) -> None:
    health = client.get("/-/health")
    assert health.status_code == 200
    assert health.get_json()["status"] == "ok"
    assert "no-store" in health.headers["Cache-Control"]
    version = client.get("/-/version").get_json()
    assert version["kg"] == __version__
    assert len(version["dataset"]) == 64
    assert client.get("/-/limits").get_json()["updates"] is False


def test_landing_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert f'href="/{PROJECT}"' in html
    for target in ("/sparql", "/downloads/", "/ontology", "/.well-known/void"):
        assert f'href="{target}"' in html
    assert "funding" in html.lower()


@pytest.mark.parametrize(
    "path", ["/", f"/{PROJECT}.html", "/sparql", "/downloads/", "/ontology", "/shapes", "/-/health", "/nope"]
)
def test_safety_headers_everywhere(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("path", ["/", f"/{PROJECT}.html", "/sparql", "/downloads/", "/ontology", "/shapes"])
def test_pages_satisfy_the_csp(client: FlaskClient, path: str) -> None:
    html = client.get(path, headers={"Accept": "text/html"}).text
    # Scripts are data blocks, or files of this server (script-src 'self'): never inline code.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, body in scripts:
        data = 'type="application/ld+json"' in attrs or 'type="application/json"' in attrs
        assert data or (re.fullmatch(r' src="/static/[\w./-]+\.js" defer', attrs) and not body.strip())
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert not re.search(r'(src|href)="(https?:)?//(?!w3id\.org)[^"]*\.(js|css)', html)
    assert "style=" not in html


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/sparql"), ("DELETE", "/sparql"), ("TRACE", "/"), ("PATCH", f"/{PROJECT}")]
)
def test_other_methods_are_405(client: FlaskClient, method: str, path: str) -> None:
    assert client.open(path, method=method).status_code == 405


def test_method_override_header_is_ignored(client: FlaskClient) -> None:
    response = client.get("/-/health", headers={"X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 200


def test_body_cap(client: FlaskClient) -> None:
    big = b"q" * 2_000_000
    response = client.post("/sparql", data=big, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_head_requests(client: FlaskClient) -> None:
    response = client.head(f"/{PROJECT}.ttl")
    assert response.status_code == 200
    assert response.data == b""


def test_errors_are_plain_text_or_escaped_html(client: FlaskClient) -> None:
    plain = client.get("/nope/<script>", headers={"Accept": "text/plain"})
    assert plain.status_code == 404
    assert plain.mimetype == "text/plain"
    html = client.get("/nope/<script>", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert "<script>" not in html.text
