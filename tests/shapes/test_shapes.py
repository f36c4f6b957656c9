"""The SHACL shapes in shapes/: fixtures that must conform, fixtures that must fail, and the built graph.

Fixture convention (tests/shapes/{conforming,violating}/*.ttl, data only, Turtle):

* ``# include: other.ttl`` (a path relative to the fixture) adds another fixture's data first, so a fixture
  can build on the complete world of ``conforming/reference.ttl`` and ``conforming/release.ttl``;
* ``# expect: SHAPE PATH CONSTRAINT`` (violating fixtures, one line per expected result) names a result that
  validation must report: SHAPE is the node shape (for a result of one of its property shapes, the node shape
  that holds it), PATH the result path (``-`` when there is none; ``^p`` an inverse path, ``p/q`` a sequence,
  ``(p|q)`` alternatives), CONSTRAINT the constraint component (``sh:MinCountConstraintComponent``) or, for
  SHACL-SPARQL, the ``sh:SPARQLConstraint`` itself (``kgsh:ReleaseTotalOver``).

A violating fixture may cause other results too; what it must cause is listed. Coverage tests check that every
node shape, every property shape and every SPARQL constraint is expected by some violating fixture, so a
constraint that can never fire (pitfalls.md item 1) fails a test instead of passing silently.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from kg.assets import load_shapes
from kg.project import build_project
from kg.report import Report
from kg.settings import Settings
from kg.validate import data_graph, validate
from kg.vocab import KG, PREFIXES, SCHEMA

HERE = Path(__file__).resolve().parent
CONFORMING = sorted((HERE / "conforming").glob("*.ttl"))
VIOLATING = sorted((HERE / "violating").glob("*.ttl"))
KGSH = Namespace("https://w3id.org/kg-funding/shapes#")
NAMESPACES = {**PREFIXES, "kgsh": str(KGSH)}
HEADER = re.compile(r"^#\s*(include|expect):\s*(.*?)\s*$")
# Keys of a shape that are not constraint parameters.
NOT_CONSTRAINTS = {
    SH.path,
    SH.message,
    SH.name,
    SH.description,
    SH.severity,
    SH.deactivated,
    SH.flags,
    SH.order,
    SH.group,
    SH.property,
    SH.sparql,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
BUILT_GRAPH_CPU_SECONDS = 20  # about 2 s here; the bound only catches shapes that make pyshacl crawl


# --- Reading fixtures ---


@dataclass(frozen=True)
class Expectation:
    shape: URIRef
    path: str | None
    constraint: URIRef

    def __str__(self) -> str:
        return f"{qname(self.shape)} {self.path or '-'} {qname(self.constraint)}"


@dataclass(frozen=True)
class Fixture:
    path: Path
    includes: tuple[Path, ...]
    expectations: tuple[Expectation, ...]


def expand(token: str) -> URIRef:
    prefix, sep, local = token.partition(":")
    if not sep or prefix not in NAMESPACES:
        raise ValueError(f"not a known prefixed name: {token!r}")
    return URIRef(NAMESPACES[prefix] + local)


def qname(node: Node) -> str:
    text = str(node)
    for prefix, ns in sorted(NAMESPACES.items(), key=lambda item: -len(item[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


@cache
def read_fixture(path: Path) -> Fixture:
    includes: list[Path] = []
    expectations: list[Expectation] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if match is None:
            continue
        kind, value = match.groups()
        if kind == "include":
            included = (path.parent / value).resolve()
            assert included.is_file(), f"{path.name}: no such include {value}"
            includes.append(included)
        else:
            shape, fpath, constraint = value.split()
            expectations.append(
                Expectation(expand(shape), None if fpath == "-" else fpath, expand(constraint))
            )
    return Fixture(path, tuple(includes), tuple(expectations))


def fixture_graph(path: Path, seen: frozenset[Path] = frozenset()) -> Graph:
    """The fixture's data with everything it includes (each file once)."""
    graph = Graph()
    for included in read_fixture(path).includes:
        if included not in seen:
            graph += fixture_graph(included, seen | {path})
    graph.parse(path, format="turtle")
    return graph


# --- Reading shapes and reports ---


