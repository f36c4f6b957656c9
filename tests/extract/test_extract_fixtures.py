"""`kg extract` on invented releases of the same family (see fixtures/README.md): each draft is exactly
the reviewed expected record next to it, reads back, and quotes its source text where it says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.errors import SourceError
from kg.extract import UNKNOWN, ExtractResult, extract_file
from kg.sources import Reference, check_release, read_release, read_source_text
from kg.sources.reference import merge_reference

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RELEASES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))


def _expected(path: Path) -> Path:
    return path.with_name(f"{path.stem}.expected.yaml")


def _spans(value: Any) -> list[tuple[str, int]]:
    """Every (text, at) pair of a record: quotes, headline, titles, descriptions."""
    spans: list[tuple[str, int]] = []
    if isinstance(value, dict):
        for key in ("quote", "text"):
            if key in value and "at" in value:
                spans.append((value[key], value["at"]))
        for item in value.values():
            spans += _spans(item)
    elif isinstance(value, list):
        for item in value:
            spans += _spans(item)
    return spans


def _has_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return value == UNKNOWN


@pytest.fixture(scope="module", params=RELEASES, ids=lambda p: p.name)
def case(request: pytest.FixtureRequest, reference: Reference) -> tuple[Path, ExtractResult]:
    path: Path = request.param
    return path, extract_file(path, reference)


def test_every_fixture_has_an_expected_record() -> None:
    assert len(RELEASES) >= 7
    for path in RELEASES:
        assert _expected(path).is_file(), path.name
    assert {p.name for p in FIXTURES.glob("*.expected.yaml")} == {_expected(p).name for p in RELEASES}


def test_draft_is_the_expected_record(case: tuple[Path, ExtractResult]) -> None:
    path, result = case
    assert result.to_yaml() == _expected(path).read_text(encoding="utf-8")


def test_draft_yaml_is_the_record(case: tuple[Path, ExtractResult]) -> None:
    _, result = case
    assert yaml.safe_load(result.to_yaml()) == result.record


def test_every_quote_is_in_the_source_where_it_says(case: tuple[Path, ExtractResult]) -> None:
    _, result = case
    spans = [(text, at) for text, at in _spans(result.record) if text != UNKNOWN]
    assert spans
    for text, at in spans:
        assert result.source_text[at : at + len(text)] == text


def test_every_problem_names_a_line_of_the_source(case: tuple[Path, ExtractResult]) -> None:
    _, result = case
    lines = len(result.source_text.splitlines())
    for problem in result.problems:
        assert 1 <= problem.line <= lines, problem
    assert [p.line for p in result.problems] == sorted(p.line for p in result.problems)


def test_draft_reads_back_or_is_refused(
    case: tuple[Path, ExtractResult], reference: Reference, tmp_path: Path
) -> None:
    """A draft without UNKNOWN passes the build's checks; one with UNKNOWN is refused, never built."""
    _, result = case
    source = tmp_path / result.source_name
    source.write_bytes(result.source_text.encode("utf-8"))
    draft = tmp_path / f"{result.record['id']}.yaml"
    draft.write_text(result.to_yaml(), encoding="utf-8")
    if not _has_unknown(result.record):  # with the entries its reference: section proposes
        release = read_release(draft)
        check_release(release, merge_reference(reference, [release]), read_source_text(source))
    else:
        assert result.problems
        with pytest.raises(SourceError):
            check_release(read_release(draft), reference, read_source_text(source))


def test_crlf_offsets_count_both_line_end_code_points(reference: Reference) -> None:
    path = FIXTURES / "en-2012-02-14-crlf.txt"
    raw = path.read_bytes().decode("utf-8")
    assert "\r\n" in raw
    result = extract_file(path, reference)
    assert result.source_text == raw
    as_lf = raw.replace("\r\n", "\n")
    headline_lines = 2  # the headline line and the blank line before the dateline
    assert result.record["dateline"]["at"] == as_lf.index("(No. 38") + headline_lines


def test_html_draft_keeps_the_extracted_text_as_source(reference: Reference) -> None:
    result = extract_file(FIXTURES / "en-2013-05-06-html-entities.html", reference)
    assert result.html_source == "en-2013-05-06-html-entities.html"
    assert result.source_name == result.record["source"] == "en-2013-05-06-html-entities.txt"
    assert "<" not in result.source_text and "&" not in result.source_text.replace(" & ", "")
    assert "$3\u00a0million" in result.source_text and "Canada’s" in result.source_text
    header = result.to_yaml().split("\nid:")[0]
    assert "extracted from the HTML page en-2013-05-06-html-entities.html" in header


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("en-2010-10-29-no-backgrounder.txt", "unknown person 'Robin Example'"),
        ("en-2010-10-29-no-backgrounder.txt", "no backgrounder"),
        ("en-2010-10-29-no-backgrounder.txt", "cannot read the amount"),
        ("en-2012-03-23-cut-short.txt", "project 3: no amount read"),
        ("en-2012-03-23-cut-short.txt", "cut short"),
        ("en-2013-05-06-html-entities.html", "organisation 'Pan American Health Organization' is not in"),
        ("en-2013-05-06-html-entities.html", "'Mexico City', a place not in data/reference/ whose country"),
        ("en-2014-01-30-unnumbered.txt", "organisation 'CICAD' is not in data/reference/: proposed"),
        ("en-2014-01-30-unnumbered.txt", "a post not in data/reference/posts.yaml"),
        ("fr-2013-02-01-hiver.txt", "project 1 names no region; proposed from its implementer"),
    ],
)
def test_what_cannot_be_read_is_reported(name: str, message: str, reference: Reference) -> None:
    result = extract_file(FIXTURES / name, reference)
    assert any(message in p.message for p in result.problems), [str(p) for p in result.problems]
