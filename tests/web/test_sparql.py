"""/sparql over real HTTP with real clients: SPARQLWrapper, rdflib's SPARQLStore, http.client.

The server runs in a thread on a loopback port (``live``) in front of the real query service.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper import (
    RDF as SW_RDF,
)

from kg.errors import QueryCrashed, QueryTimeout
from kg.sparql import QueryAnswer, QueryBusy, QueryLimits, QueryRequest
from kg.vocab import KG, sparql_prologue
from kg.web import create_app
from kg.web.state import state

from .conftest import BASE, PROJECT
from .support import fetch

PROJECTS = (
    sparql_prologue()
    + "SELECT ?p ?name WHERE { ?p a kg:Project ; schema:name ?name . FILTER(lang(?name) = 'en') }"
)
CONSTRUCT = sparql_prologue() + "CONSTRUCT { ?p a kg:Project } WHERE { ?p a kg:Project }"


def test_sparqlwrapper_select_json(live: str, graph: Graph) -> None:
    client = SPARQLWrapper(f"{live}/sparql")
    client.setQuery(PROJECTS)
    client.setReturnFormat(JSON)
    results = client.queryAndConvert()
    assert isinstance(results, dict)
    names = {b["name"]["value"] for b in results["results"]["bindings"]}
    assert "Interpol Mobile Police Training Program" in names
    assert len(names) == len(set(graph.subjects(RDF.type, KG.Project)))


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_methods(live: str, method: str) -> None:
    client = SPARQLWrapper(f"{live}/sparql")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(XML)
    if method != "GET":
        client.setMethod(POST)
    if method == "POSTDIRECTLY":
        client.setRequestMethod(POSTDIRECTLY)
    document = client.queryAndConvert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]


def test_sparqlwrapper_csv_and_construct(live: str) -> None:
    client = SPARQLWrapper(f"{live}/sparql")
    client.setQuery(PROJECTS)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.queryAndConvert().decode())))  # type: ignore[union-attr]
    assert rows[0] == ["p", "name"] and len(rows) > 5
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    body = client.queryAndConvert()
    assert isinstance(body, bytes)
    assert len(Graph().parse(data=body, format="turtle")) > 5
    client.setReturnFormat(XML)
    converted = client.queryAndConvert()
    assert isinstance(converted, Graph) and len(converted) > 5


def test_rdflib_sparqlstore(live: str) -> None:
    store = SPARQLStore(f"{live}/sparql")
    graph = Graph(store=store)
    rows = list(graph.query(PROJECTS))
    assert any(str(row[1]) == "Interpol Mobile Police Training Program" for row in rows)  # type: ignore[index]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    described = graph.query(CONSTRUCT).graph
    assert described is not None and len(described) > 5
    triples = list(graph.triples((URIRef(BASE + PROJECT), RDF.type, None)))
    assert (URIRef(BASE + PROJECT), RDF.type, KG.Project) in {t for t in triples}
    store.close()


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_formats(live: str, accept: str, media_type: str) -> None:
    reply = fetch(live, f"/sparql?query={quote(PROJECTS)}", headers={"Accept": accept})
    assert reply.status == 200
    assert reply.header("Content-Type") == media_type
    assert "Accept" in (reply.header("Vary") or "")
    assert b"Interpol Mobile Police Training Program" in reply.body


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/trig", "application/trig", "trig"),
        ("application/n-quads", "application/n-quads", "nquads"),
    ],
)
def test_construct_formats(live: str, accept: str, media_type: str, rdflib_format: str) -> None:
    reply = fetch(live, f"/sparql?query={quote(CONSTRUCT)}", headers={"Accept": accept})
    assert reply.status == 200
    assert (reply.header("Content-Type") or "").split(";")[0] == media_type
    graph = Graph().parse(data=reply.body, format=rdflib_format)
    assert (URIRef(BASE + PROJECT), RDF.type, KG.Project) in graph


def test_describe_and_format_parameter(live: str) -> None:
    reply = fetch(live, f"/sparql?{urlencode({'query': f'DESCRIBE <{BASE}{PROJECT}>', 'format': 'nt'})}")
    assert reply.header("Content-Type") == "application/n-triples; charset=utf-8"
    assert f"<{BASE}{PROJECT}>".encode() in reply.body
    reply = fetch(live, f"/sparql?{urlencode({'query': 'ASK {}', 'output': 'xml'})}")
    assert reply.header("Content-Type") == "application/sparql-results+xml"


def test_406_lists_supported_types(live: str) -> None:
    reply = fetch(live, f"/sparql?query={quote(PROJECTS)}", headers={"Accept": "text/turtle"})
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text and "text/csv" in reply.text
    assert fetch(live, "/sparql?query=ASK%7B%7D", headers={"Accept": "text/turtle"}).status == 406
    ask_csv = fetch(live, "/sparql?query=ASK%7B%7D", headers={"Accept": "text/csv"})
    assert (ask_csv.status, ask_csv.text) == (200, "true")  # no CSV boolean in the spec: Oxigraph's word


def test_syntax_error_is_400_with_position(live: str) -> None:
    query = "SELECT * WHERE {\n  ?s ?p ?o .\n  <img src=x onerror=alert(1)> ?x\n"
    reply = fetch(live, f"/sparql?query={quote(query)}", headers={"Accept": "text/html"})
    assert reply.status == 400
    # A browser gets the page again: the query kept in the form, the error (with its position) beside it.
    assert reply.header("Content-Type") == "text/html; charset=utf-8"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    error = reply.text.split('id="query-error"', 1)[1].split("</div>", 1)[0]
    assert "line 3" in error and "column" in error
    assert "&lt;img src=x onerror=alert(1)&gt; ?x\n</textarea>" in reply.text and "<img" not in reply.text
    plain = fetch(live, f"/sparql?query={quote(query)}")
    assert plain.status == 400 and plain.header("Content-Type") == "text/plain; charset=utf-8"


def test_syntax_error_position_is_the_clients(live: str) -> None:
    reply = fetch(live, "/sparql?query=ASK%20%7B")
    assert reply.status == 400
    assert "line 1, column 6" in reply.text
    reply = fetch(
        live, f"/sparql?query={quote('PREFIX ex: <http://ex/>' + chr(10) + 'SELECT * WHERE { ?s ?p }')}"
    )
    assert "line 2, column" in reply.text


def test_relative_iris_resolve_against_the_endpoint(live: str) -> None:
    reply = fetch(
        live,
        f"/sparql?query={quote('CONSTRUCT { <s> <p> 1 } WHERE {}')}",
        headers={"Accept": "application/n-triples"},
    )
    assert reply.status == 200
    assert f"<{live}/s>".encode() in reply.body


def test_rdflib_dereferences_resources(live: str) -> None:
    """rdflib's own Linked Data client follows the 303 and parses the document."""
    graph = Graph().parse(f"{live}/{PROJECT}")
    assert (URIRef(BASE + PROJECT), RDF.type, KG.Project) in graph


