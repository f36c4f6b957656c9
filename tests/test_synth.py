"""`kg synth`: deterministic, varied, and every record valid (read, checked, and conforming once built)."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract import extract_release
from kg.project import Project, build_project
from kg.settings import Settings
from kg.sources import check_release, read_release, read_source_text
from kg.synth import SynthRelease, existing_state, synth_releases
from kg.validate import data_graph
from kg.validate_parts import validate_graph

ROOT = Path(__file__).resolve().parents[1]


def _synth(project: Project, n: int, seed: int, **options: object) -> list[SynthRelease]:
    existing = [release for release, _ in project.releases]
    return synth_releases(n, seed=seed, reference=project.reference, existing=existing, **options)  # type: ignore[arg-type]


def test_same_seed_gives_the_same_bytes(project: Project) -> None:
    first = _synth(project, 6, seed=11)
    again = _synth(project, 6, seed=11)
    other = _synth(project, 6, seed=12)
    assert [(r.to_yaml(), r.source_text) for r in first] == [(r.to_yaml(), r.source_text) for r in again]
    assert [r.to_yaml() for r in first] != [r.to_yaml() for r in other]


def test_every_record_reads_and_checks_and_varies(project: Project, tmp_path: Path) -> None:
    releases = _synth(project, 40, seed=5)
    taken, _, _ = existing_state(release for release, _ in project.releases)
    ids, projects = [], []
    for synthetic in releases:
        record, text = synthetic.write(tmp_path)
        release = read_release(record)
        check_release(release, project.reference, read_source_text(text))
        ids.append(release.id)
        projects += list(release.projects)
        assert synthetic.to_yaml().startswith("# SYNTHETIC release record")
    project_ids = [p.id for p in projects]
    assert len(set(ids)) == len(ids) and len(set(project_ids)) == len(project_ids)
    assert not (set(ids) | set(project_ids)) & taken
    implementers = Counter(c.ref for p in projects for c in p.implementers)
    regions = Counter(c.ref for p in projects for c in p.regions)
    qualifiers = Counter(p.amount.qualifier for p in projects)
    assert (
        len(implementers) >= 6
        and len(regions) >= 10
        and set(qualifiers) == {"exact", "over", "approximately"}
    )
    assert {"accbp", "gpp"} <= {
        m.cited.ref for r in releases for m in read_release(tmp_path / f"{r.id}.yaml").programs
    }
    assert 3 * 40 <= len(projects) <= 13 * 40


def test_capped_program_stays_within_its_yearly_cap(project: Project, tmp_path: Path) -> None:
    """The seed states ACCBP's cap ($15 million a year) and spends about $5.1 million of it in 2011."""
    releases = _synth(project, 12, seed=3, years=(2011, 2011))
    records = [read_release(r.write(tmp_path)[0]) for r in releases]
    _, caps, used = existing_state([*(release for release, _ in project.releases), *records])
    assert caps == {"accbp": Decimal(15_000_000)}
    assert used[("accbp", 2011)] <= caps["accbp"]
    assert used[("gpp", 2011)] > 0  # the rest went to the uncapped program


def test_synthetic_releases_conform_to_the_shapes(tmp_path: Path, project: Project) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "data", dist_dir=tmp_path / "dist")
    supported = 0
    for synthetic in _synth(project, 6, seed=3):
        record, _ = synthetic.write(settings.releases_dir)
        (settings.releases_dir / synthetic.source_name).rename(settings.sources_dir / synthetic.source_name)
        supported += record.read_text(encoding="utf-8").count("instrument: unscr-1540")
    assert supported >= 2  # a release's and a project's: the quotes that once named no name of it
    # As `kg validate` checks it: the shapes, and every quote proved against its source text.
    report = validate_graph(data_graph(build_project(settings)), settings.sources_dir)
    assert report.conforms, report.as_text()


def test_cli_synth_writes_the_same_files_twice(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        result = CliRunner().invoke(main, ["synth", "2", "--seed", "9", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert "Wrote 2 synthetic releases" in result.output
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 4


@pytest.mark.parametrize("count", ["0", "-1"])
def test_cli_synth_needs_a_positive_count(count: str) -> None:
    assert CliRunner().invoke(main, ["synth", count]).exit_code == 2


def test_themes_are_those_kg_extract_reads_from_the_text(project: Project) -> None:
    """No theme is asserted: each is read from the synthetic text by the rule of `kg extract`."""
    for synthetic in _synth(project, 8, seed=21):
        draft = extract_release(
            synthetic.source_text, source_name=synthetic.source_name, reference=project.reference
        )
        mine = [(p["themes"], p["sectors"]) for p in synthetic.record["projects"]]
        assert mine == [(p["themes"], p["sectors"]) for p in draft.record["projects"]]
        assert all(themes for themes, _ in mine)
