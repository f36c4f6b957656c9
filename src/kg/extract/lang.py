"""What the releases say in English and in French: the words each rule looks for.

Patterns run on the normalised text (straight apostrophes and quotes, plain spaces, ``-`` for dashes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True)
class Language:
    code: str
    end_mark: re.Pattern[str]
    contact_header: re.Pattern[str]
    backgrounder_title: re.Pattern[str]
    backgrounder_follows: re.Pattern[str]
    announce: re.Pattern[str]
    honourable: re.Pattern[str]
    location: re.Pattern[str]
    event: re.Pattern[str]
    event_at: re.Pattern[str]
    implemented_by: re.Pattern[str]
    this_project: re.Pattern[str]
    subject: re.Pattern[str]
    funding: re.Pattern[str]
    strategy: re.Pattern[str]
    article: re.Pattern[str]


_NAME = r"(?P<name>[A-Z][\w'-]+(?:\s+(?:[A-Z][\w'-]*\.?|de|van|von|du|le|la))*\s+[A-Z][\w'-]+)"
_END_MARK = re.compile(r"^-\s*30\s*-$")
_EVENT_WORDS = (
    r"(?:Conference|Summit|Meeting|Assembly|Forum|Ministerial|Symposium|Dialogue|Session|Congress"
    r"|Conférence|Sommet|Réunion|Assemblée|Forum|Symposium|Dialogue|Session|Congrès)"
)

ENGLISH = Language(
    code="en",
    end_mark=_END_MARK,
    contact_header=re.compile(r"^For (?:further|more) information", _I),
    backgrounder_title=re.compile(r"^Backgrounder\b(?!\s+follows)", _I),
    backgrounder_follows=re.compile(r"\bbackgrounders?\s+(?:follows?|is\s+attached)", _I),
    announce=re.compile(r"\bannounce[sd]?\b", _I),
    honourable=re.compile(r"\b(?:the\s+)?(?:Right\s+)?(?:Honourable|Hon\.)\s+" + _NAME),
    location=re.compile(
        r"\bmade\s+(?:the|this|today's)\s+announcement\s+(?:from|in|at|while\s+in|during\s+a\s+visit\s+to)"
        r"\s+(?:the\s+)?"
    ),
    event=re.compile(
        r"\b(?:(?:where|while)\s+(?:she|he|they)\s+(?:is|are|was|were)\s+"
        r"(?:attending|participating\s+in|taking\s+part\s+in)|on\s+the\s+(?:margins|sidelines)\s+of)"
        r"\s+(?:the\s+)?"
    ),
    event_at=re.compile(r"\b(?:at|during)\s+the\s+(?=(?:[A-Z0-9][\w'-]*\s+){0,6}" + _EVENT_WORDS + r")"),
    implemented_by=re.compile(
        r"\b(?:implemented|delivered|carried\s+out|executed|managed|led|run|undertaken)\s+by\s+", _I
    ),
    this_project=re.compile(
        r"^This\s+(?P<who>(?:[A-Z][\w'-]*\s+){1,6}?)(?:project|initiative|program|programme|course"
        r"|workshop|training)\b"
    ),
    subject=re.compile(
        r"^(?:is|are|will|has|have|was|were|would|shall|can|also|currently"
        r"|(?!(?:states|members|countries|projects|programs|programmes|officials|experts|partners"
        r"|staff|units|offices)\b)[a-z]{3,}s)\b"
    ),
    funding=re.compile(r"\bcontribut|\bfund|\bprovid|\binvest|\ballocat|\bgrant", _I),
    strategy=re.compile(r"\bstrateg(?:y|ies)\b", _I),
    article=re.compile(r"^(?:the|its)\s+", _I),
)

FRENCH = Language(
    code="fr",
    end_mark=_END_MARK,
    contact_header=re.compile(
        r"^Pour\s+(?:de\s+plus\s+amples|plus\s+d')\s*(?:renseignements|information)", _I
    ),
    backgrounder_title=re.compile(r"^Document\s+d'information\b(?!\s+suit)", _I),
    backgrounder_follows=re.compile(r"\bdocuments?\s+d'information\s+(?:suit|suivent|est\s+joint)", _I),
    announce=re.compile(r"\b(?:a|ont)\s+annoncé\b|\bannonce\b", _I),
    honourable=re.compile(r"\b(?:L'|l')(?:honorable|hon\.)\s+" + _NAME),
    location=re.compile(r"\ba\s+fait\s+(?:l'|cette\s+)annonce\s+(?:à|depuis|de|au|aux|en)\s+(?:la\s+|l')?"),
    event=re.compile(
        r"\b(?:où\s+(?:elle|il|ils|elles)\s+(?:participe|participent|assiste|assistent)\s+(?:à\s+la|au|aux|à\s+l')"
        r"|en\s+marge\s+(?:de\s+la|du|des|de\s+l'))\s*"
    ),
    event_at=re.compile(r"\b(?:lors\s+(?:de\s+la|du|de\s+l')|à\s+la)\s+(?=" + _EVENT_WORDS + r")"),
    implemented_by=re.compile(
        r"\b(?:mise?s?\s+en\s+(?:œuvre|oeuvre)|réalisée?s?|exécutée?s?|gérée?s?|dirigée?s?|menée?s?)\s+par\s+",
        _I,
    ),
    this_project=re.compile(
        r"^Ce(?:tte)?\s+(?:projet|initiative|programme|cours|atelier|formation)\s+"
        r"(?:de\s+l'|du\s+|de\s+la\s+|des\s+|de\s+)(?P<who>(?:[A-Z][\w'-]*\s*){1,6}?)(?=[\s,]|$)"
    ),
    subject=re.compile(r"^(?!(?:de|du|des|et|à|en|pour|dans|sur|avec|qui|que|d')\b)[a-zàâçéèêëîïôûùüÿœ]+\b"),
    funding=re.compile(r"\bcontribu|\bverse|\bfinanc|\bfourni|\boctroi|\baccord|\binvesti", _I),
    strategy=re.compile(r"\bstratégies?\b", _I),
    article=re.compile(r"^(?:le|la|les|l'|du|des|de\s+la|de\s+l'|sa|son|ses)\s*", _I),
)

LANGUAGES = {"en": ENGLISH, "fr": FRENCH}

_FRENCH_WORDS = re.compile(r"\b(?:le|la|les|des|du|et|est|une|pour|dans|qui|sur|au|aux|avec)\b", _I)
_ENGLISH_WORDS = re.compile(r"\b(?:the|and|of|is|to|for|with|that|by|on|this)\b", _I)


def detect_language(norm: str) -> Language:
    """English or French, by counting the commonest small words of each."""
    french = len(_FRENCH_WORDS.findall(norm))
    english = len(_ENGLISH_WORDS.findall(norm))
    return FRENCH if french > english else ENGLISH
