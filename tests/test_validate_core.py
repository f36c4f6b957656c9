"""The SHACL Core constraints compiled to SPARQL (``kg.shacl_core``) change no report: on every shapes
fixture, the seed's graph and mutations that break each compiled component, ``kg validate``'s report is
pyshacl's (``engine="pyshacl"``), and the compiled query names every focus node pyshacl reports a core result
for (or ``kg.shacl_terms`` refuses the data), so that the fast path never hides a violation."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from kg.assets import load_shapes
from kg.formats import RdfFormat
from kg.report import Report, Violation
from kg.shacl_core import Compiled, compile_shapes
from kg.shacl_sparql import split_shapes
from kg.shacl_terms import check_terms, disagreement
from kg.store import KgStore
from kg.validate import data_graph, validate, validate_focus
from kg.vocab import KG, OA, ORG, PROV, RDF, SCHEMA, XSD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "shapes"))
from test_shapes import CONFORMING, VIOLATING, fixture_graph  # noqa: E402

BASE = Namespace("https://example.org/kg/")
RELEASE = ROOT / "tests/shapes/conforming/release.ttl"
SPARQL_COMPONENT = "http://www.w3.org/ns/shacl#SPARQLConstraintComponent"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def core(shapes: Graph) -> Compiled:
    return compile_shapes(split_shapes(shapes).shapes)


def _sorted(report: Report) -> tuple[bool, list[Violation]]:
    return report.conforms, sorted(report.results, key=repr)


def _flagged(core: Compiled, data: Graph) -> set[str] | None:
    """The focus nodes the compiled query names on ``data``; None when kg.shacl_terms refuses the data."""
    if disagreement(check_terms(data), core.integer_ends, core.same_integers) is not None:
        return None
    store = KgStore()
    store.load(data.serialize(format="nt", encoding="utf-8"), RdfFormat.NTRIPLES)
    assert core.query is not None
    return {row.get("focus", "") for row in store.query(core.query, union=False).records()}


def _check(core: Compiled, shapes: Graph, data: Graph) -> Report:
    """The report is pyshacl's, and every core result's focus node is named by the compiled query."""
    reference = validate(data, shapes, engine="pyshacl")
    fast = validate(data, shapes)
    assert _sorted(fast) == _sorted(reference)
    # the lines of the text report (pyshacl orders results that sort alike as its graph iterates them)
    assert sorted(fast.as_text().splitlines()) == sorted(reference.as_text().splitlines())
    flagged = _flagged(core, data)
    # a blank node focus node is named "" by the query, and described in words by the report
    core_results = {
        r.focus if r.focus.startswith("http") else ""
        for r in reference.results
        if r.component != SPARQL_COMPONENT
    }
    if flagged is not None:
        assert core_results <= flagged, f"the compiled query misses {sorted(core_results - flagged)}"
    return reference


def test_every_core_constraint_of_the_project_is_compiled(core: Compiled) -> None:
    assert core.left == () and len(core.compiled) >= 35 and not core.pyshacl_needed


@pytest.mark.parametrize("path", CONFORMING + VIOLATING, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_reports_are_pyshacl_s(path: Path, shapes: Graph, core: Compiled) -> None:
    data = fixture_graph(path)
    report = _check(core, shapes, data)
    if path.parent.name == "conforming":  # the fast path holds (a dateTime at +00:00 reads Z in Oxigraph)
        assert report.conforms and validate(data, shapes).as_turtle() == report.as_turtle()
        flagged = _flagged(core, data)
        terms = check_terms(data)
        assert flagged == set() or (flagged is None and "+00:00" in str(terms.problem)), terms.problem


def test_the_seed_graph_s_report_is_pyshacl_s(dataset: Dataset, shapes: Graph, core: Compiled) -> None:
    data = data_graph(dataset)
    assert _check(core, shapes, data).conforms and _flagged(core, data) == set()


def test_focus_validation_is_pyshacl_s(shapes: Graph) -> None:
    data = fixture_graph(ROOT / "tests/shapes/violating/project.ttl")
    focus = {n for n in data.subjects(RDF.type, SCHEMA.Project) if isinstance(n, URIRef)}
    fast = validate_focus(data, focus, shapes)
    assert _sorted(fast) == _sorted(validate_focus(data, focus, shapes, engine="pyshacl"))
    assert not fast.conforms


# --- Mutations: each breaks one compiled component of the conforming release (invented data) ---

Edit = Callable[[Graph], None]
PROJECT = BASE["project/police-training-in-central-america"]
GRANT = BASE["grant/police-training-in-central-america"]
SOURCE = BASE["source/news-release-1-2011-06-22"]
RELEASE_NODE = BASE["release/news-release-1-2011-06-22"]
AMOUNT = BASE["amount/grant-police-training-in-central-america"]


def _set(subject: URIRef, predicate: URIRef, *values: object) -> Edit:
    def edit(graph: Graph) -> None:
        graph.remove((subject, predicate, None))
        for value in values:
            graph.add((subject, predicate, value))  # type: ignore[arg-type]

    return edit


def _add(subject: URIRef, predicate: URIRef, value: object) -> Edit:
    return lambda graph: graph.add((subject, predicate, value))  # type: ignore[arg-type]


def _remove(subject: URIRef | None, predicate: URIRef, value: object = None) -> Edit:
    return lambda graph: graph.remove((subject, predicate, value))  # type: ignore[arg-type]


def _first(graph: Graph, predicate: URIRef, value: object = None) -> URIRef:
    found = sorted(s for s in graph.subjects(predicate, value) if isinstance(s, URIRef))  # type: ignore[arg-type]
    assert found, predicate
    return found[0]


def _with_first(predicate: URIRef, value: object, then: Callable[[URIRef], Edit]) -> Edit:
    return lambda graph: then(_first(graph, predicate, value))(graph)


# Invented mutations (not real releases): (the component pyshacl must report, the edit).
MUTATIONS: dict[str, tuple[str, Edit]] = {
    "class": ("Class", _set(PROJECT, KG.implementer, BASE["place/guatemala-city"])),
    "datatype": ("Datatype", _set(PROJECT, SCHEMA.position, Literal("1"))),
    "datatype-integer-family": (
        "Datatype",
        _with_first(OA.start, None, lambda s: _set(s, OA.start, Literal("3", datatype=XSD.integer))),
    ),
    "min-count": ("MinCount", _remove(PROJECT, SCHEMA.name)),
    "max-count": ("MaxCount", _add(AMOUNT, KG.statedAs, Literal("sixty thousand dollars"))),
    "pattern": ("Pattern", _set(SOURCE, KG.sha256, Literal("XYZ"))),
    "pattern-of-an-iri": (
        "Pattern",
        _with_first(RDF.type, KG.Evidence, lambda e: _add(e, RDF.type, KG.Translation)),
    ),
    "node-kind": (
        "NodeKind",
        _with_first(KG.evidenceFor, None, lambda e: _set(e, KG.evidenceFor, Literal("x"))),
    ),
    "in": ("In", _set(AMOUNT, SCHEMA.currency, Literal("USD"))),
    "in-explicit-string": ("In", _set(AMOUNT, SCHEMA.currency, Literal("CAD", datatype=XSD.string))),
    "has-value": ("HasValue", _remove(PROJECT, RDF.type, PROV.Entity)),
    "language-in": ("LanguageIn", _add(PROJECT, SCHEMA.description, Literal("Polizei", lang="de"))),
    "unique-lang": ("UniqueLang", _add(PROJECT, SCHEMA.name, Literal("Police training, again", lang="en"))),
    "equals": ("Equals", _remove(PROJECT, SCHEMA.areaServed)),
    "equals-inverse-path": (
        "Equals",
        _with_first(RDF.type, KG.Evidence, lambda e: _add(RELEASE_NODE, KG.evidence, e)),
    ),
    "equals-sequence-path": ("Equals", _set(GRANT, KG.announcedIn, BASE["release/elsewhere"])),
    "equals-alternative-path": (
        "Equals",
        _with_first(ORG.unitOf, None, lambda o: _set(o, ORG.unitOf, BASE["organization/elsewhere"])),
    ),
    "disjoint": (
        "Disjoint",
        _with_first(KG.originalText, None, lambda c: _set(c, KG.correctedText, Literal("UNOCD"))),
    ),
    "less-than-or-equals": ("LessThanOrEquals", _set(SOURCE, KG.characterCount, Literal(99999))),
    "min-inclusive": ("MinInclusive", _set(RELEASE_NODE, KG.releaseNumber, Literal(0))),
    "min-length": ("MinLength", _set(AMOUNT, KG.statedAs, Literal(""))),
    "or": (
        "Or",
        _set(RELEASE_NODE, SCHEMA.datePublished, Literal("2011-06-22T20:45:00", datatype=XSD.dateTime)),
    ),
    "node": (
        "Node",
        _with_first(
            KG.annualCap, None, lambda p: lambda g: g.remove((g.value(p, KG.annualCap), KG.period, None))
        ),
    ),  # type: ignore[arg-type,return-value]
    "qualified-min-count": ("QualifiedMinCount", _set(GRANT, SCHEMA.funder, BASE["program/accbp"])),
    "qualified-max-count": (
        "QualifiedMaxCount",
        _with_first(RDF.type, ORG.FormalOrganization, lambda o: _add(o, RDF.type, ORG.OrganizationalUnit)),
    ),
    "inverse-path-count": (
        "MaxCount",
        _with_first(
            RDF.type, OA.TextQuoteSelector, lambda s: _add(BASE["evidence/another"], OA.hasSelector, s)
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_broken_component_is_found_and_reported_as_pyshacl_does(
    name: str, shapes: Graph, core: Compiled
) -> None:
    component, edit = MUTATIONS[name]
    data = fixture_graph(RELEASE)
    edit(data)
    report = _check(core, shapes, data)
    found = {(r.component or "").rsplit("#", 1)[-1] for r in report.results}
    # the same through validate_focus, whose query tests each focus node against the shapes that select it
    focus = {n for n in data.subjects() if isinstance(n, URIRef)}
    fast = validate_focus(data, focus, shapes)
    assert _sorted(fast) == _sorted(validate_focus(data, focus, shapes, engine="pyshacl"))
    assert f"{component}ConstraintComponent" in found, (name, sorted(found))


def test_terms_oxigraph_reads_otherwise_turn_the_fast_path_off() -> None:
    graph = Graph()
    subject = BASE["thing"]
    assert check_terms(graph).problem is None
    for term in (
        Literal("x", datatype=XSD.string),
        Literal("x", lang="EN"),
        Literal("5200000.00", datatype=XSD.decimal, normalize=False),
        Literal("2011-06-22T20:45:00+00:00", datatype=XSD.dateTime),
        Literal("abc", datatype=XSD.integer),
        Literal("1.5", datatype=XSD.float),
    ):
        graph = Graph()
        graph.add((subject, SCHEMA.name, term))
        assert check_terms(graph).problem is not None, term
    graph = Graph()
    graph.add((subject, OA.start, Literal("1", datatype=XSD.integer)))
    graph.add((subject, OA.start, Literal("2", datatype=XSD.nonNegativeInteger)))
    assert check_terms(graph).problem is not None
