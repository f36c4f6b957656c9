"""Bad records get one clear error naming the file, the line and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.project import read_project
from kg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RECORD = "releases/news-release-175-2011-06-22.yaml"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _edit(data: Path, old: str, new: str, *, count: int = 1, file: str = RECORD) -> int:
    """Replace text in a record; return the 1-based line where the edit landed."""
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _error(data: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_project(Settings(data_dir=data, dist_dir=data.parent / "dist"))
    return info.value


CASES: dict[str, tuple[str, str, str]] = {
    # name: (old text, new text, words the message must contain)
    "offset-off-by-one": ("at: 3533}", "at: 3534}", "quote does not match"),
    "unknown-organisation": (
        "- organization: interpol\n",
        "- organization: interpool\n",
        "unknown organization 'interpool'",
    ),
    "bad-qualifier": ("qualifier: approximately", "qualifier: roughly-ish", "must be one of exact, over"),
    "amount-words-disagree": ("value: 743000", "value: 734000", "reads as exact 743000"),
    "misspelt-field": (
        "    themes:\n      - theme: money-laundering\n",
        "    theme:\n      - theme: money-laundering\n",
        "unknown field 'theme'",
    ),
    "not-a-slug": ("id: interpol-mobile-police-training-program", "id: Interpol_Program", "not a slug"),
    "naive-date": (
        'published: "2011-06-22T20:45:00-04:00"',
        'published: "2011-06-22T20:45:00"',
        "UTC offset",
    ),
    "yaml-syntax": ("number: 175\n", "number: [175\n", "YAML error"),
    "unknown-theme": ("- theme: wmd-non-proliferation\n", "- theme: wmd\n", "unknown theme 'wmd'"),
    "theme-quote-elsewhere": ("at: 8270\n", "at: 8271\n", "quote does not match"),
    "negative-amount": ("value: 64000", "value: -64000", "non-negative"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_record_names_file_line_and_field(data_copy: Path, name: str) -> None:
    old, new, words = CASES[name]
    line = _edit(data_copy, old, new)
    error = _error(data_copy)
    assert error.path is not None and error.path.name == Path(RECORD).name
    assert words in str(error), str(error)
    assert error.line is not None and abs(error.line - line) <= 3, (error.line, line, str(error))
    assert "\n" not in str(error)


REFERENCE_CASES: list[tuple[str, str, str, str]] = [
    ("organizations.yaml", "parent: oas\n", "parent: oas-typo\n", "unknown id 'oas-typo'"),
    ("places.yaml", 'm49: "013"', 'm49: "013", m49: "014"', "duplicate key 'm49'"),
    ("themes.yaml", "id: crime-prevention\n", "id: Crime Prevention\n", "not a slug"),
    ("themes.yaml", 'dac: "15180"', 'dac: "99999"', "unknown id '99999'"),
    ("themes.yaml", "cues:\n      en: [crime prevention", "cues:\n      eng: [crime prevention", "'eng'"),
    ("organizations.yaml", "serves: caribbean", "serves: caribean", "unknown id 'caribean'"),
]


@pytest.mark.parametrize(("file", "old", "new", "words"), REFERENCE_CASES)
def test_bad_reference_names_the_file(data_copy: Path, file: str, old: str, new: str, words: str) -> None:
    _edit(data_copy, old, new, file=f"reference/{file}")
    error = _error(data_copy)
    assert error.path is not None and error.path.name == file
    assert words in str(error), str(error)


def test_missing_source_text_is_named(data_copy: Path) -> None:
    (data_copy / "sources" / "news-release-175-2011-06-22.txt").unlink()
    assert "source text 'news-release-175-2011-06-22.txt' not found" in str(_error(data_copy))


def test_duplicate_project_id(data_copy: Path) -> None:
    _edit(
        data_copy,
        "id: santo-domingo-pact-and-managua-mechanism",
        "id: interpol-mobile-police-training-program",
    )
    assert "used twice" in str(_error(data_copy))
