"""Amounts and dates agree with their words: an amount's figure, qualifier, period and currency with its
``kg:statedAs``, the words with the quote of its evidence, a release's date with its dateline.

The words are read by :mod:`kg.amounts` (the parser the records use): "over" is a lower bound
(``schema:minValue``), "close to", "nearly", "approximately" an approximate ``schema:value``, "up to" an upper
bound (``schema:maxValue``), "$2 million" is 2,000,000 and "$85,000" 85,000, in Canadian dollars.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from rdflib import Graph
from rdflib.term import Node

from kg.amounts import StatedFigure, read_stated_amount
from kg.report import Violation
from kg.vocab import KG, PROV, RDF, SCHEMA

from .common import evidence_of, flat, number, quote_of, text_of, violation

QUALIFIERS = {"exact": KG.exact, "approximately": KG.approximately, "over": KG.over, "up-to": KG.upTo}
QUALIFIER_WORDS = {
    KG.exact: "exact",
    KG.approximately: "approximate",
    KG.over: "a lower bound",
    KG.upTo: "an upper bound",
}
# Who states an amount, and the evidence field of that statement.
HOLDERS = ((SCHEMA.amount, "amount"), (KG.announcedTotal, "total"), (KG.annualCap, "annual-cap"))


def _language(graph: Graph, amount: Node, holders: list[Node]) -> str:
    releases = [graph.value(h, KG.announcedIn) for h in holders] + holders
    releases += list(graph.objects(amount, PROV.wasDerivedFrom))
    for release in releases:
        if release is not None and (lang := text_of(graph, release, SCHEMA.inLanguage)):
            return lang
    return "en"


def _read(words: str, language: str) -> StatedFigure | None:
    return read_stated_amount(words, language) or read_stated_amount(
        words, "fr" if language == "en" else "en"
    )


def _money(value: Decimal) -> str:
    """85000 as "85,000" (never "8.5E+4")."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,f}"


def _agree(graph: Graph, amount: Node, words: str, figure: StatedFigure) -> Iterator[Violation]:
    qualifier = graph.value(amount, KG.qualifier)
    said = QUALIFIERS[figure.qualifier]
    if qualifier != said:
        message = (
            f"The words {words!r} state {QUALIFIER_WORDS[said]} figure, but the amount is qualified "
            f"{qualifier} (kg:{said.split('#')[-1]} expected)."
        )
        yield violation(graph, amount, "ProofAmountWords", message, path=KG.qualifier, value=qualifier)
    for prop in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue):
        stated = number(graph.value(amount, prop))
        if stated is not None and stated != figure.value.normalize():
            message = (
                f"The words {words!r} say {_money(figure.value)} CAD, but the figure is {_money(stated)}."
            )
            yield violation(
                graph, amount, "ProofAmountWords", message, path=prop, value=graph.value(amount, prop)
            )
    period = text_of(graph, amount, KG.period)
    if period != figure.period:
        said_period = f"the period {figure.period}" if figure.period else "no period"
        message = f"The words {words!r} state {said_period}, but kg:period is {period or 'absent'}."
        yield violation(graph, amount, "ProofAmountWords", message, path=KG.period)
    currency = text_of(graph, amount, SCHEMA.currency)
    if currency != "CAD":
        message = (
            f"The words {words!r} state Canadian dollars ($), but the currency is {currency or 'absent'}."
        )
        yield violation(graph, amount, "ProofAmountWords", message, path=SCHEMA.currency)


def prove_amounts(graph: Graph) -> Iterator[Violation]:
    """Each amount's words, figure, qualifier, period and currency agree; its evidence quotes the words."""
    for amount in sorted(graph.subjects(RDF.type, SCHEMA.MonetaryAmount), key=str):
        holders = [(h, field) for p, field in HOLDERS for h in graph.subjects(p, amount)]
        evidence = [e for h, field in holders for e in evidence_of(graph, h, field)]
        words = text_of(graph, amount, KG.statedAs)
        if not evidence:
            message = "The amount has no evidence: no quote of a source states it."
            yield violation(graph, amount, "ProofAmountEvidence", message, value=amount)
        if words is None:
            continue  # the shapes require kg:statedAs
        figure = _read(words, _language(graph, amount, [h for h, _ in holders]))
        if figure is None:
            message = f"The words {words!r} cannot be read as an amount (kg.amounts knows no such form)."
            yield violation(graph, amount, "ProofAmountWords", message, path=KG.statedAs)
        else:
            yield from _agree(graph, amount, words, figure)
        quotes = [q for e in evidence if (q := quote_of(graph, e)) is not None]
        if quotes and not any(flat(words) in flat(q) for q in quotes):
            message = f"The words {words!r} are not in the quote of the amount's evidence ({evidence[0]})."
            yield violation(graph, amount, "ProofAmountEvidence", message, path=KG.statedAs)


_EN_MONTHS = "january february march april may june july august september october november december"
_FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        zip(
            _EN_MONTHS.split(),
            _FR_MONTHS.split(),
            strict=True,
        )
    )
    for m in names
}
_MONTH = "|".join(_MONTHS)
_EN_DATE = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_FR_DATE = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)
_EN_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\s*([ap])\.?\s*m\b", re.IGNORECASE)
_FR_TIME = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})\b")


def read_dateline(text: str) -> tuple[str | None, str | None]:
    """The date (YYYY-MM-DD) and time (hh:mm, 24 h) a dateline states, each None when it states none."""
    date = None
    if match := _EN_DATE.search(text):
        date = f"{int(match[3]):04d}-{_MONTHS[match[1].lower()]:02d}-{int(match[2]):02d}"
    elif match := _FR_DATE.search(text):
        date = f"{int(match[3]):04d}-{_MONTHS[match[2].lower()]:02d}-{int(match[1]):02d}"
    time = None
    if match := _EN_TIME.search(text):
        hour = int(match[1]) % 12 + (12 if match[3].lower() == "p" else 0)
        time = f"{hour:02d}:{match[2]}"
    elif match := _FR_TIME.search(text):
        time = f"{int(match[1]):02d}:{match[2]}"
    return date, time


def prove_dates(graph: Graph) -> Iterator[Violation]:
    """A release's date (and time, when the dateline gives one) is the one its dateline states."""
    for release in sorted(graph.subjects(RDF.type, KG.NewsRelease), key=str):
        published = text_of(graph, release, SCHEMA.datePublished)
        if published is None:
            continue  # the shapes require it
        datelines = [q for e in evidence_of(graph, release, "dateline") if (q := quote_of(graph, e))]
        if not datelines:
            message = f"The release date {published} has no evidence: no dateline quote states it."
            yield violation(graph, release, "ProofReleaseDate", message, path=SCHEMA.datePublished)
            continue
        date, time = read_dateline(datelines[0])
        stated_time = published[11:16] if len(published) > 10 else None
        if date is None:
            message = f"The dateline {datelines[0]!r} states no date that can be read."
            yield violation(graph, release, "ProofReleaseDate", message, path=SCHEMA.datePublished)
        elif date != published[:10] or (time and stated_time and time != stated_time):
            said = date + (f" {time}" if time else "")
            message = (
                f"The release date {published} is not the one its dateline {datelines[0]!r} states ({said})."
            )
            yield violation(graph, release, "ProofReleaseDate", message, path=SCHEMA.datePublished)


__all__ = ["prove_amounts", "prove_dates", "read_dateline"]