def render_path(graph: Graph, node: Node) -> str:
    """A SHACL property path in the notation of the expectations."""
    if isinstance(node, URIRef):
        return qname(node)
    if (inverse := graph.value(node, SH.inversePath)) is not None:
        return "^" + render_path(graph, inverse)
    if (alternatives := graph.value(node, SH.alternativePath)) is not None:
        return "(" + "|".join(render_path(graph, n) for n in Collection(graph, alternatives)) + ")"
    if graph.value(node, RDF.first) is not None:
        return "/".join(render_path(graph, n) for n in Collection(graph, node))
    raise AssertionError(f"path form not supported by the expectations: {node}")


@dataclass(frozen=True)
class Result:
    shapes: frozenset[URIRef]  # the named node shape(s) the result comes from
    path: str | None
    constraints: frozenset[URIRef]  # its constraint component and, for SHACL-SPARQL, its constraint
    message: str

    def matches(self, expected: Expectation) -> bool:
        return (
            expected.shape in self.shapes
            and expected.path == self.path
            and expected.constraint in self.constraints
        )


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()


def node_shapes(shapes: Graph) -> set[URIRef]:
    """Named node shapes with a target: the ones the coverage tests are about."""
    return {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and any(shapes.value(s, t) is not None for t in TARGETS)
    }


def owners(shapes: Graph, shape: Node) -> frozenset[URIRef]:
    if isinstance(shape, URIRef) and (shape, RDF.type, SH.NodeShape) in shapes:
        return frozenset({shape})
    return frozenset(s for s in shapes.subjects(SH.property, shape) if isinstance(s, URIRef))


def results(report: Report, shapes: Graph) -> list[Result]:
    graph = report.graph
    found = []
    for result in graph.objects(None, SH.result):
        source = graph.value(result, SH.sourceShape)
        path = graph.value(result, SH.resultPath)
        constraints = {
            graph.value(result, SH.sourceConstraintComponent),
            graph.value(result, SH.sourceConstraint),
        }
        found.append(
            Result(
                shapes=owners(shapes, source),
                path=None if path is None else render_path(graph, path),
                constraints=frozenset(c for c in constraints if isinstance(c, URIRef)),
                message="; ".join(str(m) for m in graph.objects(result, SH.resultMessage)),
            )
        )
    return found


def describe(found: list[Result]) -> str:
    lines = sorted(
        f"  {' '.join(sorted(map(qname, r.shapes)))} {r.path or '-'} "
        f"{' '.join(sorted(map(qname, r.constraints)))}: {r.message}"
        for r in found
    )
    return "\n".join(lines) or "  (no results)"


# --- Fixtures ---


def test_fixture_folders_are_not_empty():
    assert CONFORMING and VIOLATING


@pytest.mark.parametrize("path", CONFORMING, ids=lambda p: p.stem)
def test_conforming_fixture_conforms(path, shapes):
    fixture = read_fixture(path)
    assert not fixture.expectations, f"{path.name}: a conforming fixture expects no results"
    report = validate(fixture_graph(path), shapes)
    assert report.conforms, f"{path.name} does not conform:\n{describe(results(report, shapes))}"


@pytest.mark.parametrize("path", VIOLATING, ids=lambda p: p.stem)
def test_violating_fixture_reports_what_it_expects(path, shapes):
    fixture = read_fixture(path)
    assert fixture.expectations, f"{path.name}: a violating fixture needs at least one '# expect:' line"
    report = validate(fixture_graph(path), shapes)
    assert not report.conforms, f"{path.name} conforms, but must not"
    found = results(report, shapes)
    missing = [str(e) for e in fixture.expectations if not any(r.matches(e) for r in found)]
    assert not missing, (
        f"{path.name}: expected results not reported:\n  "
        + "\n  ".join(missing)
        + f"\nreported:\n{describe(found)}"
    )


# --- Coverage: no shape, property shape or SPARQL constraint that nothing shows can fire ---


def all_expectations() -> list[Expectation]:
    return [e for path in VIOLATING for e in read_fixture(path).expectations]


def components(shapes: Graph, shape: Node) -> set[URIRef]:
    """The constraint components a shape uses: sh:minCount -> sh:MinCountConstraintComponent, and so on."""
    found = set()
    for predicate in set(shapes.predicates(shape, None)):
        if str(predicate).startswith(str(SH)) and predicate not in NOT_CONSTRAINTS:
            name = str(predicate)[len(str(SH)) :]
            found.add(SH[f"{name[0].upper()}{name[1:]}ConstraintComponent"])
    return found


def test_every_node_shape_is_expected_by_a_violating_fixture(shapes):
    expected = {e.shape for e in all_expectations()}
    missing = sorted(qname(s) for s in node_shapes(shapes) - expected)
    assert not missing, f"node shapes no violating fixture expects: {missing}"


