"""The HTTP findings of issue 13, against the app, ``kg serve`` and the gunicorn recipe of docs/serving.md.

Hosts and origins (``kg.web.origin``): a foreign ``Host`` is refused, a configured public URL decides what
the server writes, forwarding headers count only from configured proxies, a ``SCRIPT_NAME`` header never
rewrites URLs, URLs in headers are escaped, links built from the request path stay on this origin. Request
limits are the same on both servers. Aggregate errors are told apart from failures.
"""

from __future__ import annotations

import json
import re
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import Flask

from kg.web import create_app
from kg.web.http import link_header
from kg.web.origin import OriginGuard, PublicUrl, allowed_host_names, host_allowed, local_path
from kg.web.state import state

from .support import fetch, server

BIN = Path(sys.executable).parent
DOCUMENTS = ("/catalog.ttl", "/.well-known/void", "/downloads/?format=json", "/", "/sparql")
AGGREGATE = "SELECT (GROUP_CONCAT(?o) AS ?x) { ?s ?p ?o . ?a ?b ?c }"


def _app(app: Flask, **options: object) -> Flask:
    with app.app_context():
        st = state()
    return create_app(
        st.settings,
        store=st.reader.store,
        dataset=st.dataset,
        queries=st.queries,
        options=replace(st.options, **options),
    )


# --- real servers: kg serve and the gunicorn recipe, on the test build -----------------------------------


def _env(dist: Path, stores: Path) -> dict[str, str]:
    return {
        "KG_DIST_DIR": str(dist),
        "KG_STORE_DIR": str(stores),
        "KG_WORKERS": "1",
        "KG_TIMEOUT": "2",  # keeps the runaway aggregate below short
        "KG_MAX_ROWS": "3",
        "KG_RELOAD_INTERVAL": "0",
    }


