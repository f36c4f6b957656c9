"""The readings of `kg extract` that go between the lines: themes, proposed regions, a project's program.

Each test runs the whole extractor on a short invented release (not real data) built from the layout of the
fixtures, changing only the paragraphs the rule reads.
"""

from __future__ import annotations

from typing import Any

from kg.extract import UNKNOWN, ExtractResult, extract_release
from kg.sources import Reference

HEAD = """Canada Supports Security in the Americas

(No. 90 - March 5, 2013 - 10:00 a.m. EST) The Honourable Diane Ablonczy, Minister of State of Foreign \
Affairs (Americas and Consular Affairs), today announced $600,000 for two projects.

Canada’s contribution is funded by the Anti-Crime Capacity Building Program (ACCBP).

{body}

- 30 -

A backgrounder follows.

Backgrounder - Two Projects

{intro}

1. {title1}

{text1} Canada is contributing $200,000.

2. {title2}

{text2} Canada is contributing $400,000.
"""

DEFAULTS = {
    "body": "Minister of State Ablonczy made the announcement from Guatemala City.",
    "intro": "The following projects are funded by the Anti-Crime Capacity Building Program.",
    "title1": "Training Judges",
    "text1": "The United Nations Office on Drugs and Crime will train judges in Honduras.",
    "title2": "Training Prosecutors",
    "text2": "The United Nations Office on Drugs and Crime will train prosecutors in Panama.",
}


def _extract(reference: Reference, **parts: str) -> ExtractResult:
    text = HEAD.format(**{**DEFAULTS, **parts})
    return extract_release(text, source_name="invented.txt", reference=reference)


def _project(result: ExtractResult, number: int) -> dict[str, Any]:
    project: dict[str, Any] = result.record["projects"][number - 1]
    return project


def _problems(result: ExtractResult) -> str:
    return "\n".join(str(p) for p in result.problems)


def test_an_organisation_name_is_no_theme_cue(reference: Reference) -> None:
    """The "Police" of "International Criminal Police Organization" names Interpol, not a theme."""
    text = "The International Criminal Police Organization will train judges in Honduras."
    result = _extract(reference, text1=text)
    project = _project(result, 1)
    assert project["implementers"][0]["organization"] == "interpol"
    assert project["themes"] == [] and project["sectors"] == []
    assert "project 1: no theme read" in _problems(result)


def test_themes_come_in_text_order_with_their_sentence_and_sectors(reference: Reference) -> None:
    result = _extract(
        reference,
        title1="Border Officials",
        text1="IOM will train officials in Panama. The course covers human trafficking and money laundering.",
    )
    project = _project(result, 1)
    assert [(t["theme"], t["quote"]) for t in project["themes"]] == [
        ("border-security", "Border Officials"),
        ("human-trafficking", "The course covers human trafficking and money laundering."),
        ("money-laundering", "The course covers human trafficking and money laundering."),
    ]
    assert project["sectors"] == ["15130", "15113"]  # border security and trafficking share 15130


def test_a_region_is_proposed_from_the_organisation_the_introduction_names(reference: Reference) -> None:
    result = _extract(
        reference,
        intro="The projects support the regional security strategy of the Central American Integration "
        "System (SICA).",
        text1="The United Nations Office on Drugs and Crime will train judges.",
    )
    (region,) = _project(result, 1)["regions"]
    assert region["region"] == "central-america"
    assert (
        region["quote"].startswith("The projects support")
        and "Central American Integration" in region["note"]
    )
    assert "project 1 names no region; proposed from the backgrounder's" in _problems(result)


def test_no_region_at_all_is_marked_unknown(reference: Reference) -> None:
    result = _extract(reference, text1="The United Nations Office on Drugs and Crime will train judges.")
    assert [r["region"] for r in _project(result, 1)["regions"]] == [UNKNOWN]
    assert "project 1 names no region known in data/reference/places.yaml" in _problems(result)


SECOND_PROGRAM = (
    "Canada is also helping the International Organization for Migration to secure travel documents. "
    "This support is provided through the Global Partnership Program."
)


def test_a_body_paragraph_ties_a_second_program_to_the_one_project_of_its_organisation(
    reference: Reference,
) -> None:
    result = _extract(
        reference,
        body=SECOND_PROGRAM,
        text2="The International Organization for Migration will train border officials in Panama.",
    )
    assert "program" not in _project(result, 1)
    program = _project(result, 2)["program"]
    assert program["program"] == "gpp"
    assert program["quote"] == "This support is provided through the Global Partnership Program."
    assert "International Organization for Migration" in program["note"]
    assert list(_project(result, 2))[:5] == ["number", "id", "title", "description", "implementers"]
    assert list(_project(result, 2))[5] == "program"


def test_no_program_is_guessed_when_the_paragraph_fits_two_projects(reference: Reference) -> None:
    result = _extract(
        reference,
        body=SECOND_PROGRAM,
        text1="The International Organization for Migration will train judges in Honduras.",
        text2="The International Organization for Migration will train border officials in Panama.",
    )
    assert all("program" not in p for p in result.record["projects"])
    assert "its program" not in _problems(result)


def test_no_program_is_read_when_the_release_names_one(reference: Reference) -> None:
    body = "Canada is also helping the International Organization for Migration to secure travel documents."
    result = _extract(
        reference,
        body=body,
        text2="The International Organization for Migration will train border officials in Panama.",
    )
    assert [p["program"] for p in result.record["programs"]] == ["accbp"]
    assert all("program" not in p for p in result.record["projects"])
