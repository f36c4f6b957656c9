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


# --- additions for `kg extract`: amounts in words, durations, French ------------------------------------

EN_QUALIFIER_WORDS: dict[str, str] = _QUALIFIER_WORDS
EN_PERIODS: dict[str, str] = _PERIODS

_EN_NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_FR_NUMBER_WORDS: dict[str, int] = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60,
}  # fmt: skip
_HUNDRED = {"en": ("hundred",), "fr": ("cent", "cents")}
_LARGE_SCALES: dict[str, dict[str, int]] = {
    "en": {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000},
    "fr": {
        "mille": 1_000,
        "million": 1_000_000,
        "millions": 1_000_000,
        "milliard": 1_000_000_000,
        "milliards": 1_000_000_000,
    },
}
_FILLERS = {"en": ("and",), "fr": ("et",)}


def number_from_words(words: str, language: str = "en") -> Decimal | None:
    """The number that English or French number words spell; None when a word is not a number word.

    >>> number_from_words("two million")
    Decimal('2000000')
    >>> number_from_words("one hundred and twenty-five thousand")
    Decimal('125000')
    >>> number_from_words("a million")
    Decimal('1000000')
    >>> number_from_words("quatre-vingt-dix mille", "fr")
    Decimal('90000')
    >>> number_from_words("deux millions cinq cent mille", "fr")
    Decimal('2500000')
    >>> number_from_words("several million") is None
    True
    >>> number_from_words("million") is None
    True
    >>> number_from_words("mille", "fr")
    Decimal('1000')
    """
    if language not in _LARGE_SCALES:
        raise ValueError(f"no number words for language {language!r}")
    units = _EN_NUMBER_WORDS if language == "en" else _FR_NUMBER_WORDS
    tokens = [t for t in re.split(r"[\s\-]+", words.strip().lower()) if t]
    total = current = 0
    previous = ""
    seen_number = False
    for index, token in enumerate(tokens):
        if token in _FILLERS[language] and seen_number:
            continue
        if token in ("a", "an") and language == "en" and index == 0 and len(tokens) > 1:
            current = 1
        elif token in units:
            value = units[token]
            if language == "fr" and value == 20 and previous == "quatre":
                current += 80 - 4  # quatre-vingt(s) = 80
            else:
                current += value
        elif token in _HUNDRED[language] or token in _LARGE_SCALES[language]:
            if not seen_number and (language == "en" or token.startswith(("million", "milliard"))):
                return None  # "million dollars" alone: the number is missing ("several million")
            if token in _HUNDRED[language]:
                current = (current or 1) * 100
            else:
                total += (current or 1) * _LARGE_SCALES[language][token]
                current = 0
        else:
            return None
        seen_number = True
        previous = token
    if not seen_number:
        return None
    return Decimal(total + current)


def _whole(number: Decimal) -> Decimal:
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


_EN_DURATION = re.compile(r"\s+over\s+(?:\d+|[a-z]+)\s+years?$", re.IGNORECASE)
_EN_WORDS_AMOUNT = re.compile(
    r"^(?:(?P<qual>" + "|".join(sorted(_QUALIFIER_WORDS, key=len, reverse=True)) + r")\s+)?"
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?:\s+(?P<scale>million|billion))?"
    r"|(?P<words>[a-z][a-z\s\-]*?))\s+dollars"
    r"(?:\s+(?P<period>" + "|".join(_PERIODS) + r"))?$",
    re.IGNORECASE,
)


def read_amount_en(stated: str) -> StatedFigure | None:
    """Read English amount words, including the forms ``read_amount`` does not know.

    Whatever ``read_amount`` reads is read the same way; besides, figures in words ("two million
    dollars"), figures followed by "dollars", and a total spread over years ("$6 million over three
    years": the figure is the total, so no rate period):

    >>> read_amount_en("over $5.2\u00a0million")
    StatedFigure(qualifier='over', value=Decimal('5200000'), period=None)
    >>> read_amount_en("nearly two million dollars")
    StatedFigure(qualifier='approximately', value=Decimal('2000000'), period=None)
    >>> read_amount_en("$4.5 million over three years")
    StatedFigure(qualifier='exact', value=Decimal('4500000'), period=None)
    >>> read_amount_en("$2.5-million")
    StatedFigure(qualifier='exact', value=Decimal('2500000'), period=None)
    >>> read_amount_en("several million dollars") is None
    True
    """
    figure = read_amount(stated)
    if figure is not None:
        return figure
    words = " ".join(stated.replace("\u00a0", " ").split())
    words = re.sub(r"(?<=\d)-(?=(?:million|billion)\b)", " ", words, flags=re.IGNORECASE)
    words = _EN_DURATION.sub("", words)
    figure = read_amount(words)
    if figure is not None:
        return figure
    match = _EN_WORDS_AMOUNT.match(words)
    if match is None:
        return None
    if match["words"]:
        number = number_from_words(match["words"], "en")
        if number is None:
            return None
    else:
        number = Decimal(match["num"].replace(",", "") + (f".{match['frac']}" if match["frac"] else ""))
        if match["scale"]:
            number *= _SCALES[match["scale"].lower()]
    qualifier = _QUALIFIER_WORDS[match["qual"].lower()] if match["qual"] else "exact"
    period = _PERIODS[match["period"].lower()] if match["period"] else None
    return StatedFigure(qualifier, _whole(number), period)