def test_every_property_shape_is_expected_by_a_violating_fixture(shapes):
    expectations = all_expectations()
    missing = []
    for node_shape in node_shapes(shapes):
        for prop in shapes.objects(node_shape, SH.property):
            path = render_path(shapes, shapes.value(prop, SH.path))
            comps = components(shapes, prop)
            if not any(
                e.shape == node_shape and e.path == path and e.constraint in comps for e in expectations
            ):
                missing.append(f"{qname(node_shape)} {path} {sorted(map(qname, comps))}")
    assert not missing, "property shapes no violating fixture expects:\n" + "\n".join(sorted(missing))


def test_every_node_level_constraint_is_expected_by_a_violating_fixture(shapes):
    expectations = all_expectations()
    missing = []
    for node_shape in node_shapes(shapes):
        comps = components(shapes, node_shape)
        if comps and not any(
            e.shape == node_shape and e.path is None and e.constraint in comps for e in expectations
        ):
            missing.append(f"{qname(node_shape)} {sorted(map(qname, comps))}")
    assert not missing, f"node-level constraints no violating fixture expects: {missing}"


def test_every_sparql_constraint_is_expected_by_a_violating_fixture(shapes):
    expected = {e.constraint for e in all_expectations()}
    constraints = {c for c in shapes.objects(None, SH.sparql) if isinstance(c, URIRef)}
    assert constraints, "no named SPARQL constraints found"
    missing = sorted(qname(c) for c in constraints - expected)
    assert not missing, f"SPARQL constraints no violating fixture expects: {missing}"


def test_expectations_name_real_shapes_and_constraints(shapes):
    named = node_shapes(shapes)
    sparql = set(shapes.objects(None, SH.sparql))
    for e in all_expectations():
        assert e.shape in named, f"no node shape {qname(e.shape)}"
        assert e.constraint in sparql or str(e.constraint).endswith("ConstraintComponent"), str(e)


def test_every_node_shape_has_a_focus_node_in_a_conforming_fixture(shapes):
    data = Graph()
    for path in CONFORMING:
        data += fixture_graph(path)
    missing = []
    for node_shape in node_shapes(shapes):
        classes = list(shapes.objects(node_shape, SH.targetClass))
        assert classes, f"{qname(node_shape)}: shapes here target classes only"
        if not any(data.value(None, RDF.type, c) is not None for c in classes):
            missing.append(qname(node_shape))
    assert not missing, f"node shapes without a conforming focus node: {sorted(missing)}"


# --- The shapes themselves ---


def test_every_constraint_has_a_message(shapes):
    missing = []
    for node_shape in node_shapes(shapes):
        if components(shapes, node_shape) and shapes.value(node_shape, SH.message) is None:
            missing.append(qname(node_shape))
        for prop in shapes.objects(node_shape, SH.property):
            if shapes.value(prop, SH.message) is None:
                missing.append(f"{qname(node_shape)} {render_path(shapes, shapes.value(prop, SH.path))}")
        for constraint in shapes.objects(node_shape, SH.sparql):
            if shapes.value(constraint, SH.message) is None:
                missing.append(qname(constraint))
    assert not missing, f"constraints without sh:message: {missing}"


def test_sparql_node_shapes_carry_no_node_message(shapes):
    """pyshacl adds a node shape's sh:message to every result of its SPARQL constraints: keep them apart."""
    mixed = [
        qname(s) for s in node_shapes(shapes) if shapes.value(s, SH.sparql) and shapes.value(s, SH.message)
    ]
    assert not mixed


THIS_IN_TRIPLE = re.compile(r"\$this\s+[^\s.;,{}()]\S*\s+\S|[^\s{}]+\s+[^\s{}]+\s+\$this\s*[.;,}]")


def where_block(select: str) -> str:
    """The top-level WHERE group of a SELECT, without GROUP BY / HAVING."""
    return select[select.index("WHERE") : select.rindex("}") + 1]


def test_this_in_triple_check_tells_the_pitfall_apart():
    pitfall = "SELECT $this WHERE { { SELECT (SUM(?v) AS ?t) WHERE { ?g ?p ?v } } FILTER(?t < 5200000) }"
    grouped = "SELECT $this WHERE { ?g ?p ?v } GROUP BY $this ?v HAVING (SUM(?v) < 5)"
    assert not THIS_IN_TRIPLE.search(where_block(pitfall))
    assert not THIS_IN_TRIPLE.search(where_block(grouped))
    assert THIS_IN_TRIPLE.search(where_block("SELECT $this WHERE { $this a kg:Project . }"))
    assert THIS_IN_TRIPLE.search(where_block("SELECT $this WHERE { ?g kg:announcedIn $this ; a ?c }"))


