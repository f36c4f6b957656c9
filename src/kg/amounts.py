"""Read a stated amount ("over $2 million", "close to $40,000", "up to $15 million a year").

The figure is kept exactly as written (no rounding); the qualifier says how to read it:

>>> read_amount("over $5.2\u00a0million")
StatedFigure(qualifier='over', value=Decimal('5200000'), period=None)
>>> read_amount("close to $40,000")
StatedFigure(qualifier='approximately', value=Decimal('40000'), period=None)
>>> read_amount("up to $15 million a year")
StatedFigure(qualifier='up-to', value=Decimal('15000000'), period='P1Y')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

QUALIFIERS = ("exact", "over", "approximately", "up-to")

# Words before the figure, longest first; each maps to one qualifier of the ontology.
_QUALIFIER_WORDS: dict[str, str] = {
    "more than": "over",
    "in excess of": "over",
    "over": "over",
    "close to": "approximately",
    "approximately": "approximately",
    "nearly": "approximately",
    "almost": "approximately",
    "about": "approximately",
    "around": "approximately",
    "roughly": "approximately",
    "up to": "up-to",
    "as much as": "up-to",
}
_SCALES = {
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
    "m": Decimal(1_000_000),
}
_PERIODS = {
    "a year": "P1Y",
    "per year": "P1Y",
    "annually": "P1Y",
    "each year": "P1Y",
    "a month": "P1M",
}

_AMOUNT = re.compile(
    r"^(?:(?P<qual>" + "|".join(sorted(_QUALIFIER_WORDS, key=len, reverse=True)) + r")\s+)?"
    r"\$\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?:\s*(?P<scale>million|billion|M)\b)?"
    r"(?:\s+(?P<period>" + "|".join(_PERIODS) + r"))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatedFigure:
    """What an amount's words say: the qualifier, the exact figure in dollars and a rate period."""

    qualifier: str
    value: Decimal
    period: str | None


def read_amount(stated: str) -> StatedFigure | None:
    """Read English amount words; None when the words are not of a known form."""
    words = " ".join(stated.replace("\u00a0", " ").split())
    match = _AMOUNT.match(words)
    if match is None:
        return None
    number = Decimal(match["num"].replace(",", "") + (f".{match['frac']}" if match["frac"] else ""))
    if match["scale"]:
        number *= _SCALES[match["scale"].lower()]
    qualifier = _QUALIFIER_WORDS[match["qual"].lower()] if match["qual"] else "exact"
    period = _PERIODS[match["period"].lower()] if match["period"] else None
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return StatedFigure(qualifier, number, period)
