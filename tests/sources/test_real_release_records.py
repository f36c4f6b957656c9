"""The record format of real releases (RECORD-CHANGES.md points 1-5): read, checked, refused in one line.

The records in ``records/`` are INVENTED TEST FIXTURES (their headers say so): made-up releases in the shape
of the real ones (unnumbered, dated by a date alone, grants stated in the body, a ``reference:`` section),
until a real one is collected.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.project import read_project
from kg.settings import Settings
from kg.sources import read_reference, read_release
from kg.sources.records import Organization, Place

ROOT = Path(__file__).resolve().parents[2]
RECORDS = Path(__file__).resolve().parent / "records"
TOTAL_ONLY = "invented-2012-04-30-justice-reform"
BODY_GRANTS = "invented-2012-03-05-human-trafficking"


def project_with(tmp_path: Path, *names: str) -> Settings:
    """A copy of the project's data with the invented records (and their texts) added."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for name in names:
        shutil.copy(RECORDS / f"{name}.yaml", data / "releases")
        shutil.copy(RECORDS / f"{name}.txt", data / "sources")
    return Settings(data_dir=data, dist_dir=tmp_path / "dist")


def edit(path: Path, old: str, new: str) -> int:
    """Replace text in a file; the 1-based line where the edit landed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def refused(settings: Settings) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_project(settings)
    assert "\n" not in str(info.value)
    return info.value


def test_unnumbered_date_only_release_with_a_total_and_no_project() -> None:
    release = read_release(RECORDS / f"{TOTAL_ONLY}.yaml")
    assert release.number is None
    assert release.published == date(2012, 4, 30) and not isinstance(release.published, datetime)
    assert release.day == date(2012, 4, 30)
    assert release.total is not None and release.total.value == 1_500_000
    assert release.projects == () and release.backgrounder is None and release.proposals == ()


def test_the_seed_keeps_its_number_and_its_date_time() -> None:
    release = read_release(ROOT / "data" / "releases" / "news-release-175-2011-06-22.yaml")
    assert release.number == 175
    assert isinstance(release.published, datetime) and release.published.utcoffset() is not None


def test_body_projects_and_the_reference_section() -> None:
    release = read_release(RECORDS / f"{BODY_GRANTS}.yaml")
    assert [p.number for p in release.projects] == [1, 2]
    first = release.projects[0]
    assert first.title.text.startswith("the implementation of human counter-trafficking")
    assert first.title_note is not None and "no title" in first.title_note
    assert first.program is None  # the release's single program, with the mapping's note
    kinds = {p.kind: p.entry for p in release.proposals}
    org, place = kinds["organizations"], kinds["places"]
    assert isinstance(org, Organization) and org.kind == "ngo" and org.name == {"en": org.name["en"]}
    assert isinstance(place, Place) and place.type == "city" and place.parent == "sv"
    assert all(p.quote.text for p in release.proposals)


def test_read_reference_merges_the_records_sections(tmp_path: Path) -> None:
    settings = project_with(tmp_path, BODY_GRANTS)
    merged = read_reference(settings)
    alone = read_reference(settings.reference_dir)
    assert "justice-education-society" in merged.organizations
    assert "justice-education-society" not in alone.organizations
    assert "san-salvador" in merged.places
    assert merged.proposed_by[("organizations", "justice-education-society")].name == f"{BODY_GRANTS}.yaml"
    # The build reads the same merged reference.
    project = read_project(settings)
    assert project.reference.organizations.keys() == merged.organizations.keys()


def test_a_proposal_clashing_with_data_reference_is_one_line(tmp_path: Path) -> None:
    settings = project_with(tmp_path, BODY_GRANTS)
    record = settings.releases_dir / f"{BODY_GRANTS}.yaml"
    line = edit(record, "    - id: justice-education-society", "    - id: unodc")
    error = refused(settings)
    assert error.path == record and error.line == line
    assert "release.reference.organizations[1].id: 'unodc' is already defined in" in str(error)
    assert "organizations.yaml" in str(error)


def test_a_proposal_clashing_with_another_record_names_it(tmp_path: Path) -> None:
    settings = project_with(tmp_path, BODY_GRANTS)
    other = settings.releases_dir / "invented-copy.yaml"
    text = (RECORDS / f"{BODY_GRANTS}.yaml").read_text(encoding="utf-8")
    other.write_text(text.replace(f"id: {BODY_GRANTS}", "id: invented-copy", 1), encoding="utf-8")
    error = refused(settings)
    # Files are read in name order: the second to propose the organisation is refused, naming the first.
    assert error.path is not None and error.path.name == "invented-copy.yaml"
    assert f"is already defined in {settings.releases_dir / f'{BODY_GRANTS}.yaml'}" in str(error)


def test_a_later_record_may_name_an_entry_an_earlier_one_proposed(tmp_path: Path) -> None:
    settings = project_with(tmp_path, BODY_GRANTS, TOTAL_ONLY)
    edit(
        settings.releases_dir / f"{TOTAL_ONLY}.yaml",
        "programs:\n",
        "contacts:\n  - organization: justice-education-society\n"
        "    quote: Canada Supports Justice Reform in the Americas\n    at: 0\nprograms:\n",
    )
    contacts = dict((r.id, r.contacts) for r, _ in read_project(settings).releases)[TOTAL_ONLY]
    assert [c.ref for _, c in contacts] == ["justice-education-society"]


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('published: "2012-04-30"', 'published: "April 30, 2012"', "release.published: must be a date-time"),
        ('published: "2012-04-30"', 'published: "2012-04-31"', "release.published: must be a date-time"),
        ('published: "2012-04-30"', 'published: "2012-04-30T10:00"', "UTC offset"),
        ("language: en\n", "language: en\nnumber: 0\n", "release.number: must be a positive whole number"),
        ("  qualifier: over\n", "  qualifier: over\n  note: x\n", "unknown field 'note'"),
    ],
)
def test_bad_new_fields_name_file_line_and_field(tmp_path: Path, old: str, new: str, words: str) -> None:
    settings = project_with(tmp_path, TOTAL_ONLY)
    record = settings.releases_dir / f"{TOTAL_ONLY}.yaml"
    line = edit(record, old, new)
    error = refused(settings)
    assert error.path == record and error.line is not None and abs(error.line - line) <= 1
    assert words in str(error), str(error)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "      country: ca\n",
            "      country: atlantis\n",
            "organizations[1].country: unknown id 'atlantis'",
        ),
        ("      kind: ngo\n", "      kind: charity\n", "must be one of"),
        ("      parent: sv\n", "      parent: el-salvador\n", "places[1].parent: unknown id 'el-salvador'"),
        ("      at: 300\n", "      at: 301\n", "quote does not match"),
        ("      note: The release gives", "      remark: The release gives", "unknown field 'remark'"),
    ],
)
def test_bad_reference_sections_name_the_record(tmp_path: Path, old: str, new: str, words: str) -> None:
    settings = project_with(tmp_path, BODY_GRANTS)
    record = settings.releases_dir / f"{BODY_GRANTS}.yaml"
    edit(record, old, new)
    error = refused(settings)
    assert error.path == record and error.line is not None
    assert words in str(error), str(error)


def test_a_record_changed_since_it_was_read_is_read_again(tmp_path: Path) -> None:
    """read_reference keeps what it parsed by file identity (``kg add`` reads the records twice): a record
    rewritten in place, or replaced by another file (as kg writes records), is read again."""
    settings = project_with(tmp_path, BODY_GRANTS)
    record = settings.releases_dir / f"{BODY_GRANTS}.yaml"
    assert read_reference(settings).organizations["justice-education-society"].acronyms == ("JES",)
    assert read_reference(settings).organizations["justice-education-society"].acronyms == ("JES",)
    edit(record, "acronyms: [JES]", "acronyms: [JESBC]")  # in place: another size
    assert read_reference(settings).organizations["justice-education-society"].acronyms == ("JESBC",)
    replaced = record.with_name(".new.yaml")
    replaced.write_text(record.read_text(encoding="utf-8").replace("[JESBC]", "[JESB2]"), encoding="utf-8")
    replaced.rename(record)  # the same size, a new file
    assert read_reference(settings).organizations["justice-education-society"].acronyms == ("JESB2",)
    edit(record, "\nreference:", "\nreferences_removed:")  # no longer proposing: its entries are gone
    with pytest.raises(SourceError):
        read_project(settings)  # the release names an organisation nobody defines now
    assert "justice-education-society" not in read_reference(settings).organizations
