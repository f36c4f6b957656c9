"""The SHACL-SPARQL constraints run on pyoxigraph (``kg.shacl_sparql``) report exactly what pyshacl reports
when it runs them itself (``engine="pyshacl"``): on every shapes fixture, the seed's graph and synthetic
builds whose totals and caps are broken; and what kg.shacl_sparql cannot run is refused or left to pyshacl."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from kg.add import publish
from kg.assets import load_shapes
from kg.formats import RdfFormat
from kg.fragments import FOLDER, read_index
from kg.project import build_project, read_project
from kg.report import Report, Violation
from kg.settings import Settings
from kg.shacl_sparql import split_shapes
from kg.store import KgStore
from kg.synth import synth_releases
from kg.validate import data_graph, validate, validate_focus
from kg.validate_parts import validate_build

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "shapes"))
from test_shapes import CONFORMING, VIOLATING, fixture_graph  # noqa: E402

EX = "http://example.org/"
NT = RdfFormat.NTRIPLES
PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = (
    PREFIXES
    + """
ex:a a ex:Thing ; ex:size "3.50"^^xsd:decimal ; ex:link ex:b .
ex:b a ex:Thing ; ex:size "12"^^xsd:integer .
ex:c ex:size "7"^^xsd:nonNegativeInteger .
"""
)


def _sorted(report: Report) -> tuple[bool, list[Violation]]:
    return report.conforms, sorted(report.results, key=repr)


def _same(data: Graph, shapes: Graph) -> Report:
    """Validate both ways; assert the two reports agree; return the pyoxigraph one."""
    fast = validate(data, shapes)
    assert _sorted(fast) == _sorted(validate(data, shapes, engine="pyshacl"))
    return fast


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def test_the_project_s_sparql_constraints_all_run_on_pyoxigraph(shapes: Graph) -> None:
    split = split_shapes(shapes)
    every = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#sparql")))
    assert len(every) >= 30 and {c.node for c in split.constraints} == every
    assert not set(split.shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#sparql")))


@pytest.mark.parametrize("path", CONFORMING + VIOLATING, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_reports_are_pyshacl_s(path: Path, shapes: Graph) -> None:
    report = _same(fixture_graph(path), shapes)
    assert report.conforms == (path.parent.name == "conforming")


def test_the_seed_graph_s_report_is_pyshacl_s(dataset: Dataset, shapes: Graph) -> None:
    _same(data_graph(dataset), shapes)


def test_focus_validation_is_pyshacl_s(shapes: Graph) -> None:
    data = fixture_graph(ROOT / "tests/shapes/violating/release-total-over.ttl")
    releases = set(data.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None))
    focus = {n for n in releases if isinstance(n, URIRef)}
    fast = validate_focus(data, focus, shapes)
    assert _sorted(fast) == _sorted(validate_focus(data, focus, shapes, engine="pyshacl"))
    assert any(r.component and r.component.endswith("SPARQLConstraintComponent") for r in fast.results)


# --- Synthetic builds with broken totals and caps ---

CAPPED_GRANT = """PREFIX kg: <https://w3id.org/kg-funding/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?g ?amount WHERE { GRAPH ?g { ?grant kg:fundingProgram ?program ; schema:amount ?amount .
  ?amount schema:value ?value } GRAPH ?h { ?program kg:annualCap ?cap } } ORDER BY ?g ?amount LIMIT 1"""
TOTALS = """PREFIX kg: <https://w3id.org/kg-funding/ontology#>
SELECT ?g ?total WHERE { GRAPH ?g { ?release kg:announcedTotal ?total } } ORDER BY ?g"""
FIGURE = r'(<https://schema.org/(?:value|minValue|maxValue)> )"[^"]*"'


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Five synthetic releases, built; a capped grant raised far over its cap, and the announced totals of
    the releases set to figures their grants cannot add up to (non-canonical decimals, as kg writes them)."""
    work = tmp_path_factory.mktemp("broken")
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    project = read_project(settings)
    existing = [release for release, _ in project.releases]
    for synthetic in synth_releases(5, seed=4, reference=project.reference, existing=existing):
        record, text = synthetic.write(work / "synth")
        shutil.copy(record, settings.releases_dir / record.name)
        shutil.copy(text, settings.sources_dir / text.name)
    dataset = build_project(settings)
    publish(settings, dataset)
    build = settings.dist_dir.resolve()
    index = read_index(build)
    assert index is not None
    edits = [(*next(iter(dataset.query(CAPPED_GRANT))), "900000000.0")]  # type: ignore[misc]
    totals = list(dataset.query(TOTALS))[:3]
    edits += [(g, t, f) for (g, t), f in zip(totals, ["1.50", "999999999.0", "2"], strict=True)]  # type: ignore[misc]
    assert len(edits) == 4
    for graph, node, figure in edits:
        line = re.compile(rf"^(<{re.escape(str(node))}> ){FIGURE}", re.MULTILINE)
        for path in (build / FOLDER / index[str(graph)].file, build / "kg.nq"):
            text, count = line.subn(rf'\1\2"{figure}"', path.read_text(encoding="utf-8"))
            assert count >= 1, (node, path)
            path.write_text(text, encoding="utf-8")
    return settings


