"""The kg command line, run as a user runs it (click's runner, real files in a temporary project)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's data, built once."""
    work = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data", work / "data")
    result = CliRunner().invoke(main, [*_dirs(work), "build"])
    assert result.exit_code == 0, result.output
    return work


def _dirs(work: Path) -> list[str]:
    return ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]


def run(work: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*_dirs(work), *args])
    return result.exit_code, result.stdout, result.stderr


def test_build_reports_and_writes_dist(workdir: Path) -> None:
    code, out, _ = run(workdir, "build")
    assert code == 0
    assert "triples in 3 named graphs" in out
    assert (workdir / "dist" / "kg.nq").is_file()


def test_validate_passes_on_the_built_graph(workdir: Path) -> None:
    code, out, _ = run(workdir, "validate")
    assert code == 0, out
    assert out.startswith("Conforms.")


def test_validate_fails_with_exit_1_and_reports_json(workdir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        "<https://w3id.org/kg-funding/project/x> a schema:Project .\n"
    )
    code, out, _ = run(workdir, "validate", str(bad), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert any("project/x" in r["focus"] for r in report["results"])


def test_validate_turtle_report_is_rdf(workdir: Path, tmp_path: Path) -> None:
    from rdflib import Graph

    code, out, _ = run(workdir, "validate", "--format", "turtle")
    assert code == 0
    assert len(Graph().parse(data=out, format="turtle")) > 0


def test_query_table_csv_json(workdir: Path) -> None:
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a schema:Project }"
    code, out, _ = run(workdir, "query", query)
    assert code == 0 and "13" in out and "(1 row)" in out
    code, out, _ = run(workdir, "query", query, "--format", "csv")
    assert out.splitlines() == ["n", "13"]
    code, out, _ = run(workdir, "query", query, "--format", "json")
    assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "13"


def test_query_from_file_and_construct(workdir: Path, tmp_path: Path) -> None:
    rq = tmp_path / "names.rq"
    rq.write_text(
        "PREFIX schema: <https://schema.org/>\n"
        "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Project ; schema:name ?n }"
    )
    code, out, _ = run(workdir, "query", str(rq), "--format", "turtle")
    assert code == 0
    assert out.count("schema:name") + out.count("<https://schema.org/name>") >= 1


def test_query_syntax_error_is_one_line_with_position(workdir: Path) -> None:
    code, _, err = run(workdir, "query", "SELECT * WHERE {\n  ?s ?p }")
    assert code == 2
    assert err.count("\n") == 1
    assert "2:" in err and "syntax error" in err


def test_bad_record_fails_cleanly_and_keeps_dist(workdir: Path) -> None:
    record = workdir / "data" / "releases" / "news-release-175-2011-06-22.yaml"
    before = {p.name: p.stat().st_mtime_ns for p in (workdir / "dist").iterdir()}
    original = record.read_text(encoding="utf-8")
    try:
        record.write_text(original.replace("- organization: iom", "- organization: iom2"), encoding="utf-8")
        code, _, err = run(workdir, "build")
    finally:
        record.write_text(original, encoding="utf-8")
    assert code == 2
    assert err.startswith("kg: error: ") and err.count("\n") == 1
    assert "news-release-175-2011-06-22.yaml:" in err and "unknown organization 'iom2'" in err
    assert {p.name: p.stat().st_mtime_ns for p in (workdir / "dist").iterdir()} == before


def test_missing_build_is_explained(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "query", "ASK {}")
    assert code == 2 and "run `kg build` first" in err
