"""Find the amounts of money a sentence states, with the words that state them.

The words found (``stated``) are kept exactly as in the source, and read by :mod:`kg.amounts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.amounts import (
    EN_PERIODS,
    EN_QUALIFIER_WORDS,
    FR_PERIODS,
    FR_QUALIFIER_WORDS,
    StatedFigure,
    read_stated_amount,
)
from kg.extract.text import Document


def _alternatives(words: dict[str, str]) -> str:
    forms = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)


_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_EN_NUMBER = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|hundred|thousand|million|billion)"
)
_FR_NUMBER = (
    r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
    r"|seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille|millions?|milliards?)"
)
_EN = re.compile(
    r"(?<![\w$])(?:(?P<qual>" + _alternatives(EN_QUALIFIER_WORDS) + r")\s+)?"
    r"(?:\$\s?" + _DIGITS + r"(?:[\s-]*(?:million|billion)\b|M\b)?"
    r"|" + _DIGITS + r"\s+(?:(?:million|billion)\s+)?dollars\b"
    r"|(?:an?\s+)?" + _EN_NUMBER + r"(?:(?:\s+|-|\s+and\s+)" + _EN_NUMBER + r")*\s+dollars\b)"
    r"(?:\s+(?:" + _alternatives(EN_PERIODS) + r"))?"
    r"(?:\s+over\s+(?:\d+|[a-z]+)\s+years?\b)?",
    re.IGNORECASE,
)
_FR = re.compile(
    r"(?<![\w$])(?:(?P<qual>" + _alternatives(FR_QUALIFIER_WORDS) + r")\s*)?"
    r"(?:(?:\d{1,3}(?:\s\d{3})+|\d+)(?:,\d+)?\s*(?:(?:millions?|milliards?)\s*)?(?:de\s+dollars\b|dollars\b|\$)"
    r"|" + _FR_NUMBER + r"(?:(?:\s+|-|\s+et\s+)" + _FR_NUMBER + r")*\s+(?:de\s+dollars|dollars)\b)"
    r"(?:\s+(?:" + _alternatives(FR_PERIODS) + r"))?"
    r"(?:\s+sur\s+(?:\d+|[a-zé]+)\s+ans\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """An amount stated at ``start:end`` and what it reads as."""

    start: int
    end: int
    stated: str
    figure: StatedFigure


def find_amounts(doc: Document, start: int, end: int, language: str) -> list[Found]:
    """The amounts in ``text[start:end]`` that read as a figure, in text order."""
    pattern = _FR if language == "fr" else _EN
    found: list[Found] = []
    for match in pattern.finditer(doc.norm, start, end):
        stated = doc.text[match.start() : match.end()]
        figure = read_stated_amount(stated, language)
        if figure is not None:
            found.append(Found(match.start(), match.end(), stated, figure))
    return found


_MONEY = re.compile(r"\$|\bdollars?\b", re.IGNORECASE)


def unread_money(doc: Document, start: int, end: int, found: list[Found]) -> list[int]:
    """Offsets of money words ("$", "dollars") in ``text[start:end]`` that no amount read covers."""
    return [
        m.start()
        for m in _MONEY.finditer(doc.norm, start, end)
        if not any(f.start <= m.start() < f.end for f in found)
    ]


def amount_fields(found: Found) -> dict[str, object]:
    """The ``stated``/``qualifier``/``value``/``period`` fields of a record amount."""
    value = found.figure.value
    fields: dict[str, object] = {
        "stated": found.stated,
        "qualifier": found.figure.qualifier,
        "value": int(value) if value == value.to_integral_value() else value,
    }
    if found.figure.period:
        fields["period"] = found.figure.period
    return fields
