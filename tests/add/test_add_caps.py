"""`kg add` and program caps: a release restating the cap the graph has is added, with its own evidence; a
release stating another cap (or the same one in other words) is refused, changing nothing.

Every test works on a copy of the project (data/ and a built dist/) in a temporary folder. The releases are
written here in the layout of the curated records, restating ACCBP's yearly cap as the 2010-2014 releases do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.add import add_release
from kg.amounts import read_amount
from kg.cli import main
from kg.settings import Settings
from kg.store import KgStore
from kg.synth import SynthRelease
from kg.vocab import PREFIXES

from .support import BASE, ROOT, file_hashes, settings_of

SEED = "news-release-175-2011-06-22"
SEED_CAP_SENTENCE = (
    "Canada’s contribution is funded by Foreign Affairs and International Trade Canada’s Anti-Crime"
)


def _period(cap: str) -> str | None:
    """The period the cap's words state ("a year" -> P1Y, "a month" -> P1M), as the record must give it."""
    figure = read_amount(cap)
    assert figure is not None, cap
    return figure.period


def _release(
    number: int, day: int, cap: str = "up to $15 million a year", value: int = 15_000_000
) -> SynthRelease:
    """A one-project ACCBP release of January 2012 whose program sentence states the cap as ``cap``."""
    release_id = f"news-release-{number}-2012-01-{day:02d}"
    headline = "Canada Helps Fight Drug Trafficking in the Dominican Republic"
    dateline = f"(No. {number} - January {day}, 2012 - 2:15 p.m. ET)"
    announced = (
        "The Honourable Diane Ablonczy, Minister of State of Foreign Affairs (Americas and Consular "
        "Affairs), today announced $850,000 in funding for a project to strengthen the fight against drug "
        "trafficking in the Dominican Republic."
    )
    program = (
        "Canada’s support is provided through Foreign Affairs and International Trade Canada’s Anti-Crime "
        f"Capacity Building Program (ACCBP), which provides {cap} to help beneficiary states prevent and "
        "respond to transnational criminal activity in the Americas."
    )
    backgrounder = "Backgrounder - ACCBP Project in the Dominican Republic"
    title = f"Strengthening Drug Investigations in the Dominican Republic ({number})"
    description = (
        "This project, implemented by the United Nations Office on Drugs and Crime (UNODC), will train "
        "investigators and prosecutors of the Dominican Republic to handle complex drug-trafficking cases."
    )
    contributing = "Canada is contributing $850,000."
    text = (
        f"{headline}\n\n{dateline}\n\n{announced}\n\n{program}\n\n- 30 -\n\nFor further information, media "
        "representatives may contact:\n\nJohn Babcock\nPress Secretary\n\n"
        f"{backgrounder}\n\n1. {title}\n\n{description}\n\n{contributing}\n"
    )

    def at(sentence: str) -> dict[str, Any]:
        return {"quote": sentence, "at": text.index(sentence)}

    exact = {"stated": "$850,000", "qualifier": "exact", "value": 850_000}
    record: dict[str, Any] = {
        "id": release_id,
        "source": f"{release_id}.txt",
        "language": "en",
        "number": number,
        "headline": {"text": headline, "at": 0},
        "dateline": {"text": dateline, "at": text.index(dateline)},
        "published": f"2012-01-{day:02d}T14:15:00-05:00",
        "publisher": "dfait",
        "announced_by": [{"person": "diane-ablonczy", **at(announced)}],
        "total": {**exact, **at(announced)},
        "programs": [
            {
                "program": "accbp",
                **at(program),
                "cap": {"stated": cap, "qualifier": "up-to", "value": value, "period": _period(cap)},
            }
        ],
        "contacts": [{"person": "john-babcock", **at("John Babcock")}],
        "backgrounder": {"title": {"text": backgrounder, "at": text.index(backgrounder)}},
        "projects": [
            {
                "number": 1,
                "id": f"strengthening-drug-investigations-in-the-dominican-republic-{number}",
                "title": {"text": title, "at": text.index(title)},
                "description": {"text": description, "at": text.index(description)},
                "implementers": [{"organization": "unodc", **at(description)}],
                "amount": {**exact, **at(contributing)},
                "regions": [{"region": "do", **at(description)}],
            }
        ],
    }
    return SynthRelease(release_id, record, record["source"], text)


def _query(settings: Settings, query: str) -> list[dict[str, str]]:
    store = KgStore()
    store.load_file(settings.dist_dir / "kg.nq")
    return store.query(query, prefixes=PREFIXES).records()


