"""The seed project built once for the proof tests, and `kg validate` run as a user runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="package")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's data, built once."""
    work = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data", work / "data")
    result = CliRunner().invoke(
        main, ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist"), "build"]
    )
    assert result.exit_code == 0, result.output
    return work


def validate(work: Path, path: Path, sources: Path | None = None) -> tuple[int, str]:
    args = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist"), "validate", str(path)]
    args += ["--sources", str(sources or work / "data" / "sources"), "--format", "json"]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output
