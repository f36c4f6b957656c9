"""What the graph states for real releases' records (RECORD-CHANGES.md points 1-6), end to end.

The records are the INVENTED TEST FIXTURES of tests/sources/records/ (made-up releases; a real one is being
collected), added to a copy of the project's data: ``kg build`` then ``kg validate`` must conform, and the
seed's named graph must not change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.project import build_project
from kg.settings import DEFAULT_BASE_IRI, Settings
from kg.vocab import KG, OA, RDFS, SCHEMA, XSD

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "sources" / "records"
TOTAL_ONLY = "invented-2012-04-30-justice-reform"
BODY_GRANTS = "invented-2012-03-05-human-trafficking"
SEED = "news-release-175-2011-06-22"
BASE = DEFAULT_BASE_IRI


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    work = tmp_path_factory.mktemp("record-changes")
    shutil.copytree(ROOT / "data", work / "data")
    for name in (TOTAL_ONLY, BODY_GRANTS):
        shutil.copy(RECORDS / f"{name}.yaml", work / "data" / "releases")
        shutil.copy(RECORDS / f"{name}.txt", work / "data" / "sources")
    return Settings(data_dir=work / "data", dist_dir=work / "dist")


@pytest.fixture(scope="module")
def built(invented: Settings) -> Dataset:
    return build_project(invented)


def named(dataset: Dataset, key: str) -> Graph:
    graph = Graph()
    for triple in dataset.graph(URIRef(f"{BASE}graph/{key}")):
        graph.add(triple)
    return graph


def node(kind: str, key: str) -> URIRef:
    return URIRef(f"{BASE}{kind}/{key}")


def test_kg_build_then_kg_validate_conform(invented: Settings) -> None:
    runner = CliRunner()
    options = ["--data-dir", str(invented.data_dir), "--dist-dir", str(invented.dist_dir)]
    build = runner.invoke(main, [*options, "build"])
    assert build.exit_code == 0, build.output
    validate = runner.invoke(main, [*options, "validate"])
    assert validate.exit_code == 0, validate.output
    assert "Conforms" in validate.output


def test_unnumbered_release_has_no_number_and_a_date_alone(built: Dataset) -> None:
    graph = named(built, TOTAL_ONLY)
    release = node("release", TOTAL_ONLY)
    assert graph.value(release, KG.releaseNumber) is None
    assert graph.value(release, SCHEMA.identifier) is None
    assert graph.value(release, SCHEMA.datePublished) == Literal("2012-04-30", datatype=XSD.date)
    # A total and no project: the total is stated, nothing is invented to add up to it.
    assert graph.value(release, KG.announcedTotal) is not None
    assert not list(graph.subjects(KG.announcedIn, release))


def test_the_seed_keeps_its_number_date_time_and_graph(built: Dataset, dataset: Dataset) -> None:
    release = node("release", SEED)
    graph = named(built, SEED)
    assert graph.value(release, KG.releaseNumber) == Literal(175)
    assert graph.value(release, SCHEMA.datePublished).datatype == XSD.dateTime  # type: ignore[union-attr]
    assert isomorphic(graph, named(dataset, SEED))
    # The reference graph only gains the two entries the invented record proposes.
    added = named(built, "reference") - named(dataset, "reference")
    assert {s for s in added.subjects()} == {
        node("organization", "justice-education-society"),
        node("place", "san-salvador"),
    }
    assert not named(dataset, "reference") - named(built, "reference")


def test_proposed_entries_are_reference_data_with_their_evidence_in_the_release(built: Dataset) -> None:
    org = node("organization", "justice-education-society")
    reference, release_graph = named(built, "reference"), named(built, BODY_GRANTS)
    assert reference.value(org, SCHEMA.name) == Literal(
        "Justice Education Society of British Columbia", lang="en"
    )
    assert (org, KG.evidence, None) not in reference
    evidence = node("evidence", "organization-justice-education-society-name")
    assert (org, KG.evidence, evidence) in release_graph
    assert release_graph.value(evidence, KG.evidenceField) == Literal("name")
    quote = URIRef(f"{evidence}#quote")
    assert "Justice Education Society of British Columbia (JES)" in str(release_graph.value(quote, OA.exact))
    place = node("place", "san-salvador")
    assert (node("release", BODY_GRANTS), SCHEMA.locationCreated, place) in release_graph
    assert reference.value(place, SCHEMA.containedInPlace) == node("country", "sv")


def test_body_projects_are_titled_by_their_purpose_with_a_note(built: Dataset) -> None:
    graph = named(built, BODY_GRANTS)
    project = node("project", "human-counter-trafficking-structures-in-el-salvador")
    assert graph.value(project, SCHEMA.position) == Literal(1)
    assert graph.value(project, SCHEMA.description) is None
    title = node("evidence", "project-human-counter-trafficking-structures-in-el-salvador-title")
    assert "no title" in str(graph.value(title, RDFS.comment))
    # The release names one program: the project's, with the note of the attribution rule.
    program = node("evidence", "project-human-counter-trafficking-structures-in-el-salvador-program")
    assert graph.value(program, KG.evidenceValue) == node("program", "accbp")
    assert graph.value(program, RDFS.comment) is not None
    assert graph.value(project, KG.beneficiaryRegion) == node("country", "sv")


def test_english_only_releases_have_no_french_text(built: Dataset) -> None:
    for key in (TOTAL_ONLY, BODY_GRANTS):
        graph = named(built, key)
        languages = {o.language for o in graph.objects() if isinstance(o, Literal) and o.language}
        assert languages == {"en"}, (key, languages)
        assert not list(graph.subjects(KG.translationOf, None))
    # The seed, which has the kg project's French translation, keeps it.
    seed = named(built, SEED)
    assert any(isinstance(o, Literal) and o.language == "fr" for o in seed.objects())


def _unstated(record: dict[str, object]) -> dict[str, object]:
    """The body-grants release as a copy with no headline, program, publisher, minister or region would be."""
    record = dict(record)
    for key in ("headline", "programs", "publisher", "announced_by"):
        record.pop(key, None)
    record["id"] = "invented-2012-03-05-nothing-unstated"
    record["projects"] = [{**p, "regions": []} for p in record["projects"]]  # type: ignore[attr-defined]
    return record


def test_a_release_stating_no_program_region_or_headline_is_built_without_them(tmp_path: Path) -> None:
    """Nothing unstated is made up: no program (the mapping once took the release's first program and failed
    with an IndexError), no region, no headline, no publisher; `kg validate` conforms."""
    import yaml

    work = tmp_path / "work"
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copy(RECORDS / f"{BODY_GRANTS}.txt", work / "data" / "sources")
    record = yaml.safe_load((RECORDS / f"{BODY_GRANTS}.yaml").read_text(encoding="utf-8"))
    (work / "data" / "releases" / "unstated.yaml").write_text(
        yaml.safe_dump(_unstated(record)), encoding="utf-8"
    )
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    dataset = build_project(settings)
    graph = dataset.graph(URIRef(f"{BASE}graph/invented-2012-03-05-nothing-unstated"))
    release = URIRef(f"{BASE}release/invented-2012-03-05-nothing-unstated")
    for prop in (KG.program, SCHEMA.headline, SCHEMA.name, SCHEMA.publisher, KG.announcedBy):
        assert graph.value(release, prop) is None, prop
    projects = list(graph.subjects(KG.announcedIn, release))
    assert projects
    for node in projects:
        assert graph.value(node, KG.fundedThrough) is None and graph.value(node, KG.beneficiaryRegion) is None
        assert graph.value(node, KG.fundingProgram) is None
    grants = [g for g in projects if (g, SCHEMA.fundedItem, None) in graph]
    assert {o for g in grants for o in graph.objects(g, SCHEMA.funder)} == {
        URIRef(f"{BASE}organization/government-of-canada")
    }
    dirs = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]
    assert CliRunner().invoke(main, [*dirs, "build"]).exit_code == 0
    validated = CliRunner().invoke(main, [*dirs, "validate"])
    assert validated.exit_code == 0, validated.output
