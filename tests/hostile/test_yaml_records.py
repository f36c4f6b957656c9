"""Hostile release records: ``kg add`` and ``kg build`` answer each with one line and exit 2, in bounded time.

Each payload reproduces a finding of issue 13 ("Files a user or operator hands to kg"); docs/security.md lists
them. The commands run in a child process with a deadline, so a regression fails instead of hanging.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .support import ROOT, assert_one_line_error, kg


def alias_bomb() -> str:
    """Nine levels of nine aliases (the 478-byte record of the issue): 9**9 values when expanded."""
    lines = ["id: bomb", 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [{','.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


PAYLOADS = {
    "alias-bomb": alias_bomb(),
    "nul-in-comment": "id: x\n# a \x00 in a comment\n",
    "escape-byte": "id: x\ntitle: \x1b[31mred\n",
    "bell-byte": "id: x\n\n# \x07\n",
    "deep-brackets": "id: " + "[" * 100_000 + "\n",
    "deep-but-parseable": "id: " + "[" * 500 + "]" * 500 + "\n",
    "huge-integer": "id: x\namount: " + "9" * 5000 + "\n",
}
LINES = {"nul-in-comment": 2, "escape-byte": 2, "bell-byte": 3, "huge-integer": 2, "alias-bomb": 2}


def test_the_alias_bomb_is_the_small_file_of_the_issue() -> None:
    assert len(alias_bomb().encode()) < 480
    assert alias_bomb().count("*a") == 81


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_kg_add_refuses_a_hostile_record_on_one_line(name: str, tmp_path: Path) -> None:
    record = tmp_path / f"{name}.yaml"
    record.write_text(PAYLOADS[name], encoding="utf-8")
    ran = kg(
        "--data-dir", str(ROOT / "data"), "--dist-dir", str(tmp_path / "dist"), "add", str(record),
        cwd=tmp_path, timeout=30,
    )  # fmt: skip
    line = assert_one_line_error(ran, str(record))
    if name in LINES:
        assert f"{record}:{LINES[name]}:" in line


def test_kg_add_refuses_an_oversized_record(tmp_path: Path) -> None:
    record = tmp_path / "big.yaml"
    record.write_text("id: x\n" + "# padding padding padding\n" * 400_000, encoding="utf-8")
    ran = kg(
        "--data-dir", str(ROOT / "data"), "--dist-dir", str(tmp_path / "dist"), "add", str(record),
        cwd=tmp_path, timeout=30,
    )  # fmt: skip
    assert "MB" in assert_one_line_error(ran, str(record))


@pytest.mark.parametrize("name", ["alias-bomb", "nul-in-comment", "deep-brackets"])
def test_kg_build_refuses_a_hostile_record_in_data(name: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    record = tmp_path / "data" / "releases" / f"{name}.yaml"
    record.write_text(PAYLOADS[name], encoding="utf-8")
    ran = kg(
        "--data-dir", str(tmp_path / "data"), "--dist-dir", str(tmp_path / "dist"), "build",
        cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert_one_line_error(ran, str(record))
    assert not (tmp_path / "dist").exists()