def test_every_sparql_query_uses_this_in_a_triple_pattern(shapes):
    """pitfalls.md item 1: without $this in a triple pattern, pyshacl reports nothing."""
    for constraint in shapes.objects(None, SH.sparql):
        select = str(shapes.value(constraint, SH.select))
        assert THIS_IN_TRIPLE.search(where_block(select)), f"{qname(constraint)}: $this in no triple pattern"
        assert shapes.value(constraint, SH.prefixes) is not None, qname(constraint)


def test_shapes_use_only_shacl_terms(shapes):
    """A misspelt parameter (sh:minCout) would be ignored silently."""
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(str(SH))}
    unknown = sorted(str(t) for t in used if t not in SH)
    assert not unknown


def test_shapes_name_classes_and_properties_of_the_data(shapes, built):
    """Every class and property a shape names occurs in the built graph or a conforming fixture (no typos)."""
    data = data_graph(built)
    for path in CONFORMING:
        data += fixture_graph(path)
    types = set(data.objects(None, RDF.type))
    predicates = set(data.predicates())
    for cls in set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"])):
        assert cls in types, f"no instance of {qname(cls)}"
    for path in shapes.objects(None, SH.path):
        for node in [path, *shapes.objects(path, SH.inversePath)]:
            if isinstance(node, URIRef):
                assert node in predicates, f"no triple uses {qname(node)}"


# --- The built graph ---


@pytest.fixture(scope="session")
def built():
    return build_project(Settings())


def test_built_graph_conforms_in_a_few_seconds(built, shapes):
    start = time.process_time()  # CPU time: the bound holds on a busy machine too
    report = validate(built, shapes)
    seconds = time.process_time() - start
    assert report.conforms, report.as_text()
    assert seconds < BUILT_GRAPH_CPU_SECONDS, f"validation took {seconds:.1f} s of CPU"


def amount_with(graph: Graph, prop: URIRef, value: int) -> Node:
    matches = [s for s, o in graph.subject_objects(prop) if o.toPython() == Decimal(value)]
    assert len(matches) == 1, f"{len(matches)} amounts with {qname(prop)} {value}"
    return matches[0]


def test_seed_total_rule_fires_when_a_grant_figure_is_lowered(built, shapes):
    """The seed's 13 figures add up to 5,276,000 CAD ("over $5.2 million") until 2,000,000 -> 1,900,000."""
    graph = data_graph(built)
    amount = amount_with(graph, SCHEMA.minValue, 2_000_000)
    graph.set((amount, SCHEMA.minValue, Literal("1900000", datatype=XSD.decimal)))
    found = results(validate(graph, shapes), shapes)
    total = [r for r in found if KGSH.ReleaseTotalOver in r.constraints]
    assert len(total) == 1, describe(found)
    assert "5176000" in total[0].message and "over $5.2" in total[0].message
    assert all(KGSH.ReleaseTotalOver in r.constraints for r in found), describe(found)


def test_seed_cap_rule_fires_when_accbp_exceeds_its_cap_in_2011(built, shapes):
    """ACCBP's 2011 grants add up to 5,191,000 CAD; a 10,000,000 grant more passes its 15,000,000 cap."""
    graph = data_graph(built)
    grant = amount_with(graph, SCHEMA.minValue, 2_000_000)  # the Interpol grant's amount
    grant = graph.value(None, SCHEMA.amount, grant)
    accbp = graph.value(grant, KG.fundingProgram)
    assert str(accbp).endswith("/program/accbp")
    extra, amount = URIRef(f"{grant}-second-phase"), BNode()
    for p, o in graph.predicate_objects(grant):
        if p not in (SCHEMA.amount, KG.evidence):
            graph.add((extra, p, o))
    graph.add((extra, SCHEMA.amount, amount))
    graph.add((amount, SCHEMA.value, Literal("10000000", datatype=XSD.decimal)))
    found = results(validate(graph, shapes), shapes)
    cap = [r for r in found if KGSH.ProgramYearWithinCap in r.constraints]
    assert len(cap) == 1, describe(found)
    assert "2011" in cap[0].message and "15191000" in cap[0].message.replace(".0", "")
