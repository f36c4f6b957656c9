"""The ontology is OWL 2 DL (issue 10, item 6), checked by a real profile checker and reasoner.

``scripts/owl/OwlDlCheck.java`` runs the OWL API's OWL 2 DL profile checker and the HermiT reasoner, both in
the HermiT.jar that the owlready2 wheel ships (a test dependency), with a Java runtime (Debian
``default-jre-headless``, which ``.ci/run`` installs). On a machine without them the test skips and says
why; in CI (``CI`` set) a missing tool is a failure, so the check cannot silently stop running there.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.assets import ontology_path

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "scripts" / "owl" / "OwlDlCheck.java"


def _hermit_jar() -> Path | None:
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).parent / "hermit" / "HermiT.jar"
    return jar if jar.is_file() else None


def _tools() -> tuple[str, Path]:
    java, jar = shutil.which("java"), _hermit_jar()
    if java is None or jar is None:
        missing = "a Java runtime (apt-get install default-jre-headless)" if java is None else "owlready2"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the OWL 2 DL check, but {missing} is missing")
        pytest.skip(f"the OWL 2 DL check needs {missing}")
    return java, jar


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    java, jar = _tools()
    return subprocess.run(
        [java, "-cp", str(jar), str(CHECKER), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_ontology_is_owl2_dl() -> None:
    result = _check(ontology_path())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OWL 2 DL: yes")


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            (
                "kg:period a owl:DatatypeProperty",
                "kg:period rdfs:range xsd:duration .\nkg:period a owl:DatatypeProperty",
            ),
            "XMLSchema#duration",
        ),
        (
            (
                "kg:translatedProperty a owl:ObjectProperty",
                "kg:translatedProperty rdfs:range rdf:Property .\nkg:translatedProperty a owl:ObjectProperty",
            ),
            "rdf:Property",
        ),
    ],
    ids=["xsd-duration-range", "rdf-property-range"],
)
def test_the_checker_refuses_what_is_not_owl2_dl(tmp_path: Path, edit: tuple[str, str], reason: str) -> None:
    text = ontology_path().read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "kg.ttl"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    result = _check(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert reason in result.stdout
    assert result.stdout.strip().endswith("OWL 2 DL: no")
