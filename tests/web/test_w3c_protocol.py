"""The W3C SPARQL 1.1 Protocol test suite, read as data from ../shared/external/w3c-sparql11-protocol.

Every ``query_*`` and ``bad_query_*`` test must pass; every update test must be refused with a 4xx (this
endpoint is read-only), and the store must not change. The suite's data files are loaded as named graphs
under their labels. ``query_get`` and ``query_post_form`` name ``.../data0.rdf`` as default graph without
giving data for it; the endpoint serves only its public graphs, so the fixture declares data0.rdf public
(an empty graph) - which is what those two tests need, an empty default graph.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from kg.formats import RdfFormat
from kg.settings import Settings
from kg.sparql import QueryLimits, QueryService, prepare_store
from kg.store import KgStore
from kg.web import create_app
from kg.web.config import Dataset, WebOptions

from .support import fetch, running

SUITE = Path(__file__).resolve().parents[3] / "shared" / "external" / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
DATA0 = "http://kasei.us/2009/09/sparql/data/data0.rdf"

pytestmark = pytest.mark.skipif(
    not (SUITE / "manifest.ttl").is_file(),
    reason=f"W3C protocol suite not found at {SUITE} (../shared absent)",
)


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]
    result_format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    steps: tuple[Step, ...]
    graphs: dict[str, Path]


def _steps(manifest: Graph, test: URIRef) -> tuple[Step, ...]:
    action = manifest.value(test, MF.action)
    requests = manifest.value(action, HT.requests)
    assert requests is not None
    steps = []
    for request in Collection(manifest, requests):
        headers = {}
        header_list = manifest.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(manifest, header_list):
                headers[str(manifest.value(header, HT.fieldName))] = str(
                    manifest.value(header, HT.fieldValue)
                )
        body = None
        content = manifest.value(request, HT.body)
        if content is not None:
            encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(manifest.value(content, CNT.chars)).encode(encoding)
        response = manifest.value(request, HT.resp)
        statuses = tuple(
            sorted(str(s).rsplit("StatusCode", 1)[1] for s in manifest.objects(response, MF.expectedStatus))
        )
        expected_format = manifest.value(response, MF.expectedFormat)
        expected_boolean = manifest.value(response, MF.expectedBoolean)
        path = str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        steps.append(
            Step(
                method=str(manifest.value(request, HT.methodName)),
                path=path,
                headers=headers,
                body=body,
                statuses=statuses,
                result_format=str(expected_format) if expected_format is not None else None,
                boolean=expected_boolean.toPython() if isinstance(expected_boolean, Literal) else None,
            )
        )
    return tuple(steps)


def _tests() -> list[ProtocolTest]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    manifest = Graph().parse(
        SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri()
    )
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    entries = manifest.value(root, MF.entries)
    assert entries is not None
    tests = []
    for test in Collection(manifest, entries):
        assert isinstance(test, URIRef)
        graphs = {}
        for data in manifest.objects(test, UT.graphData):
            graphs[str(manifest.value(data, RDFS.label))] = (
                SUITE / str(manifest.value(data, UT.graph)).rsplit("/", 1)[1]
            )
        tests.append(ProtocolTest(str(test).rsplit("#", 1)[1], _steps(manifest, test), graphs))
    return tests


TESTS = _tests()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("w3c")
    graphs = {label: path for test in TESTS for label, path in test.graphs.items()}
    memory = KgStore()
    for label, path in sorted(graphs.items()):
        memory.load(path.read_bytes(), RdfFormat.NTRIPLES, graph=label)
    (folder / "suite.nq").write_bytes(memory.dump(RdfFormat.NQUADS))
    store_path, version = prepare_store(folder / "suite.nq", folder / "stores")
    public = frozenset(graphs) | {DATA0}
    settings = Settings(data_dir=folder, dist_dir=folder / "dist")
    with QueryService(
        store_path, dataset_version=version, public_graphs=public, limits=QueryLimits(workers=1, timeout_s=5)
    ) as service:
        app = create_app(
            settings,
            store=KgStore.open(store_path, read_only=True),
            dataset=Dataset(version=version, public_graphs=public),
            queries=service,
            options=WebOptions(store_dir=folder / "stores"),
        )
        with running(app) as url:
            yield url


def _check_format(step: Step, content_type: str, body: bytes) -> None:
    media_type = content_type.split(";")[0].strip()
    if step.result_format == "boolean":
        assert media_type in ("application/sparql-results+json", "application/sparql-results+xml")
        if media_type.endswith("json"):
            value = json.loads(body)["boolean"]
        else:
            element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
            assert element is not None
            value = element.text == "true"
        if step.boolean is not None:
            assert value is step.boolean
    elif step.result_format == "tabular":
        assert media_type in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
    elif step.result_format == "RDF":
        fmt = RdfFormat.from_media_type(media_type)
        Graph().parse(data=body, format=fmt.rdflib_name)


def _ask_count(endpoint: str) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = fetch(
        endpoint,
        "/sparql",
        method="POST",
        body=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("test", [t for t in TESTS if "update" not in t.name], ids=lambda t: t.name)
def test_query_tests_pass(endpoint: str, test: ProtocolTest) -> None:
    for step in test.steps:
        reply = fetch(endpoint, step.path, method=step.method, headers=step.headers, body=step.body)
        assert f"{reply.status // 100}xx" in step.statuses, (test.name, reply.status, reply.text[:300])
        if reply.status < 300 and step.result_format:
            _check_format(step, reply.header("Content-Type") or "", reply.body)


@pytest.mark.parametrize("test", [t for t in TESTS if "update" in t.name], ids=lambda t: t.name)
def test_update_tests_are_refused(endpoint: str, test: ProtocolTest) -> None:
    before = _ask_count(endpoint)
    first = test.steps[0]
    reply = fetch(endpoint, first.path, method=first.method, headers=first.headers, body=first.body)
    assert 400 <= reply.status < 500, (test.name, reply.status)
    assert _ask_count(endpoint) == before
    assert fetch(endpoint, "/sparql?query=ASK%7B%7D").status == 200


def test_the_suite_is_complete() -> None:
    assert len(TESTS) == 34
    assert sum("update" not in t.name for t in TESTS) == 20
