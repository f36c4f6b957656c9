"""Pick what a person reads: the language of a page, the label of a term, an amount as stated.

Pure functions, no Flask and no store: the views hand in the literals they found.

>>> choose_language(None, "fr-CA,fr;q=0.9,en;q=0.8")
'fr'
>>> pick_label([("Belize", "en"), ("Bélize", "fr")], "fr")
'Bélize'
>>> format_amount("over", Decimal("2000000"), "CAD", None, "en")
'over $2,000,000'
>>> format_amount("upTo", Decimal("15000000"), "CAD", "P1Y", "en")
'up to $15,000,000 a year'
>>> format_amount("approximately", Decimal("40000"), "CAD", None, "fr")
'près de 40\\xa0000\\xa0$'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Literal

from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from kg.vocab import PREFIXES, SCHEMA

Lang = Literal["en", "fr"]
LANGUAGES: tuple[Lang, ...] = ("en", "fr")
DEFAULT_LANGUAGE: Lang = "en"

LABEL_PREDICATES: tuple[str, ...] = (
    str(SKOS.prefLabel),
    str(RDFS.label),
    str(SCHEMA.name),
    str(SCHEMA.headline),
    str(DCTERMS.title),
    str(FOAF.name),
)
"""Where a label is looked for, best first."""

_QUALIFIER_WORDS: Mapping[str, Mapping[Lang, str]] = {
    "exact": {"en": "", "fr": ""},
    "over": {"en": "over ", "fr": "plus de "},
    "approximately": {"en": "close to ", "fr": "près de "},
    "upTo": {"en": "up to ", "fr": "jusqu'à "},
}
_PERIOD_WORDS: Mapping[str, Mapping[Lang, str]] = {
    "P1Y": {"en": " a year", "fr": " par année"},
    "P1M": {"en": " a month", "fr": " par mois"},
    "P1W": {"en": " a week", "fr": " par semaine"},
    "P1D": {"en": " a day", "fr": " par jour"},
}
_CURRENCY_SYMBOLS = {"CAD": "$"}


def choose_language(param: str | None, accept_language: str | None) -> Lang:
    """``?lang=`` wins; then the best of en/fr in ``Accept-Language`` (q-values); then English."""
    if param in LANGUAGES:
        return "fr" if param == "fr" else "en"
    best: Lang = DEFAULT_LANGUAGE
    best_q = 0.0
    for element in (accept_language or "")[:1024].split(",")[:32]:
        tag, *params = (p.strip() for p in element.split(";"))
        q = 1.0
        for param_text in params:
            name, _, value = param_text.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-", 1)[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = ("fr" if primary == "fr" else "en"), q
    return best


def pick_label(literals: Iterable[tuple[str, str | None]], lang: str) -> str | None:
    """The literal to show in ``lang``: that language, then untagged, then English, then any."""
    options = sorted(set(literals), key=lambda item: (item[1] or "", item[0]))
    if not options:
        return None

    def rank(item: tuple[str, str | None]) -> int:
        tag = (item[1] or "").lower()
        if tag == lang or tag.startswith(f"{lang}-"):
            return 0
        if not tag:
            return 1
        if tag == "en" or tag.startswith("en-"):
            return 2
        return 3

    return min(options, key=rank)[0]


def short_name(iri: str) -> str:
    """``schema:name`` for a known namespace, else the IRI itself.

    >>> short_name("https://schema.org/fundedItem")
    'schema:fundedItem'
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best = namespace
            name = f"{prefix}:{iri[len(namespace) :]}"
    return name if best else iri


def humanize(iri: str) -> str:
    """A readable fallback label from an IRI's last segment: ``fundedItem`` -> ``funded item``.

    >>> humanize("https://schema.org/fundedItem")
    'funded item'
    """
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", tail).replace("-", " ").replace("_", " ")
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in spaced.split()]
    return " ".join(words) or iri


def _group(digits: str, separator: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def format_number(value: Decimal, lang: str) -> str:
    """``2,000,000`` in English, ``2 000 000`` (no-break spaces) in French; cents only when present."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    fraction = value - whole
    thousands, point = (",", ".") if lang != "fr" else ("\u00a0", ",")
    text = _group(str(whole), thousands)
    if fraction:
        text += point + f"{fraction:.2f}"[2:]
    return sign + text


def format_amount(
    qualifier: str | None, value: Decimal | str | None, currency: str | None, period: str | None, lang: str
) -> str | None:
    """Amount words from ``kg:qualifier`` (local name), the figure, ``schema:currency`` and ``kg:period``."""
    if value is None:
        return None
    try:
        figure = Decimal(str(value))
    except InvalidOperation:
        return None
    words = _QUALIFIER_WORDS.get(qualifier or "exact", _QUALIFIER_WORDS["exact"])
    key: Lang = "fr" if lang == "fr" else "en"
    number = format_number(figure, key)
    code = currency or "CAD"
    symbol = _CURRENCY_SYMBOLS.get(code)
    if symbol is None:
        money = f"{number}\u00a0{code}" if key == "fr" else f"{code} {number}"
    else:
        money = f"{number}\u00a0{symbol}" if key == "fr" else f"{symbol}{number}"
    rate = _PERIOD_WORDS.get(period or "", {}).get(key, "") if period else ""
    return f"{words[key]}{money}{rate}"