@pytest.mark.parametrize("words", ["up to $15 million a year", "up to $15 million annually"])
def test_a_release_restating_the_cap_is_added_with_its_own_evidence(
    work: Path, tmp_path: Path, words: str
) -> None:
    """In the same words or others: the cap keeps the first release's wording, each release its sentence."""
    settings = settings_of(work)
    restating = _release(12, 24, words)
    record, _ = restating.write(tmp_path / "incoming")
    result = add_release(settings, record)
    assert result.added, result.check.report.as_text() if result.check.report else result.check.duplicates
    rows = _query(
        settings,
        f"""SELECT ?graph ?evidence ?exact ?cap WHERE {{
            GRAPH ?graph {{ ?evidence kg:evidenceFor <{BASE}program/accbp> ; kg:evidenceField "annual-cap" ;
                oa:hasSelector [ oa:exact ?exact ] }}
            <{BASE}program/accbp> kg:annualCap/schema:maxValue ?cap .
        }} ORDER BY ?evidence""",
    )
    # One cap (one figure), two pieces of evidence: each release's own sentence, in its own named graph.
    assert [(r["graph"], r["evidence"], r["cap"]) for r in rows] == [
        (
            f"{BASE}graph/{restating.id}",
            f"{BASE}evidence/program-accbp-annual-cap-{restating.id}",
            "15000000",
        ),
        (f"{BASE}graph/{SEED}", f"{BASE}evidence/program-accbp-annual-cap-{SEED}", "15000000"),
    ]
    assert rows[0]["exact"] == restating.record["programs"][0]["quote"] and words in rows[0]["exact"]
    assert rows[1]["exact"].startswith(SEED_CAP_SENTENCE) and "up to $15 million a year" in rows[1]["exact"]
    # The cap's triples are in the first release's graph only; each release says it states the cap.
    cap = f"<{BASE}amount/program-accbp-cap>"
    assert _query(settings, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?program kg:annualCap {cap} }} }}") == [
        {"g": f"{BASE}graph/{SEED}"}
    ]
    derived = _query(settings, f"SELECT ?r WHERE {{ {cap} prov:wasDerivedFrom ?r }} ORDER BY ?r")
    assert derived == [{"r": f"{BASE}release/{restating.id}"}, {"r": f"{BASE}release/{SEED}"}]
    # So a competency question over the union of the graphs still sees the cap once.
    versus = _query(settings, (ROOT / "queries" / "total-by-program-vs-cap.rq").read_text(encoding="utf-8"))
    accbp = [r for r in versus if r["program"] == "Anti-Crime Capacity Building Program"]
    assert [(r["cap"], r["capStated"], r["grants"]) for r in accbp] == [
        # Each year against the annual cap: the seed's 12 ACCBP grants of 2011, then this release's one.
        ("15000000", "up to $15 million a year", "12"),
        ("15000000", "up to $15 million a year", "1"),
    ]
    dirs = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]
    validated = CliRunner().invoke(main, [*dirs, "validate"])
    assert validated.exit_code == 0, validated.stdout


@pytest.mark.parametrize(
    ("cap", "value", "expected"),
    [
        (
            "up to $20 million a year",
            20_000_000,
            "program 'accbp': this record states an annual cap of 'up to $20 million a year' (upTo "
            "20000000 per P1Y), but the graph has 'up to $15 million a year' (upTo 15000000 per P1Y), "
            f"stated by release '{SEED}' (and 1 other release(s)). The graph holds one annual cap per "
            "program (kg:annualCap); a changed cap would need a dated model of caps",
        ),
        (
            "up to $15 million a month",
            15_000_000,
            "program 'accbp': this record states an annual cap of 'up to $15 million a month' (upTo "
            "15000000 per P1M), but the graph has 'up to $15 million a year' (upTo 15000000 per P1Y)",
        ),
    ],
    ids=["another figure", "another period"],
)
def test_another_cap_is_refused_and_nothing_changes(
    work: Path, tmp_path: Path, cap: str, value: int, expected: str
) -> None:
    settings = settings_of(work)
    # A restatement first: the message names the release that stated the cap first (by date, not by id).
    record, _ = _release(12, 24).write(tmp_path / "restating")
    assert add_release(settings, record).added
    before = file_hashes(work)
    changed, _ = _release(13, 25, cap, value).write(tmp_path / "changed")
    result = add_release(settings, changed)
    assert not result.added and result.check.report is None
    assert len(result.check.duplicates) == 1 and result.check.duplicates[0].startswith(expected)
    assert file_hashes(work) == before


@pytest.mark.parametrize(
    ("cap", "value", "conforms"),
    [
        ("up to $15 million a year", 15_000_000, True),
        ("up to $15 million annually", 15_000_000, True),
        ("up to $20 million a year", 20_000_000, False),
    ],
    ids=["the same cap", "the same cap in other words", "another cap"],
)
def test_kg_build_over_records_restating_a_cap(work: Path, cap: str, value: int, conforms: bool) -> None:
    """Written into data/ by hand (no `kg add`): the same cap builds and validates; another one is not
    dropped but reported, since the cap then has two figures and two wordings."""
    settings = settings_of(work)
    release = _release(12, 24, cap, value)
    release.write(settings.releases_dir)
    (settings.releases_dir / release.source_name).rename(settings.sources_dir / release.source_name)
    dirs = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist")]
    assert CliRunner().invoke(main, [*dirs, "build"]).exit_code == 0
    validated = CliRunner().invoke(main, [*dirs, "validate"])
    assert validated.exit_code == (0 if conforms else 1), validated.stdout
    if not conforms:
        assert "An amount has at most one upper bound" in validated.stdout