def test_broken_builds_report_what_pyshacl_reports(broken: Settings) -> None:
    build, sources, base = broken.dist_dir.resolve(), broken.sources_dir, broken.base_iri
    fast = validate_build(build, sources, base, jobs=1)
    assert _sorted(fast) == _sorted(validate_build(build, sources, base, jobs=1, engine="pyshacl"))
    shapes = {(r.shape or "").rsplit("#", 1)[-1] for r in fast.results}
    assert {"ProgramCapRule", "ReleaseTotalRule"} <= shapes, shapes
    # The data's lexical form, not Oxigraph's canonical one ("999999999").
    assert any("999999999.0 CAD" in r.message for r in fast.results), [r.message for r in fast.results]


def test_the_whole_broken_graph_s_report_is_pyshacl_s(broken: Settings, shapes: Graph) -> None:
    dataset = Dataset()
    dataset.parse(broken.dist_dir / "kg.nq", format="nquads")
    report = _same(data_graph(dataset), shapes)
    assert not report.conforms


# --- What kg.shacl_sparql supports, refuses or leaves to pyshacl ---


def _shapes(select: str, extra: str = "", message: str = 'sh:message "{?value} has size {?size}"') -> Graph:
    text = (
        PREFIXES
        + f"""
ex:Rule a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql ex:Big .
ex:Big a sh:SPARQLConstraint ; {message} ;
    sh:select \"\"\"{select}\"\"\" .
{extra}"""
    )
    return Graph().parse(data=text, format="turtle")


BIG = "SELECT $this ?size WHERE { $this <http://example.org/size> ?size . FILTER(?size > 3) }"


def test_values_and_messages_keep_the_data_s_lexical_forms() -> None:
    report = _same(Graph().parse(data=DATA, format="turtle"), _shapes(BIG))
    assert sorted(r.message for r in report.results) == [f"{EX}a has size 3.50", f"{EX}b has size 12"]
    assert {r.shape for r in report.results} == {EX + "Rule"}


@pytest.mark.parametrize(
    "extra",
    [
        "ex:Rule sh:severity sh:Warning .",
        'ex:Rule sh:message "the rule\'s own message about {$this}" .',
        "ex:Rule sh:deactivated true .",
        'ex:Big sh:deactivated "true"^^xsd:boolean .',
        "ex:Thing a rdfs:Class . ex:Sub rdfs:subClassOf ex:Thing .",
        "ex:Rule sh:targetNode ex:c , ex:nowhere .",
        "ex:Rule a rdfs:Class .",  # an implicit class target (ex:e)
        "ex:Rule sh:targetSubjectsOf ex:size ; sh:targetObjectsOf ex:link .",
        "ex:Outer sh:targetNode ex:c ; sh:node ex:Rule .",  # nested: pyshacl runs it
    ],
)
def test_shape_features_are_reported_as_pyshacl_does(extra: str) -> None:
    data = Graph().parse(
        data=DATA + "ex:d a ex:Sub ; ex:size 40 . ex:e a ex:Rule ; ex:size 9 .", format="turtle"
    )
    _same(data, _shapes(BIG, extra))


def test_a_nested_shape_s_constraints_stay_with_pyshacl() -> None:
    shapes = _shapes(BIG, "ex:Outer sh:targetNode ex:c ; sh:node ex:Rule .")
    assert not split_shapes(shapes).constraints


@pytest.mark.parametrize(
    ("select", "refused"),
    [
        ("SELECT $this WHERE { $this $PATH ?v }", "$PATH"),
        ("SELECT $this WHERE { $this ?p $shapesGraph }", "$shapesGraph"),
        ("SELECT $this ?failure WHERE { $this ?p ?o BIND(true AS ?failure) }", "?failure"),
        ("SELECT $this WHERE { $this ?p ?o { SELECT $this WHERE { $this ?q ?r } } }", "nested SELECT"),
        ("SELECT $this WHERE { $this ?p ?o MINUS { $this a ?c } }", "MINUS"),
        ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
        ("SELECT $this WHERE { SERVICE <http://example.org/sparql> { $this ?p ?o } }", "SERVICE"),
        ("SELECT $this (?o AS $this) WHERE { $this ?p ?o }", "AS rebinding"),
    ],
)
def test_what_cannot_run_on_pyoxigraph_is_refused_by_name(select: str, refused: str) -> None:
    with pytest.raises(ValueError, match=re.escape(refused)) as error:
        split_shapes(_shapes(select))
    assert f"<{EX}Big> of <{EX}Rule>" in str(error.value)


def test_a_constraint_without_message_is_refused() -> None:
    with pytest.raises(ValueError, match="no sh:message"):
        split_shapes(_shapes(BIG, message="sh:name 'big'"))


def test_the_store_pre_binds_a_variable() -> None:
    store = KgStore()
    store.load(Graph().parse(data=DATA, format="turtle").serialize(format="nt", encoding="utf-8"), NT)
    query = "SELECT $this ?size WHERE { $this <http://example.org/size> ?size }"
    rows = store.query(query, union=False, substitutions={"this": EX + "b"}).records()
    assert rows == [{"this": EX + "b", "size": "12"}]
