"""`kg extract` on the command line: the draft on stdout or in a file, problems on stderr, exit 0 or 1."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from kg.cli import main
from kg.sources import check_release, read_reference, read_release, read_source_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "extract" / "fixtures"
CLEAN = FIXTURES / "en-2012-02-14-crlf.txt"
HTML = FIXTURES / "en-2013-05-06-html-entities.html"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(ROOT / "data"), "extract", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_clean_release_gives_a_draft_with_no_problem(tmp_path: Path) -> None:
    code, out, err = _run(str(CLEAN))
    assert (code, err) == (0, "")
    assert out == (FIXTURES / "en-2012-02-14-crlf.expected.yaml").read_text(encoding="utf-8")
    record = tmp_path / "draft.yaml"
    code, out, _ = _run(str(CLEAN), "-o", str(record))
    assert (code, out) == (0, "")
    # The draft is a record: it reads and checks against its text (the input itself) and the reference.
    release = read_release(record)
    check_release(release, read_reference(ROOT / "data" / "reference"), read_source_text(CLEAN))


def test_problems_go_to_stderr_with_their_line_and_exit_1(tmp_path: Path) -> None:
    record = tmp_path / "draft.yaml"
    code, out, err = _run(str(HTML), "-o", str(record))
    assert code == 1 and out == ""
    text = tmp_path / "en-2013-05-06-html-entities.txt"
    lines = err.splitlines()
    assert lines == [
        f"{text}:9: the announcement was made in 'Mexico City', a place not in data/reference/ whose country "
        "the release does not state: not recorded",
        f"{text}:9: the event 'Regional Meeting on the Implementation of Non-Proliferation Commitments' "
        "has no place stated: not recorded as the release's",
        f"{text}:31: organisation 'Pan American Health Organization' is not in data/reference/: proposed as "
        "'pan-american-health-organization'",
    ]
    assert record.read_text(encoding="utf-8") == (
        FIXTURES / "en-2013-05-06-html-entities.expected.yaml"
    ).read_text(encoding="utf-8")
    # For an HTML page the text the offsets count in is written next to the record, byte for byte.
    draft = yaml.safe_load(record.read_text(encoding="utf-8"))
    source = text.read_bytes().decode("utf-8")
    assert draft["source"] == text.name
    for span in (draft["headline"], draft["dateline"], draft["projects"][0]["title"]):
        assert source[span["at"] : span["at"] + len(span["text"])] == span["text"]


def test_the_extracted_text_goes_next_to_the_page_without_o(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(HTML.read_bytes())
    code, out, _ = _run(str(page))
    assert code == 1 and out.startswith("# DRAFT release record")
    assert (tmp_path / "page.txt").is_file()
    # Never over a different file: the user's own page.txt stays as it is.
    (tmp_path / "page.txt").write_text("my notes\n", encoding="utf-8")
    code, _, err = _run(str(page))
    assert code == 2 and "not overwritten" in err
    assert (tmp_path / "page.txt").read_text(encoding="utf-8") == "my notes\n"


def test_a_missing_file_is_a_usage_error() -> None:
    code, _, err = _run(str(FIXTURES / "no-such-release.txt"))
    assert code == 2 and "does not exist" in err
