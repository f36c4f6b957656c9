"""Release texts given to ``kg extract`` and ``kg add``: odd names, bytes and sizes are one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import ROOT, Ran, assert_one_line_error, kg


def _kg(tmp_path: Path, *args: str) -> Ran:
    dirs = ("--data-dir", str(ROOT / "data"), "--dist-dir", str(tmp_path / "dist"))
    return kg(*dirs, *args, cwd=tmp_path, timeout=60)


@pytest.mark.parametrize("command", ["extract", "add"])
def test_an_oversized_release_text_is_refused_at_once(command: str, tmp_path: Path) -> None:
    big = tmp_path / "release.txt"
    big.write_text(("word " * 20 + "\n") * 30_000, encoding="utf-8")  # 3 MB: minutes of reading before
    assert "MB" in assert_one_line_error(_kg(tmp_path, command, str(big)), str(big))


@pytest.mark.parametrize("name", ["release.pdf", "release", "release.docx.gz", "release."])
def test_binary_files_of_any_name_are_one_line_errors(name: str, tmp_path: Path) -> None:
    odd = tmp_path / name
    odd.write_bytes(b"%PDF-1.4\n\xff\xfe\x00\x01binary")
    line = assert_one_line_error(_kg(tmp_path, "extract", str(odd)), f"{odd}:2:")
    assert "UTF-8" in line


@pytest.mark.parametrize("name", ["release.xyz", "release"])
def test_text_with_an_unknown_extension_is_read_as_text(name: str, tmp_path: Path) -> None:
    text = tmp_path / name
    text.write_bytes((ROOT / "data" / "sources" / "news-release-175-2011-06-22.txt").read_bytes())
    ran = _kg(tmp_path, "extract", str(text), "-o", str(tmp_path / "draft.yaml"))
    assert "Traceback" not in ran.err
    assert ran.code in (0, 1)
    assert (tmp_path / "draft.yaml").read_text(encoding="utf-8").startswith(("#", "id:"))
