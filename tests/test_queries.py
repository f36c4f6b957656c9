"""Competency questions: every queries/*.rq runs on the built graph and gives the answer worked out by hand.

The expected answers below were written from the release text (data/sources/news-release-175-2011-06-22.txt)
and the curated records (data/releases/, data/reference/), not copied from query output. Each query must run
without the prefixes the CLI predeclares, so the store is queried here with no prefixes at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from kg.dumps import serialize
from kg.formats import RdfFormat
from kg.project import build_project
from kg.settings import Settings
from kg.store import KgStore

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
SOURCE_TEXT = ROOT / "data" / "sources" / "news-release-175-2011-06-22.txt"
SEP = " | "  # GROUP_CONCAT separator of the queries that list project names
NBSP = "\u00a0"  # the release writes "$5.2\u00a0million" with a no-break space
RSQUO = "\u2019"  # and "Canada\u2019s" with a right single quotation mark

# --- Facts of the release, typed from the backgrounder ---------------------------------------

PROJECT = {
    1: "SICA UNSCR 1540 Coordinator",
    2: "Interpol Mobile Police Training Program",
    3: "Santo Domingo Pact and Managua Mechanism",
    4: "Promoting Crime Prevention and Criminal Justice Reform",
    5: "Combatting Proceeds of Crime by Strengthening Asset Recovery Systems in Latin America",
    6: "Fighting Human Trafficking and Smuggling in Central America",
    7: "Central American Network of Anti-Organized Crime and Narcotic Prosecution Units",
    8: "Strengthening the Capacity to Combat Trafficking in Persons in Latin America",
    9: "Management Course for Senior Officials Responsible for Public Security in the Americas",
    10: "Police Training for the Prevention of Violence against Women",
    11: "Monitoring and Evaluating Rehabilitation and Social Reinsertion",
    12: "Improving Detection of False Travel Documents to Prevent Human Trafficking and Migrant Smuggling",
    13: "Caribbean Financial Action Task Force Strategic Planning Workshops",
}

SICA = "Central American Integration System"
INTERPOL = "International Criminal Police Organization"
UNODC = "United Nations Office on Drugs and Crime"
OAS_SMS = "Secretariat for Multidimensional Security"
IOM = "International Organization for Migration"
CFATF = "Caribbean Financial Action Task Force"
DFAIT = "Foreign Affairs and International Trade Canada"
MINISTER_OFFICE = "Office of the Minister of State of Foreign Affairs (Americas and Consular Affairs)"
ACCBP = "Anti-Crime Capacity Building Program"
GPP = "Global Partnership Program Against the Spread of Weapons and Materials of Mass Destruction"
HEADLINE = "Canada Contributes to Improving Security in the Americas"

# (number, implementer, program, figure, qualifier, words of the release): "Canada is contributing ..."
GRANTS = [
    (1, SICA, GPP, 85_000, "exact", "$85,000"),
    (2, INTERPOL, ACCBP, 2_000_000, "over", "over $2 million"),
    (3, UNODC, ACCBP, 743_000, "exact", "$743,000"),
    (4, UNODC, ACCBP, 542_000, "over", "over $542,000"),
    (5, UNODC, ACCBP, 530_000, "over", "over $530,000"),
    (6, UNODC, ACCBP, 253_000, "over", "over $253,000"),
    (7, UNODC, ACCBP, 430_000, "exact", "$430,000"),
    (8, UNODC, ACCBP, 98_000, "over", "over $98,000"),
    (9, OAS_SMS, ACCBP, 263_000, "over", "over $263,000"),
    (10, OAS_SMS, ACCBP, 40_000, "approximately", "close to $40,000"),
    (11, OAS_SMS, ACCBP, 77_000, "exact", "$77,000"),
    (12, IOM, ACCBP, 64_000, "exact", "$64,000"),
    (13, CFATF, ACCBP, 151_000, "exact", "$151,000"),
]

# Sums worked out by hand (checked against GRANTS in test_hand_sums).
SUM_ALL = 5_276_000  # 85,000 + 2,000,000 + 743,000 + ... + 151,000
SUM_UNODC = 2_596_000  # 743,000 + 542,000 + 530,000 + 253,000 + 430,000 + 98,000
SUM_OAS_SMS = 380_000  # 263,000 + 40,000 + 77,000
SUM_ACCBP = 5_191_000  # everything but the $85,000 of project 1 (GPP)

ACCBP_SENTENCE = (
    f"Canada{RSQUO}s contribution is funded by Foreign Affairs and International Trade Canada{RSQUO}s "
    "Anti-Crime Capacity Building Program (ACCBP), which provides up to $15 million a year to enhance the "
    "capacity of beneficiary states, international organizations and non-governmental entities to prevent "
    "and respond to threats posed by transnational criminal activity throughout the Americas."
)
BACKGROUNDER_SUPPORTS = (
    "The projects support the implementation of the regional security strategy of the Central American "
    "Integration System (SICA)."
)
INTERPOL_GOAL = (
    "The goal is to improve the performance of and international cooperation of the national central bureaus "
    "and law enforcement agencies in Central and South America."
)
INTERPOL_DESCRIPTION = (
    "This program will train officers responsible for international police cooperation. " + INTERPOL_GOAL
)

# Notes of the record (`note:`), and the one the build gives projects whose program the release implies.
GRANT_NAME_NOTE = (
    "The release gives Canada's grant no name; the kg project names it after the project, "
    "whose title this is."
)
PUBLISHER_NOTE = (
    "The release does not state its publisher in a sentence; the publisher is the department that issued it, "
    "as the record says, and this is the release's headline."
)
# The DAC sectors of the seed's projects, each derived from a theme the backgrounder names (themes.yaml).
DAC_FROM_THEMES = (
    (2, "15130", "Police training and cooperation"),
    (3, "15130", "Transnational organized crime"),
    (3, "16063", "Drug trafficking"),
    (4, "15130", "Crime prevention"),
    (5, "15113", "Asset recovery"),
    (6, "15130", "Human trafficking"),
    (6, "15190", "Migrant smuggling"),
    (7, "15130", "Transnational organized crime"),
    (7, "16063", "Drug trafficking"),
    (8, "15130", "Human trafficking"),
    (9, "15130", "Police training and cooperation"),
    (9, "15210", "Security sector reform"),
    (10, "15130", "Police training and cooperation"),
    (10, "15180", "Violence against women"),
    (11, "15130", "Offender rehabilitation and reintegration"),
    (12, "15130", "Border security"),
    (12, "15190", "Migrant smuggling"),
    (13, "15113", "Money laundering"),
)


def dac_note(code: str, theme: str) -> str:
    return (
        f"The release states no DAC sector; {code} is the DAC purpose code of the theme '{theme}' that this "
        "passage names (data/reference/themes.yaml)."
    )


PROGRAM_NOTE = (
    "The release does not name the program of this project; it is the release's main program, which funds "
    "Canada's contribution."
)
OAS_REGION_NOTE = (
    "The project names no region; its implementer (Secretariat for Multidimensional Security, part of "
    "the Organization of American States) serves this region, Americas."
)
UNOCD_NOTE = (
    'The release misspells UNODC as "UNOCD"; no organisation of that name exists, and the other UNODC '
    "projects of this backgrounder are spelled correctly."
)


def rows(columns: str, *values: Iterable[object]) -> list[dict[str, str]]:
    """Rows as the store gives them: plain strings, unbound (None) columns left out."""
    names = columns.split()
    out = []
    for row in values:
        row = tuple(row)
        assert len(row) == len(names), row
        out.append({n: str(v) for n, v in zip(names, row, strict=True) if v is not None})
    return out


def names(*numbers: int) -> str:
    return SEP.join(PROJECT[n] for n in numbers)


def wd(qid: str) -> str:
    return f"http://www.wikidata.org/entity/{qid}"


EXPECTED: dict[str, list[dict[str, str]] | bool] = {
    # 1. all projects with implementer, program and amount, in backgrounder order
    "projects-with-implementer-program-amount": rows(
        "number project implementer program figure qualifier stated",
        *((n, PROJECT[n], org, prog, fig, q, words) for n, org, prog, fig, q, words in GRANTS),
    ),
    # 2. Canada's total by implementer, lower bounds summed as stated
    "total-by-implementer": rows(
        "implementer projects total lowerBounds approximate",
        (UNODC, 6, SUM_UNODC, 4, 0),  # projects 3-8; "over" on 4, 5, 6, 8
        (INTERPOL, 1, 2_000_000, 1, 0),
        (OAS_SMS, 3, SUM_OAS_SMS, 1, 1),  # projects 9-11; "over" on 9, "close to" on 10
        (CFATF, 1, 151_000, 0, 0),
        (SICA, 1, 85_000, 0, 0),
        (IOM, 1, 64_000, 0, 0),
    ),
    # 3. projects by beneficiary region
    "projects-by-region": rows(
        "region m49 projects projectNames",
        ("Central America", "013", 7, names(1, 2, 3, 5, 6, 7, 12)),
        ("Americas", "019", 4, names(4, 9, 10, 11)),
        ("South America", "005", 2, names(2, 5)),
        ("Caribbean", "029", 1, names(13)),
        ("Latin America", None, 1, names(8)),
    ),
    # 4. projects related to Resolution 1540, and their program
    "resolution-1540-projects": rows(
        "number project program instrument identifier amount",
        (
            1,
            PROJECT[1],
            GPP,
            "United Nations Security Council Resolution 1540 (2004)",
            "S/RES/1540 (2004)",
            "$85,000",
        ),
    ),
    # 5. lower-bound and approximate figures, largest first
    "approximate-and-lower-bound-figures": rows(
        "kind of figure qualifier stated",
        ("announced total", HEADLINE, 5_200_000, "over", f"over $5.2{NBSP}million"),
        ("contribution", PROJECT[2], 2_000_000, "over", "over $2 million"),
        ("contribution", PROJECT[4], 542_000, "over", "over $542,000"),
        ("contribution", PROJECT[5], 530_000, "over", "over $530,000"),
        ("contribution", PROJECT[9], 263_000, "over", "over $263,000"),
        ("contribution", PROJECT[6], 253_000, "over", "over $253,000"),
        ("contribution", PROJECT[8], 98_000, "over", "over $98,000"),
        ("contribution", PROJECT[10], 40_000, "approximately", "close to $40,000"),
    ),
    # 6. who announced what, where and when ("8:45 p.m. ET" on June 22 is EDT, UTC-4)
    "announcement": rows(
        "release headline honorific minister post published city country event total",
        (
            "No. 175",
            HEADLINE,
            "The Honourable",
            "Diane Ablonczy",
            "Minister of State of Foreign Affairs (Americas and Consular Affairs)",
            "2011-06-22T20:45:00-04:00",
            "Guatemala City",
            "Guatemala",
            "International Conference in Support of the Central America Security Strategy",
            f"over $5.2{NBSP}million",
        ),
    ),
    # 7. every fact about the INTERPOL project with its sentence; end = start + length of the quote
    "interpol-project-evidence": rows(
        "about field exact start end note",
        ("project", "program", ACCBP_SENTENCE, 973, 1347, PROGRAM_NOTE),
        ("project", "supports", BACKGROUNDER_SUPPORTS, 2945, 3069, None),
        (
            "project",
            "dac-sector",
            PROJECT[2],
            3569,
            3608,
            dac_note("15130", "Police training and cooperation"),
        ),
        ("contribution", "funded-item", PROJECT[2], 3569, 3608, None),
        ("project", "implementer", PROJECT[2], 3569, 3608, "The implementer is named in the project title."),
        ("contribution", "name", PROJECT[2], 3569, 3608, GRANT_NAME_NOTE),
        ("project", "theme", PROJECT[2], 3569, 3608, None),  # "Police Training": police-cooperation
        ("project", "title", PROJECT[2], 3569, 3608, None),
        ("project", "description", INTERPOL_DESCRIPTION, 3610, 3855, None),
        ("project", "region", INTERPOL_GOAL, 3693, 3855, None),  # Central America
        ("project", "region", INTERPOL_GOAL, 3693, 3855, None),  # South America
        ("contribution", "amount", "Canada is contributing over $2 million.", 3856, 3895, None),
    ),
    # 8. total by program vs the program's annual cap: 5,191,000 / 15,000,000 = 34.6 %
    "total-by-program-vs-cap": rows(
        "program year grants total cap capStated period percentOfCap withinCap",
        (ACCBP, 2011, 12, SUM_ACCBP, 15_000_000, "up to $15 million a year", "P1Y", "34.6", "yes"),
        (GPP, 2011, 1, 85_000, None, None, None, None, None),
    ),
    # 9. the 13 grants against the announced total "over $5.2 million"
    "grants-sum-vs-announced-total": rows(
        "release grants sum announced qualifier stated consistent",
        ("No. 175", 13, SUM_ALL, 5_200_000, "over", f"over $5.2{NBSP}million", "yes"),
    ),
    # 10. projects per theme (themes of the release record, read from cue phrases), most used first
    "projects-by-theme": rows(
        "theme projects projectNames",
        ("Crime prevention", 3, names(3, 4, 10)),
        ("Human trafficking", 3, names(6, 8, 12)),
        ("Police training and cooperation", 3, names(2, 9, 10)),
        ("Drug trafficking", 2, names(3, 7)),
        ("Migrant smuggling", 2, names(6, 12)),
        ("Transnational organized crime", 2, names(3, 7)),
        ("Asset recovery", 1, names(5)),
        ("Border security", 1, names(12)),
        ("Criminal justice reform", 1, names(4)),
        ("Money laundering", 1, names(13)),
        ("Non-proliferation of weapons of mass destruction", 1, names(1)),
        ("Offender rehabilitation and reintegration", 1, names(11)),
        ("Security sector reform", 1, names(9)),
        ("Terrorist financing", 1, names(13)),
        ("Violence against women", 1, names(10)),
    ),
    # 11. projects per DAC sector (the codes of the projects' themes), then the project with none
    "projects-by-dac-sector": rows(
        "code sector projects projectNames",
        ("15113", "Anti-corruption organisations and institutions", 2, names(5, 13)),
        ("15130", "Legal and judicial development", 10, names(2, 3, 4, 6, 7, 8, 9, 10, 11, 12)),
        ("15180", "Ending violence against women and girls", 1, names(10)),
        (
            "15190",
            "Facilitation of orderly, safe, regular and responsible migration and mobility",
            2,
            names(6, 12),
        ),
        ("15210", "Security system management and reform", 1, names(9)),
        ("16063", "Narcotics control", 2, names(3, 7)),
        (None, "(no DAC sector)", 1, names(1)),
    ),
    # 12. editorial corrections
    "corrections": rows(
        "subject field original corrected organization comment",
        (PROJECT[7], "implementer", "UNOCD", "UNODC", UNODC, UNOCD_NOTE),
    ),
    # 13. organisations with parent and IATI identifier / type (organizations.yaml), by name
    "organizations-parents-iati": rows(
        "organization parent iatiIdentifier iatiTypeCode iatiType",
        ("1540 Committee", "United Nations Security Council", None, "40", "Multilateral"),
        ("Camden Asset Recovery Inter-Agency Network", None, None, None, None),
        ("Canadian Commercial Corporation", "Government of Canada", None, None, None),
        ("Canadian Police College", "Government of Canada", None, None, None),
        ("Caribbean Epidemiology Centre", None, "XM-DAC-47012", "40", "Multilateral"),
        (CFATF, None, None, "40", "Multilateral"),
        (SICA, None, None, "40", "Multilateral"),
        ("Foreign Affairs Media Relations Office", DFAIT, None, None, None),
        (DFAIT, "Government of Canada", "CA-3", "10", "Government"),
        ("Global Counterterrorism Forum", None, None, None, None),
        ("Government of Canada", None, "CA", "10", "Government"),
        (
            "Inter-secretariat Commission to Prevent and Prosecute Trafficking in Persons",
            None,
            None,
            None,
            None,
        ),
        ("International Atomic Energy Agency", None, None, "40", "Multilateral"),
        (INTERPOL, None, None, "40", "Multilateral"),
        (IOM, None, "XM-DAC-47066", "40", "Multilateral"),
        ("Lawyers Without Borders Canada", None, None, None, None),
        (MINISTER_OFFICE, DFAIT, None, None, None),
        ("Organisation for the Prohibition of Chemical Weapons", None, None, "40", "Multilateral"),
        ("Organization of American States", None, "XM-DAC-47079", "40", "Multilateral"),
        ("Regional Security System of the Eastern Caribbean", None, None, "40", "Multilateral"),
        (OAS_SMS, "Organization of American States", None, "40", "Multilateral"),
        ("United Nations", None, None, "40", "Multilateral"),
        (UNODC, "United Nations", "XM-DAC-41128", "40", "Multilateral"),
        ("United Nations Office on Drugs and Crime Justice Section", UNODC, None, "40", "Multilateral"),
        ("United Nations Security Council", "United Nations", None, "40", "Multilateral"),
    ),
    # 14. facts read between the lines: the record's notes, plus the implicit program of projects 2-13
    "inferred-facts": rows(
        "number subject field note",
        # Derived facts without a position: the names we give grants, the release's publisher.
        *((None, f"Canada’s contribution to {t}", "name", GRANT_NAME_NOTE) for t in sorted(PROJECT.values())),
        (None, "Canada Contributes to Improving Security in the Americas", "publisher", PUBLISHER_NOTE),
        *sorted(
            [
                *((n, PROJECT[n], "dac-sector", dac_note(code, theme)) for n, code, theme in DAC_FROM_THEMES),
                (
                    1,
                    PROJECT[1],
                    "implementer",
                    "The implementer is named in the project title.",
                ),
                (
                    1,
                    PROJECT[1],
                    "program",
                    "The release names this program in its paragraph on United Nations Security Council "
                    "Resolution 1540 (2004), which no other project of the backgrounder supports.",
                ),
                (
                    1,
                    PROJECT[1],
                    "region",
                    "The project names no region; its implementer (Central "
                    "American Integration System) serves "
                    "this region, Central America.",
                ),
                (2, PROJECT[2], "implementer", "The implementer is named in the project title."),
                (2, PROJECT[2], "program", PROGRAM_NOTE),
                (3, PROJECT[3], "program", PROGRAM_NOTE),
                (
                    3,
                    PROJECT[3],
                    "region",
                    "The project names no region; the backgrounder ties all its "
                    "projects to the Central American "
                    "Integration System, which serves this region, Central America.",
                ),
                *((n, PROJECT[n], "program", PROGRAM_NOTE) for n in (4, 5, 6, 7, 8, 9)),
                (10, PROJECT[10], "program", PROGRAM_NOTE),
                (10, PROJECT[10], "region", OAS_REGION_NOTE),
                (11, PROJECT[11], "program", PROGRAM_NOTE),
                (11, PROJECT[11], "region", OAS_REGION_NOTE),
                (12, PROJECT[12], "program", PROGRAM_NOTE),
                (13, PROJECT[13], "program", PROGRAM_NOTE),
                (
                    13,
                    PROJECT[13],
                    "region",
                    "The project names no region; its implementer (Caribbean "
                    "Financial Action Task Force) serves "
                    "this region, Caribbean.",
                ),
            ],
            key=lambda row: (row[0], row[2], row[3]),
        ),
    ),
    # 15. Wikidata links (places.yaml, organizations.yaml `wikidata:`), by kind and name
    "wikidata-links": rows(
        "kind name wikidata",
        ("city", "Guatemala City", wd("Q1555")),
        ("country", "Belize", wd("Q242")),
        ("country", "Canada", wd("Q16")),
        ("country", "Costa Rica", wd("Q800")),
        ("country", "Dominican Republic", wd("Q786")),
        ("country", "El Salvador", wd("Q792")),
        ("country", "Guatemala", wd("Q774")),
        ("country", "Honduras", wd("Q783")),
        ("country", "Mexico", wd("Q96")),
        ("country", "Nicaragua", wd("Q811")),
        ("country", "Panama", wd("Q804")),
        ("organization", SICA, wd("Q190028")),
        ("organization", INTERPOL, wd("Q8475")),
        ("organization", IOM, wd("Q472311")),
        ("organization", "Organization of American States", wd("Q123759")),
        ("organization", "United Nations", wd("Q1065")),
        ("organization", "United Nations Security Council", wd("Q37470")),
        ("region", "Americas", wd("Q828")),
        ("region", "Caribbean", wd("Q664609")),
        ("region", "Central America", wd("Q27611")),
        ("region", "Latin America", wd("Q12585")),
        ("region", "Latin America and the Caribbean", wd("Q72829598")),
        ("region", "Northern America", wd("Q2017699")),
        ("region", "South America", wd("Q18")),
        ("region", "World", wd("Q2")),
    ),
    # 16. Guatemala (Guatemala City) lies in 013 Central America < 419 < 019 Americas < 001 World;
    # project 8 serves "Latin America", which is outside the M49 hierarchy, so it is not found.
    "projects-serving-host-country": rows(
        "country number project region",
        *(
            ("Guatemala", n, PROJECT[n], region)
            for n, region in [
                (1, "Central America"),
                (2, "Central America"),
                (3, "Central America"),
                (4, "Americas"),
                (5, "Central America"),
                (6, "Central America"),
                (7, "Central America"),
                (9, "Americas"),
                (10, "Americas"),
                (11, "Americas"),
                (12, "Central America"),
            ]
        ),
    ),
    # 17. media contacts at the foot of the release
    "media-contacts": rows(
        "release contact kind role organization",
        ("No. 175", "Foreign Affairs Media Relations Office", "organization", None, DFAIT),
        ("No. 175", "John Babcock", "person", "Senior Communications Adviser", MINISTER_OFFICE),
    ),
    # 18. every one of the 13 projects has "Canada is contributing ..." quoted for its amount
    "project-without-sourced-amount": False,
    # 19. organisations named beside the implementer
    "related-organizations": rows(
        "number project organization",
        (1, PROJECT[1], "1540 Committee"),
        (5, PROJECT[5], "Camden Asset Recovery Inter-Agency Network"),
        (6, PROJECT[6], "Inter-secretariat Commission to Prevent and Prosecute Trafficking in Persons"),
    ),
}

# --- Helpers --------------------------------------------------------------------------------

NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")  # no leading zeros: "013" stays a code


def query_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(QUERIES.glob("*.rq"))}


def normalise(value: str) -> Decimal | str:
    """Numbers compare by value ("5276000" == "5276000.0"); everything else as text."""
    return Decimal(value) if NUMBER.fullmatch(value) else value


def normalised(records: list[dict[str, str]]) -> list[dict[str, Decimal | str]]:
    return [{k: normalise(v) for k, v in row.items()} for row in records]


def without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def is_ordered(text: str) -> bool:
    """True when the outermost query has ORDER BY (one after the last closing brace)."""
    body = without_comments(text)
    return re.search(r"\bORDER\s+BY\b", body[body.rfind("}") :], re.IGNORECASE) is not None


def row_key(row: dict[str, Decimal | str]) -> list[tuple[str, str]]:
    return sorted((k, str(v)) for k, v in row.items())


# --- Tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store() -> KgStore:
    dataset = build_project(Settings(data_dir=ROOT / "data"))
    kg_store = KgStore()
    kg_store.load(serialize(dataset, RdfFormat.NQUADS), RdfFormat.NQUADS)
    return kg_store


def test_hand_sums() -> None:
    def total(keep: Callable[[str, str], bool]) -> int:
        return sum(figure for _, org, prog, figure, _, _ in GRANTS if keep(org, prog))

    assert len(GRANTS) == 13
    assert total(lambda org, prog: True) == SUM_ALL == 5_276_000
    assert total(lambda org, prog: org == UNODC) == SUM_UNODC
    assert total(lambda org, prog: org == OAS_SMS) == SUM_OAS_SMS
    assert total(lambda org, prog: prog == ACCBP) == SUM_ACCBP


def test_every_query_has_an_expected_answer() -> None:
    files = set(query_files())
    assert len(files) >= 14
    assert sorted(files - set(EXPECTED)) == [], "queries without an EXPECTED answer"
    assert sorted(set(EXPECTED) - files) == [], "EXPECTED answers without a query file"


@pytest.mark.parametrize("name", sorted(query_files()))
def test_query_header(name: str) -> None:
    lines = query_files()[name].read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"# title: \S.*", lines[0]), f"{name}: first line must be '# title: ...'"
    assert re.fullmatch(r"# question: \S.*[?.]", lines[1]), f"{name}: second line must be '# question: ...'"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), f"{name}: file names are kebab-case"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_answer(name: str, store: KgStore) -> None:
    path = query_files().get(name)
    assert path is not None, f"queries/{name}.rq is missing"
    text = path.read_text(encoding="utf-8")
    result = store.query(text)  # no predeclared prefixes: each file must declare its own
    expected = EXPECTED[name]
    if isinstance(expected, bool):
        assert result.kind == "boolean"
        assert result.boolean is expected
        return
    assert result.kind == "solutions"
    got, want = normalised(result.records()), normalised(expected)
    if is_ordered(text):
        assert got == want
    else:
        assert sorted(got, key=row_key) == sorted(want, key=row_key)


def test_interpol_offsets_point_at_their_quotes() -> None:
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    expected = EXPECTED["interpol-project-evidence"]
    assert isinstance(expected, list)
    for row in expected:
        assert text[int(row["start"]) : int(row["end"])] == row["exact"]
