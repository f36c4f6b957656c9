"""Labels, languages and amounts as people read them (pure helpers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.web.labels import choose_language, format_amount, format_number, humanize, pick_label, short_name


@pytest.mark.parametrize(
    ("qualifier", "value", "period", "lang", "expected"),
    [
        ("over", "2000000", None, "en", "over $2,000,000"),
        ("approximately", "40000", None, "en", "close to $40,000"),
        ("upTo", "15000000", "P1Y", "en", "up to $15,000,000 a year"),
        ("exact", "151000", None, "en", "$151,000"),
        (None, "5.5", None, "en", "$5.50"),
        ("over", "2000000", None, "fr", "plus de 2\u00a0000\u00a0000\u00a0$"),
        ("approximately", "40000", None, "fr", "près de 40\u00a0000\u00a0$"),
        ("upTo", "15000000", "P1Y", "fr", "jusqu'à 15\u00a0000\u00a0000\u00a0$ par année"),
    ],
)
def test_amounts_keep_their_qualifier(
    qualifier: str | None, value: str, period: str | None, lang: str, expected: str
) -> None:
    assert format_amount(qualifier, Decimal(value), "CAD", period, lang) == expected


def test_amount_edge_cases() -> None:
    assert format_amount("over", None, "CAD", None, "en") is None
    assert format_amount("over", "not a number", "CAD", None, "en") is None
    assert format_amount("exact", "1000", "USD", None, "en") == "USD 1,000"
    assert format_number(Decimal("-1234567.25"), "en") == "-1,234,567.25"


@pytest.mark.parametrize(
    ("param", "header", "expected"),
    [
        (None, None, "en"),
        (None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, "en-GB,en;q=0.9,fr;q=0.8", "en"),
        (None, "de-DE,de;q=0.9", "en"),
        (None, "de, fr;q=0.5", "fr"),
        ("en", "fr", "en"),
        ("fr", None, "fr"),
        ("xx", "fr", "fr"),
        (None, "fr;q=abc, en;q=0.1", "en"),
    ],
)
def test_language_choice(param: str | None, header: str | None, expected: str) -> None:
    assert choose_language(param, header) == expected


def test_label_choice_prefers_the_language_then_untagged_then_english() -> None:
    both = [("Canada", "en"), ("Le Canada", "fr"), ("CA", None)]
    assert pick_label(both, "fr") == "Le Canada"
    assert pick_label(both, "en") == "Canada"
    assert pick_label([("Kanada", "de"), ("CA", None)], "fr") == "CA"
    assert pick_label([("Kanada", "de"), ("Canada", "en")], "fr") == "Canada"
    assert pick_label([], "en") is None


def test_names_of_terms() -> None:
    assert short_name("https://schema.org/MonetaryGrant") == "schema:MonetaryGrant"
    assert short_name("http://example.org/x") == "http://example.org/x"
    assert humanize("https://w3id.org/kg-funding/ontology#beneficiaryRegion") == "beneficiary region"
    assert humanize("http://www.w3.org/ns/prov#wasDerivedFrom") == "was derived from"