def test_service_description(live: str) -> None:
    reply = fetch(live, "/sparql", headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef(f"{live}/sparql")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert len(set(graph.objects(None, URIRef(sd + "resultFormat")))) == 10
    names = set(graph.objects(None, URIRef(sd + "name")))
    assert URIRef(f"{BASE}graph/reference") in names
    assert fetch(live, "/sparql", headers={"Accept": "application/ld+json"}).status == 200


def test_query_page_for_browsers(live: str) -> None:
    page = fetch(live, "/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status == 200
    assert b'<form method="get" action="/sparql"' in page.body  # the page works without JavaScript
    scripts = re.findall(rb"<script([^>]*)>", page.body)
    assert sorted(scripts) == sorted(
        [
            b' type="application/json" id="kg-editor-config"',
            b' src="/static/yasgui/yasgui.min.js" defer',
            b' src="/static/editor.js" defer',
        ]
    )
    results = fetch(live, f"/sparql?{urlencode({'query': PROJECTS, 'format': 'html'})}")
    assert results.status == 200
    assert f'href="/{PROJECT}"'.encode() in results.body


def test_get_is_cacheable_post_is_not(live: str) -> None:
    path = f"/sparql?query={quote(PROJECTS)}"
    first = fetch(live, path)
    etag = first.header("ETag")
    assert etag and "max-age" in (first.header("Cache-Control") or "")
    assert fetch(live, path, headers={"If-None-Match": etag}).status == 304
    other = fetch(live, path, headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other.status == 200
    posted = fetch(
        live,
        "/sparql",
        method="POST",
        body=urlencode({"query": PROJECTS}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert posted.status == 200
    assert posted.header("ETag") is None
    assert "no-store" in (posted.header("Cache-Control") or "")


def test_truncated_results_say_so(live: str) -> None:
    reply = fetch(live, f"/sparql?query={quote('SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f }')}")
    assert reply.status == 200
    assert reply.header("X-KG-Truncated") == "true"
    assert reply.header("X-KG-Row-Limit") == "10000"
    assert 'rel="describedby"' in (reply.header("Link") or "")
    assert len(json.loads(reply.body)["results"]["bindings"]) == 10_000
    assert fetch(live, f"/sparql?query={quote(PROJECTS)}").header("X-KG-Truncated") is None


def test_protocol_dataset(live: str) -> None:
    ask = f"ASK {{ <{BASE}{PROJECT}> ?p ?o }}"
    release = f"{BASE}graph/news-release-175-2011-06-22"
    yes = fetch(live, f"/sparql?{urlencode({'query': ask, 'default-graph-uri': release})}")
    assert json.loads(yes.body)["boolean"] is True
    no = fetch(live, f"/sparql?{urlencode({'query': ask, 'default-graph-uri': f'{BASE}graph/reference'})}")
    assert json.loads(no.body)["boolean"] is False
    private = fetch(live, f"/sparql?{urlencode({'query': ask, 'default-graph-uri': 'http://elsewhere/g'})}")
    assert private.status == 400


# --- error mapping, with a stand-in query service --------------------------------------------------------


@dataclass
class FakeRunner:
    """Raises or answers what a test asks for; inspect_query still runs for real."""

    outcome: BaseException | QueryAnswer
    limits: QueryLimits = field(default_factory=QueryLimits)
    public_graphs: frozenset[str] = frozenset()

    def run(self, request: QueryRequest) -> QueryAnswer:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def stats(self) -> Mapping[str, object]:
        return {}

    def close(self) -> None:
        pass


def _with(app: Flask, runner: FakeRunner) -> Flask:
    with app.app_context():
        st = state()
    return create_app(
        st.settings, store=st.reader.store, dataset=st.dataset, queries=runner, options=st.options
    )


@pytest.mark.parametrize(
    ("outcome", "status", "words"),
    [
        (QueryBusy("too many concurrent queries", retry_after_s=3), 503, "busy"),
        (QueryTimeout("the query ran longer than 10 s"), 503, "timeout"),
        (QueryCrashed("the query engine failed"), 500, "failed"),
        (RuntimeError("bug"), 500, "Internal Server Error"),
    ],
)
def test_failures_have_their_own_status(app: Flask, outcome: BaseException, status: int, words: str) -> None:
    client = _with(app, FakeRunner(outcome)).test_client()
    response = client.get("/sparql?query=ASK%7B%7D")
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    assert words.lower() in response.text.lower()
    if isinstance(outcome, QueryBusy):
        assert response.headers["Retry-After"] == "3"
    assert client.get("/-/health").status_code == 200


def test_truncation_flag_comes_from_the_service(app: Flask) -> None:
    answer = QueryAnswer(
        "solutions",
        b'{"head":{"vars":[]},"results":{"bindings":[]}}',
        "application/sparql-results+json",
        True,
        5,
        False,
    )
    response = _with(app, FakeRunner(answer)).test_client().get("/sparql?query=SELECT%20*%20%7B%7D")
    assert response.status_code == 200
    assert response.headers["X-KG-Truncated"] == "true"


def test_without_a_query_service_sparql_is_503(client: object) -> None:
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    assert client.get("/sparql?query=ASK%7B%7D").status_code == 503
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200


@pytest.mark.parametrize("path", ["/sparql", f"/sparql?{urlencode({'query': PROJECTS})}"])
def test_html_pages_are_validated_per_language(sparql_app: Flask, path: str) -> None:
    """The form and the result page are translated by Accept-Language: Vary names it, the ETag differs
    (RFC 9110 §12.5.5, §8.8.3); the data answers do not vary by language."""
    client = sparql_app.test_client()
    html = {"Accept": "text/html"}
    english = client.get(path, headers=html)
    french = client.get(path, headers={**html, "Accept-Language": "fr"})
    assert english.status_code == french.status_code == 200 and english.data != french.data
    assert "Accept-Language" in french.headers["Vary"]
    assert english.headers["ETag"] != french.headers["ETag"]
    stale = {**html, "Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
    assert client.get(path, headers=stale).status_code == 200
    data = client.get(path, headers={"Accept": "application/sparql-results+json, text/turtle"})
    assert "Accept-Language" not in data.headers["Vary"]


SW_QUERIES = {
    "SELECT": PROJECTS,
    "ASK": "ASK { ?s ?p ?o }",
    "CONSTRUCT": CONSTRUCT,
    "DESCRIBE": f"DESCRIBE <{BASE}organization/unodc>",
}
SW_FORMATS = (JSON, XML, CSV, TSV, TURTLE, N3, SW_RDF, RDFXML, JSONLD)


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", SW_FORMATS)
@pytest.mark.parametrize("form", list(SW_QUERIES))
def test_sparqlwrapper_defaults_every_form_format_and_method(
    live: str, form: str, fmt: str, method: str
) -> None:
    """SPARQLWrapper as people use it: setReturnFormat and go. It sends ``format``, ``output`` and ``results``
    (for TSV, RDF/XML and JSON-LD each twice with two spellings), N3 for graphs, and ``*/*`` with its own
    format name when the format does not fit the query form (it warns, the server answers its default)."""
    client = SPARQLWrapper(f"{live}/sparql")
    client.setQuery(SW_QUERIES[form])
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SPARQLWrapper's own "ignoring return format" warning
        result = client.query()
        body = result.response.read()
    media_type = result.response.headers["Content-Type"].split(";")[0]
    if form == "ASK":
        assert b"true" in body
    elif form == "SELECT":
        assert b"Interpol Mobile Police Training Program" in body
    else:
        graph = Graph().parse(data=body, format=_RDFLIB_FORMAT[media_type])
        assert len(graph) > 0


_RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


def test_http_schema_org_finds_what_https_finds(live: str, graph: Graph) -> None:
    """``PREFIX schema: <http://schema.org/>`` (tutorials, Wikidata, schema.org's JSON-LD context) is read as
    the https namespace the graph uses; strings are not touched."""
    projects = len(set(graph.subjects(RDF.type, KG.Project)))
    for namespace in ("http", "https"):
        client = SPARQLWrapper(f"{live}/sparql")
        client.setQuery(
            f"PREFIX schema: <{namespace}://schema.org/> "
            'SELECT (COUNT(DISTINCT ?p) AS ?n) ("http://schema.org/" AS ?s) WHERE { ?p a schema:Project }'
        )
        client.setReturnFormat(JSON)
        row = client.queryAndConvert()["results"]["bindings"][0]  # type: ignore[index,call-overload]
        assert (int(row["n"]["value"]), row["s"]["value"]) == (projects, "http://schema.org/")
