"""`kg extract` on the one real release (No. 175) reproduces its curated record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.extract import UNKNOWN, ExtractResult, extract_file, extract_release
from kg.sources import Reference, check_release, read_release, read_source_text

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT / "data" / "sources" / "news-release-175-2011-06-22.txt"
SEED_RECORD = ROOT / "data" / "releases" / "news-release-175-2011-06-22.yaml"

# The entries the curated record marks with a `note` (read between the lines, not stated), as (project,
# list, id). The extractor must propose exactly these, each with a note and a problem to review.
CITED_LISTS = ("implementers", "regions", "supports", "related", "themes")
CURATED_NOTES = {
    (1, "implementers", "sica"),
    (1, "regions", "central-america"),
    (2, "implementers", "interpol"),
    (3, "regions", "central-america"),
    (10, "regions", "americas"),
    (11, "regions", "americas"),
    (13, "regions", "caribbean"),
}


@pytest.fixture(scope="module")
def seed(reference: Reference) -> ExtractResult:
    return extract_file(SEED_TEXT, reference)


@pytest.fixture(scope="module")
def curated() -> dict[str, Any]:
    data = yaml.safe_load(SEED_RECORD.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


def _noted(record: dict[str, Any]) -> set[tuple[int, str, str]]:
    return {
        (project["number"], key, entry.get("organization") or entry.get("region") or "")
        for project in record.get("projects", [])
        for key in CITED_LISTS
        for entry in project.get(key, [])
        if "note" in entry
    }


def test_seed_reproduces_the_curated_record(seed: ExtractResult, curated: dict[str, Any]) -> None:
    """The draft of the one real release is its curated record, field for field, quote for quote.

    Nothing is left out: header fields, programs and the ACCBP cap, contacts, the backgrounder, and for each
    of the 13 projects its title, description, implementers (with the UNOCD -> UNODC correction), the
    program the release's body ties to project 1, amount, regions, instruments, related organisations,
    themes (from the cue phrases of data/reference/themes.yaml, each with its sentence) and DAC sectors
    (from the themes). The entries read between the lines carry the same `note`s on both sides. Only the
    header comment of the file differs (the YAML text is compared too, below).
    """
    assert seed.record == curated


def test_seed_draft_is_the_curated_file_byte_for_byte(seed: ExtractResult) -> None:
    """Below the comments that head each file, the draft's YAML text is the curated file's."""

    def body(text: str) -> str:
        return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))

    assert body(seed.to_yaml()) == body(SEED_RECORD.read_text(encoding="utf-8"))


def test_seed_marks_the_same_entries_as_inferred(seed: ExtractResult, curated: dict[str, Any]) -> None:
    assert _noted(curated) == CURATED_NOTES
    assert _noted(seed.record) == CURATED_NOTES
    problems = "\n".join(str(p) for p in seed.problems)
    for number, key, _ in CURATED_NOTES:
        word = "implementer" if key == "implementers" else "region"
        assert f"project {number}" in problems and word in problems
    assert "project 1: its program (gpp) is read from the release's body" in problems


def test_seed_themes_quote_the_sentence_that_names_them(seed: ExtractResult, reference: Reference) -> None:
    text = seed.source_text.replace("\u2019", "'").lower()
    for project in seed.record["projects"]:
        assert project["themes"], project["number"]
        for entry in project["themes"]:
            sentence = text[entry["at"] : entry["at"] + len(entry["quote"])]
            cues = reference.themes[entry["theme"]].cues["en"]
            assert any(cue.lower().replace("\u2019", "'") in sentence for cue in cues), entry
        codes = [reference.themes[t["theme"]].dac for t in project["themes"]]
        assert project["sectors"] == list(dict.fromkeys(c for c in codes if c))


def test_seed_record_is_ordered_like_the_curated_one(seed: ExtractResult, curated: dict[str, Any]) -> None:
    assert list(seed.record) == list(curated)
    for mine, theirs in zip(seed.record["projects"], curated["projects"], strict=True):
        assert [k for k in mine if k in theirs] == [k for k in theirs if k in mine]


def test_seed_yaml_reads_back_and_passes_the_checks(
    seed: ExtractResult, reference: Reference, tmp_path: Path
) -> None:
    draft = tmp_path / "news-release-175-2011-06-22.yaml"
    draft.write_text(seed.to_yaml(), encoding="utf-8")
    assert yaml.safe_load(draft.read_text(encoding="utf-8")) == seed.record
    release = read_release(draft)
    check_release(release, reference, read_source_text(SEED_TEXT))
    assert release.total is not None and str(release.total.value) == "5200000"


def test_seed_yaml_escapes_the_non_breaking_space(seed: ExtractResult) -> None:
    text = seed.to_yaml()
    assert "\u00a0" not in text
    assert 'stated: "over $5.2\\u00a0million"' in text
    assert "Canada’s contribution" in text  # typographic quotes stay as they are


def test_seed_source_text_is_the_input(seed: ExtractResult) -> None:
    assert seed.source_text == SEED_TEXT.read_bytes().decode("utf-8")
    assert seed.source_name == SEED_TEXT.name and seed.html_source is None
    assert UNKNOWN not in _values(seed.record)


def test_extract_release_takes_text(reference: Reference) -> None:
    text = SEED_TEXT.read_bytes().decode("utf-8")
    result = extract_release(text, source_name=SEED_TEXT.name, reference=reference)
    assert result.record == extract_file(SEED_TEXT, reference).record
