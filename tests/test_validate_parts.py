"""``kg validate`` of a build, one release graph at a time and in parallel, finds what the whole-graph
validation finds: the same results, a rule across releases (a program's yearly cap) included."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset

from kg.add import publish
from kg.fragments import FOLDER, read_index
from kg.project import build_project, read_project
from kg.proof import prove, source_names
from kg.report import Report
from kg.settings import Settings
from kg.synth import synth_releases
from kg.textfiles import line_blocks
from kg.validate import data_graph, validate
from kg.validate_parts import _capped, validate_build

ROOT = Path(__file__).resolve().parents[1]
VALUE = "<https://schema.org/value>"
CAPPED_GRANT = """PREFIX kg: <https://w3id.org/kg-funding/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?g ?amount WHERE { GRAPH ?g { ?grant kg:fundingProgram ?program ; schema:amount ?amount .
  ?amount schema:value ?value } GRAPH ?h { ?program kg:annualCap ?cap } } ORDER BY ?g ?amount LIMIT 1"""


@pytest.fixture(scope="module", params=["value", "maxValue"])
def settings(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Settings:
    """The project with three synthetic releases, built, and one grant of a capped program raised far
    above the cap in its release graph (the fragment, and kg.nq, which the whole validation reads): its
    schema:value, or stated as an upper bound (schema:maxValue), which the cap rule sums too."""
    work = tmp_path_factory.mktemp("parts")
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    project = read_project(settings)
    existing = [release for release, _ in project.releases]
    for synthetic in synth_releases(3, seed=9, reference=project.reference, existing=existing):
        record, text = synthetic.write(work / "synth")
        shutil.copy(record, settings.releases_dir / record.name)
        shutil.copy(text, settings.sources_dir / text.name)
    dataset = build_project(settings)
    publish(settings, dataset)
    graph, amount = next(iter(dataset.query(CAPPED_GRANT)))  # type: ignore[misc]
    build = settings.dist_dir.resolve()
    fragment = build / FOLDER / read_index(build)[str(graph)].file  # type: ignore[index]
    line = re.compile(rf'^(<{re.escape(str(amount))}>) {VALUE} "[^"]*"', re.MULTILINE)
    raised = rf'\1 <https://schema.org/{request.param}> "900000000.0"'
    for path in (fragment, build / "kg.nq"):
        text, count = line.subn(raised, path.read_text(encoding="utf-8"))
        assert count == 1
        path.write_text(text, encoding="utf-8")
    return settings


def _whole(settings: Settings) -> Report:
    dataset = Dataset()
    dataset.parse(settings.dist_dir / "kg.nq", format="nquads")
    graph = data_graph(dataset)
    texts = {
        name: (settings.sources_dir / name).read_bytes() for name in source_names(graph).values() if name
    }
    return validate(graph).joined(prove(graph, texts))


def _keys(report: Report) -> set[tuple[str, str, str, str]]:
    return {(r.severity, r.focus, r.path or "", r.message) for r in report.results}


@pytest.mark.parametrize("jobs", [1, 2])
def test_parts_find_what_the_whole_graph_validation_finds(settings: Settings, jobs: int) -> None:
    parts = validate_build(settings.dist_dir.resolve(), settings.sources_dir, settings.base_iri, jobs=jobs)
    whole = _whole(settings)
    assert not parts.conforms and not whole.conforms
    assert _keys(parts) == _keys(whole)
    assert len(parts.results) == len(_keys(parts))  # each result once, though several parts saw it
    # The raised grant breaks its program's yearly cap, a rule across releases.
    capped = [r for r in parts.results if (r.shape or "").endswith("ProgramCapRule")]
    assert capped and "add up to 9" in capped[0].message, [r.message[:80] for r in parts.results]


def test_the_capped_programs_are_read_from_statements_only(tmp_path: Path) -> None:
    """Invented lines: the cap predicate's IRI inside a literal is no cap; a cap in any graph is one."""
    cap = "https://w3id.org/kg-funding/ontology#annualCap"
    graph, program = "https://example.org/graph/a", "https://example.org/program/p"
    lines = [
        f'<{program}> <https://schema.org/name> "says < {cap}> and <{cap}> " <{graph}> .',
        f"<{program}> <{cap}> <https://example.org/cap/1> <{graph}> .",
        f'<https://example.org/program/q> <https://schema.org/name> "q" <{graph}> .',
        f"<{program}> <{cap}> <https://example.org/cap/2> <https://example.org/graph/b> .",
    ]
    nquads = tmp_path / "kg.nq"
    nquads.write_text("\n".join(lines), encoding="utf-8")  # the last line without its end
    assert _capped(nquads) == {program: frozenset({"https://example.org/cap/1", "https://example.org/cap/2"})}
    blocks = list(line_blocks(nquads, size=50))
    assert b"".join(blocks) == nquads.read_bytes() and all(b.endswith(b"\n") for b in blocks[:-1])
    assert len(blocks) == len(lines)  # each line longer than a block: one block each
