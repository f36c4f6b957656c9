"""The pure parts of kg.proof: datelines read, names found in quotes, results joined to the SHACL report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.cli import main
from kg.proof import prove, read_dateline
from kg.proof.facts import _contains
from kg.vocab import KG, RDF, SCHEMA

from .conftest import validate
from .test_tampering import SICA_AMOUNT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(No. 175 - June 22, 2011 - 8:45 p.m. ET)", ("2011-06-22", "20:45")),
        ("April 30, 2012 - The Honourable Diane Ablonczy", ("2012-04-30", None)),
        ("Ottawa, Ontario, March 3, 2010 —", ("2010-03-03", None)),
        ("(No 12 - 1er février 2012 - 14 h 15 HE)", ("2012-02-01", "14:15")),
        ("12:30 a.m., Sept. 4 2013", (None, "00:30")),
        ("no date here", (None, None)),
    ],
)
def test_read_dateline(text: str, expected: tuple[str | None, str | None]) -> None:
    assert read_dateline(text) == expected


@pytest.mark.parametrize(
    ("quote", "name", "named"),
    [
        ("The UNODC will", "UNODC", True),
        ("The UNODCX will", "UNODC", False),  # whole words only
        ("network of Central American units", "Central America", True),
        ("agencies in Central and South America.", "Central America", True),
        ("one in Central and the other in South America.", "Central America", True),
        ("en Amérique centrale et du Sud", "Amérique du Sud", True),
        (
            "contained in UN Security Council Resolution 1540.",
            "United Nations Security Council Resolution 1540 (2004)",
            True,
        ),
        (
            "UN Security Council Resolution (UNSCR) 1540 establishes",
            "United Nations Security Council Resolution 1540 (2004)",
            True,
        ),
        ("Canada’s contribution", "Canada's contribution", True),
        ("in South America", "Central America", False),
    ],
)
def test_a_quote_names_a_thing(quote: str, name: str, named: bool) -> None:
    assert _contains(quote, name) is named


def test_an_amount_whose_words_are_no_amount_is_reported() -> None:
    g = Graph()
    amount = URIRef("https://w3id.org/kg-funding/amount/x")
    g.add((amount, RDF.type, SCHEMA.MonetaryAmount))
    g.add((amount, KG.statedAs, Literal("a great deal of money")))
    messages = [r.message for r in prove(g, {})]
    assert any("cannot be read as an amount" in m for m in messages), messages
    assert any("The amount has no evidence" in m for m in messages), messages


def test_text_and_turtle_reports_carry_the_proofs(work: Path, tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    base = ["--data-dir", str(work / "data"), "--dist-dir", str(work / "dist"), "validate"]
    text = CliRunner().invoke(main, [*base, "--sources", str(empty)])
    assert text.exit_code == 1
    assert text.output.startswith("Does not conform: 1 result(s).")
    assert "news-release-175-2011-06-22.txt is missing" in text.output
    turtle = CliRunner().invoke(main, [*base, "--sources", str(empty), "--format", "turtle"])
    assert turtle.exit_code == 1
    report = Graph().parse(data=turtle.output, format="turtle")
    conforms = list(report.objects(None, URIRef("http://www.w3.org/ns/shacl#conforms")))
    assert conforms == [Literal(False)]
    messages = [str(m) for m in report.objects(None, URIRef("http://www.w3.org/ns/shacl#resultMessage"))]
    assert any("is missing" in m for m in messages)
    code, out = validate(work, work / "dist" / "kg.nq")
    assert code == 0 and json.loads(out)["conforms"] is True
    assert str(SICA_AMOUNT) not in out
