"""docs/security.md names a test for every attack: each named test exists (the list cannot drift)."""

from __future__ import annotations

import re

from .support import ROOT

DOC = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
_REF = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?[\[` ]")


def _references() -> list[tuple[str, str, str | None, str]]:
    """(row, file, test or None, how the row names it) for every test reference in the tables."""
    found = []
    for row in DOC.splitlines():
        if not row.startswith("|"):
            continue
        current = None
        for match in _REF.finditer(row):
            path, name = match.groups()
            current = path or current
            if current:
                found.append((row, current, name, match.group(0)))
    return found


def test_every_row_of_the_tables_names_a_test_or_says_why_not() -> None:
    for row in DOC.splitlines():
        if row.startswith("| ") and not row.startswith(("| id", "| finding")):
            assert "tests/" in row or "no upload route" in row, row


def test_every_named_test_exists() -> None:
    references = _references()
    assert len(references) > 60
    for row, path, name, shown in references:
        file = ROOT / path
        if not file.is_file():
            assert "see `" in row, f"{path} does not exist ({row[:60]})"  # on another branch, marked "see"
            continue
        if name is not None:
            assert re.search(rf"^def {name}\(", file.read_text(encoding="utf-8"), re.M), (
                f"{shown}: no such test"
            )