# French: "plus de 2 millions de dollars", "près de 40 000 $", "jusqu'à 15 millions de dollars par année".
FR_QUALIFIER_WORDS: dict[str, str] = {
    "un peu plus de": "over",
    "un peu plus d'": "over",
    "plus de": "over",
    "plus d'": "over",
    "au-delà de": "over",
    "près de": "approximately",
    "environ": "approximately",
    "presque": "approximately",
    "quelque": "approximately",
    "approximativement": "approximately",
    "jusqu'à": "up-to",
    "un maximum de": "up-to",
}
FR_PERIODS: dict[str, str] = {
    "par année": "P1Y",
    "par an": "P1Y",
    "annuellement": "P1Y",
    "chaque année": "P1Y",
    "par mois": "P1M",
}
_FR_SCALES = {"million": 1_000_000, "millions": 1_000_000, "milliard": 10**9, "milliards": 10**9}
_FR_AMOUNT = re.compile(
    r"^(?:(?P<qual>" + "|".join(sorted(FR_QUALIFIER_WORDS, key=len, reverse=True)) + r")\s*)?"
    r"(?:(?P<num>\d{1,3}(?: \d{3})+|\d+)(?:,(?P<frac>\d+))?(?:\s*(?P<scale>millions?|milliards?))?"
    r"|(?P<words>[a-zà-ÿ][a-zà-ÿ\s\-]*?))"
    r"\s*(?:de\s+dollars|d'\s*dollars|dollars|\$)"
    r"(?:\s+(?P<period>" + "|".join(FR_PERIODS) + r"))?"
    r"(?:\s+sur\s+(?:\d+|[a-zà-ÿ]+)\s+ans)?$",
    re.IGNORECASE,
)


def read_amount_fr(stated: str) -> StatedFigure | None:
    """Read French amount words; None when the words are not of a known form.

    >>> read_amount_fr("plus de 2 millions de dollars")
    StatedFigure(qualifier='over', value=Decimal('2000000'), period=None)
    >>> read_amount_fr("près de 40\u00a0000 $")
    StatedFigure(qualifier='approximately', value=Decimal('40000'), period=None)
    >>> read_amount_fr("jusqu’à 15 millions de dollars par année")
    StatedFigure(qualifier='up-to', value=Decimal('15000000'), period='P1Y')
    >>> read_amount_fr("5,2 millions de dollars")
    StatedFigure(qualifier='exact', value=Decimal('5200000'), period=None)
    >>> read_amount_fr("plus d’un million de dollars")
    StatedFigure(qualifier='over', value=Decimal('1000000'), period=None)
    """
    words = stated.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    words = " ".join(words.split())
    match = _FR_AMOUNT.match(words)
    if match is None:
        return None
    if match["words"]:
        number = number_from_words(match["words"], "fr")
        if number is None:
            return None
    else:
        number = Decimal(match["num"].replace(" ", "") + (f".{match['frac']}" if match["frac"] else ""))
        if match["scale"]:
            number *= _FR_SCALES[match["scale"].lower()]
    qualifier = FR_QUALIFIER_WORDS[match["qual"].lower()] if match["qual"] else "exact"
    period = FR_PERIODS[match["period"].lower()] if match["period"] else None
    return StatedFigure(qualifier, _whole(number), period)


def read_stated_amount(stated: str, language: str = "en") -> StatedFigure | None:
    """Read amount words in the release's language (``en`` or ``fr``).

    >>> read_stated_amount("close to $40,000").value
    Decimal('40000')
    >>> read_stated_amount("près de 40 000 $", "fr").qualifier
    'approximately'
    """
    if language == "fr":
        return read_amount_fr(stated)
    return read_amount_en(stated)