@pytest.fixture(scope="module")
def kg_serve(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = _env(dist, tmp_path_factory.mktemp("stores"))
    with server([str(BIN / "kg"), "serve", "--port", "0", "--workers", "1", "--timeout", "2"], env) as url:
        yield url


@pytest.fixture(scope="module")
def gunicorn(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if sys.platform == "win32":
        pytest.skip("gunicorn needs a POSIX system")
    pytest.importorskip("gunicorn")
    env = _env(dist, tmp_path_factory.mktemp("stores"))
    args = [str(BIN / "gunicorn"), "--workers", "1", "--worker-class", "sync", "--timeout", "30"]
    with server([*args, "--bind", "127.0.0.1:0", "kg.web.wsgi:create()"], env) as url:
        yield url


@pytest.fixture(params=["kg serve", "gunicorn"])
def served(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("kg_serve" if request.param == "kg serve" else "gunicorn"))


# --- 1. a failed aggregate ------------------------------------------------------------------------------


def test_runaway_aggregate_is_a_503_never_an_empty_binding(served: str) -> None:
    """The query of the finding runs past the deadline on both servers: 503 with a text body."""
    reply = fetch(served, "/sparql?query=" + quote(AGGREGATE), headers={"Accept": "application/json"})
    assert reply.status == 503, reply.text
    assert reply.text.startswith("Query timeout:") and reply.header("Retry-After")
    assert "bindings" not in reply.text


def test_an_aggregate_error_is_told_apart_from_a_result(served: str) -> None:
    """Why the finding saw ``[{}]``: ``GROUP_CONCAT`` of an IRI is an error in Oxigraph, and an error in an
    aggregate leaves its variable unbound (SPARQL 1.1 Query §11.6, §18.5.1). That answer is the right
    SPARQL result, so it stays a 200; ``X-KG-Unbound`` names the projected variables bound in no row,
    so a client can tell "no value" from a value. ``STR()`` gives the concatenation."""
    text = "SELECT (GROUP_CONCAT(?o) AS ?x) { VALUES ?o { <http://example.org/a> } }"
    reply = fetch(served, "/sparql?query=" + quote(text), headers={"Accept": "application/json"})
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"] == [{}]
    assert reply.header("X-KG-Unbound") == "x"
    page = fetch(served, "/sparql?format=html&query=" + quote(text), headers={"Accept-Language": "en"})
    assert "No row binds these variables" in page.text and "<code>x</code>" in page.text
    fixed = fetch(served, "/sparql?query=" + quote(text.replace("(?o)", "(STR(?o))")))
    assert json.loads(fixed.body)["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "http://example.org/a"}}
    ]
    assert fixed.header("X-KG-Unbound") is None


# --- 2. links built from the request path ---------------------------------------------------------------


def _as_a_browser_reads(href: str) -> str:
    # WHATWG URL parsing of http(s) links: tabs and newlines are removed, "\" counts as "/".
    return re.sub(r"[\t\n\r]", "", href).replace("\\", "/")


@pytest.mark.parametrize(
    "path",
    [
        "/\\evil.example/x",
        "//evil.example/x",
        "/%5Cevil.example/x",
        "/%2F%2Fevil.example/x",
        "/%5C%5Cevil/x",
        "/%09/evil.example/x",
        "/\\/evil.example/x",
    ],
)
def test_language_switch_stays_on_this_origin(live: str, path: str) -> None:
    reply = fetch(live, path, headers={"Accept": "text/html"})
    assert reply.status == 404
    links = re.findall(r'<a class="lang" href="([^"]*)"', reply.text)
    assert len(links) == 1
    href = links[0].replace("&amp;", "&")
    assert href.startswith("/") and not href.startswith("//") and "\\" not in href
    target = urlsplit(urljoin(live + "/", _as_a_browser_reads(href)))
    assert target.netloc == urlsplit(live).netloc
    assert "lang=fr" in target.query


def test_local_path_is_path_absolute() -> None:
    assert local_path("", "/\\evil.example/x") == "/%5Cevil.example/x"
    assert local_path("", "//evil.example/x") == "/evil.example/x"
    assert local_path("/kg", "/project/a b") == "/kg/project/a%20b"
    assert local_path("", "/project/x.html") == "/project/x.html"


# --- 3. the Host header ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", DOCUMENTS)
def test_a_foreign_host_is_refused(sparql_app: Flask, path: str) -> None:
    client = sparql_app.test_client()
    reply = client.get(path, headers={"Host": "evil.example"})
    assert reply.status_code == 400
    assert b"evil.example" not in reply.data
    assert client.get(path, headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_a_foreign_host_is_refused_by_both_servers(served: str) -> None:
    assert fetch(served, "/catalog.ttl", headers={"Host": "evil.example"}).status == 400
    assert fetch(served, "/catalog.ttl", headers={"Host": "evil.example:80"}).status == 400
    port = urlsplit(served).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert fetch(served, "/catalog.ttl", headers={"Host": host}).status == 200
    # The dev mapping of the README: the server's origin answers for the base IRI.
    assert fetch(served, "/project/interpol-mobile-police-training-program.ttl").status == 200


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_public_url_decides_what_is_written(sparql_app: Flask, path: str) -> None:
    app = _app(sparql_app, public_url="https://data.example.org/kg/")
    client = app.test_client()
    # The request comes from a proxy on loopback: its Host is not the public one, yet the public URL is used.
    reply = client.get(path, headers={"Host": "127.0.0.1:8000", "Accept": "text/turtle, application/json"})
    if path == "/":
        reply = client.get(path, headers={"Host": "127.0.0.1:8000", "Accept": "text/html"})
    assert reply.status_code == 200, reply.text
    assert "https://data.example.org/kg/" in reply.text
    assert "127.0.0.1" not in reply.text
    # A proxy that passes the prefix on is routed without it.
    assert client.get("/kg" + path, headers={"Host": "data.example.org"}).status_code == 200
    assert client.get(path, headers={"Host": "evil.example"}).status_code == 400


def test_allowed_hosts() -> None:
    public = PublicUrl.parse("https://data.example.org/kg/")
    defaults = allowed_host_names("", public)
    assert all(
        host_allowed(h, defaults) for h in ("localhost", "127.0.0.1:5000", "[::1]:80", "DATA.example.org")
    )
    assert not any(host_allowed(h, defaults) for h in ("evil.example", "example.org", "", "a b", "x:99999"))
    listed = allowed_host_names(".example.org, other.test", None)
    assert host_allowed("a.example.org", listed) and host_allowed("other.test:8080", listed)
    assert not host_allowed("localhost", listed) and not host_allowed("example.org.evil", listed)
    assert host_allowed("anything.test", allowed_host_names("*", None))
    assert host_allowed("10.0.0.5:5000", allowed_host_names("", None, listen_host="10.0.0.5"))
    assert not host_allowed("10.0.0.5", allowed_host_names("", None, listen_host="0.0.0.0"))
    for bad in ("ftp://x/", "https://u@x/", "https://x/?q", 'https://x/a"b', "/relative"):
        with pytest.raises(ValueError):
            PublicUrl.parse(bad)


# --- 4. forwarding headers and URLs in headers ----------------------------------------------------------


def test_script_name_header_does_not_rewrite_urls(gunicorn: str) -> None:
    """gunicorn maps a ``SCRIPT_NAME`` request header from loopback onto the app's root."""
    reply = fetch(gunicorn, "/evil/catalog.ttl", headers={"SCRIPT_NAME": "/evil"})
    assert reply.status == 404 and "/evil/sparql" not in reply.text
    attack = '/a"><script>alert(1)</script>'
    query = "/sparql?query=" + quote("SELECT * { ?s ?p ?o }")
    reply = fetch(gunicorn, attack + query, headers={"SCRIPT_NAME": attack})
    assert reply.status == 404
    assert not any("<script" in value or '"' in value.split(";")[0] for _, value in reply.headers.items())
    # A prefix the path does not start with: gunicorn answers 500 itself (escaped) and keeps serving.
    mismatch = fetch(gunicorn, "/catalog.ttl", headers={"SCRIPT_NAME": "/<zzz>"})
    assert mismatch.status in (400, 500) and "<zzz>" not in mismatch.text
    assert not any("zzz" in value for _, value in mismatch.headers.items())
    assert fetch(gunicorn, "/-/health").status == 200
    truncated = fetch(gunicorn, query)  # KG_MAX_ROWS=3: cut, with a Link to the limits
    assert truncated.header("X-KG-Truncated") == "true"
    assert (
        truncated.header(
            "Link",
        )
        == '</-/limits>; rel="describedby"; title="result truncated"'
    )


def test_forwarded_headers_are_ignored_without_trusted_proxies(served: str) -> None:
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Prefix": "/evil",
        "Forwarded": "host=evil.example;proto=https",
    }
    reply = fetch(served, "/catalog.ttl", headers=headers)
    assert reply.status == 200
    assert "evil" not in reply.text and "https://127.0.0.1" not in reply.text
    assert f"{served}/sparql" in reply.text


def test_forwarded_headers_from_a_trusted_proxy(sparql_app: Flask) -> None:
    app = _app(sparql_app, trusted_proxies=1, allowed_hosts="data.example.org")
    client = app.test_client()
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "data.example.org",
        "X-Forwarded-Prefix": "/kg",
        "X-Forwarded-For": "203.0.113.9",
    }
    reply = client.get("/catalog.ttl", headers=headers)
    assert reply.status_code == 200
    assert "<https://data.example.org/kg/sparql>" in reply.text
    # The forwarded host must be allowed like any other.
    refused = client.get("/catalog.ttl", headers={**headers, "X-Forwarded-Host": "evil.example"})
    assert refused.status_code == 400


def test_urls_in_headers_are_escaped() -> None:
    value = link_header([('/a"><script>\r\nSet-Cookie: x=1', "describedby", None)])
    assert "\r" not in value and "\n" not in value and "<script" not in value
    assert value.count("<") == 1 and value.count(">") == 1 and value.count('"') == 2
    assert value.startswith("</a%22%3E%3Cscript%3E%0D%0ASet-Cookie:%20x=1>")


# --- 5. request limits ----------------------------------------------------------------------------------


def test_request_limits_are_the_same_on_both_servers(served: str) -> None:
    """gunicorn's defaults on both: request line 4,094 bytes (414), header line 8,190 bytes (431),
    100 header fields (431)."""
    line = len("GET /-/health? HTTP/1.1")
    assert fetch(served, "/-/health?" + "a" * (4000 - line)).status == 200
    assert fetch(served, "/-/health?" + "a" * (4200 - line)).status == 414
    assert fetch(served, "/-/health", headers={"X-Pad": "a" * 8000}).status == 200
    assert fetch(served, "/-/health", headers={"X-Pad": "a" * 8300}).status == 431
    many = {f"X-Pad-{i}": "a" for i in range(90)}
    assert fetch(served, "/-/health", headers=many).status == 200
    more = {f"X-Pad-{i}": "a" for i in range(110)}
    assert fetch(served, "/-/health", headers=more).status == 431


def test_a_request_without_host_is_answered(live: str) -> None:
    """HTTP/1.0 health checks (HAProxy's ``httpchk``) send no ``Host``: nothing to echo, so answered."""
    port = urlsplit(live).port
    with socket.create_connection(("127.0.0.1", port or 80), timeout=10) as sock:
        sock.sendall(b"GET /-/health HTTP/1.0\r\n\r\n")
        head = sock.recv(64)
    assert head.startswith(b"HTTP/1.") and b" 200 " in head


def test_unbound_names_only_variables_no_row_binds(live: str) -> None:
    def unbound(text: str) -> str | None:
        return fetch(live, "/sparql?query=" + quote(text), headers={"Accept": "text/csv"}).header(
            "X-KG-Unbound"
        )

    assert unbound("SELECT ?x { FILTER(false) }") is None  # no row: nothing to tell
    assert unbound("SELECT ?x ?y { VALUES (?x ?y) { (1 UNDEF) (UNDEF 2) } }") is None
    assert unbound("SELECT ?s ?nothing { ?s ?p ?o } LIMIT 2") == "nothing"
    assert unbound("SELECT (SUM(?o) AS ?total) (COUNT(*) AS ?n) { VALUES ?o { 'a' 1 } }") == "total"


def test_the_guard_remembers_host_answers_for_a_bounded_number_of_names() -> None:
    allowed = allowed_host_names(".example.org", None)

    def app(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
        start_response("200 OK", [])
        return [b"ok"]

    guard = OriginGuard(app, allowed=allowed)  # type: ignore[arg-type]
    seen: list[str] = []
    hosts = [f"h{i}.example.org" if i % 2 else f"h{i}.evil.test" for i in range(600)] * 2
    for host in hosts:
        guard({"HTTP_HOST": host, "PATH_INFO": "/"}, lambda status, headers, exc=None: seen.append(status))
    assert seen == ["200 OK" if host_allowed(h, allowed) else "400 Bad Request" for h in hosts]
    assert len(guard._hosts) == 256
