"""Grants the body of a release states, when it has no backgrounder: RECORD-CHANGES.md point 4.

"Canada is providing $1.3 million to St. John Ambulance for an instructor-training program ...": one
sentence names an amount of Canada's and the organisation it goes to. Each such amount becomes a project
with its grant, in the order the release states them. The organisation is the one the amount goes "to"
(in French "à", "au"), else the one organisation the sentence names, else the one the sentence just before
or after names in the same paragraph ("... over $178,000 for the implementation of ... The IOM provides
..."), with a note. The project's title is the purpose the sentence states ("for the implementation of
..."), quoted, with a note saying the release gives no title. Amounts recalled from the past ("Since 2011,
Canada has provided a total of ...", "bringing our total contribution to ...") and yearly budgets are not
grants of this release; an amount whose organisation cannot be read stays in the review list.
"""

from __future__ import annotations

import re
from typing import Any

from kg.extract.context import Context, cited
from kg.extract.money import Found, amount_fields, find_amounts
from kg.extract.names import Mention
from kg.extract.places import places_in
from kg.extract.proposals import propose_organization
from kg.extract.text import Span
from kg.extract.themes import sectors, themes
from kg.iris import slugify

RECALLED = re.compile(
    r"\b(?:since\s+(?:\d{4}|its|the)|to\s+date|so\s+far|bringing|recently\s+announced|previously|already"
    r"|in\s+addition\s+to|(?:early|late|earlier)\s+in\s+(?:19|20)\d\d|s'ajoute"
    r"|depuis|jusqu'à\s+présent|à\s+ce\s+jour|portant|déjà|en\s+(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
"""Words that place an amount in the past: an earlier announcement recalled, not this release's money."""
_TO = {
    "en": re.compile(r"(?:[\s\w,'-]{0,60}?\s)?(?:to|for)\s+(?:the\s+)?", re.IGNORECASE),
    "fr": re.compile(r"(?:[\s\w,'-]{0,60}?\s)?(?:à\s+la\s+|à\s+l'|à\s+|au\s+|aux\s+)", re.IGNORECASE),
}
_PHRASE = re.compile(
    r"(?:St\.\s+|U\.S\.\s+)?[A-Z][\w'-]*(?:\s+(?:(?:of|for|on|and|the|de|des|du|la|le|d'|l')\s+)*(?:St\.\s+)?[A-Z][\w'-]*)*"
    r"(?:\s*\([A-Z][\w-]{1,11}\))?"
)
_FRENCH_BODY = re.compile(
    r"(?:ministère|département|bureau|secrétariat|service)\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|d['’])"
    r"[A-ZÉ][\w'-]*(?:\s+(?:(?:de|des|du|la|le|et|d'|l')\s+)*[A-ZÉ][\w'-]*)*"
)
"""A French name that starts with a common noun: "département de la Défense des États-Unis"."""
_PURPOSE = {
    "en": re.compile(r"\b(?:for|toward|to)\s+(?=[a-z])"),
    "fr": re.compile(r"\b(?:pour\s+|afin\s+de\s+|visant\s+à\s+)(?=[a-zé])"),
}
_TITLE_NOTE = "The release gives this project no title; its name is the purpose its sentence states."
_PURPOSE_NEXT = {
    "en": re.compile(r"\s*(?:toward|towards|for)\s+(?:the\s+|a\s+|an\s+)?[a-z]"),
    "fr": re.compile(r"\s*(?:pour|afin\s+de|visant\s+à)\s+(?:la\s+|le\s+|les\s+|l['’]|un\s+|une\s+)?[a-zé]"),
}
"""An amount followed at once by its purpose ("$9.5 million toward the construction of ..."): an
organisation named inside that purpose ("... for the Haitian National Police") is what the money serves,
not where it goes."""
_SERVED = {
    "en": re.compile(r"\b(?:for|of)\s+(?:the\s+)?$", re.IGNORECASE),
    "fr": re.compile(r"\b(?:pour|de)\s+(?:la\s+|le\s+|les\s+|l['’])?$", re.IGNORECASE),
}
_IMPLEMENTED_BY = {
    "en": re.compile(
        r"\b(?:implemented|carried\s+out|delivered|managed|undertaken)\b[^.]{0,60}?\bby\s+(?:the\s+)?$"
    ),
    "fr": re.compile(
        r"\b(?:mis\s+en\s+œuvre|mise\s+en\s+œuvre|réalisée?s?|exécutée?s?)\b[^.]{0,60}?\bpar\s+(?:la\s+|le\s+|l['’])?$"
    ),
}
_CONTENT_WORD = re.compile(r"[a-zà-ÿ]{6,}")


def _speech(ctx: Context, sentence: Span) -> bool:
    """Quoted speech: a minister's words are not where a release states its grants."""
    line = ctx.doc.lines[sentence.line - 1]
    opens = ctx.doc.norm[line.start : line.start + 1] == '"'
    return opens or '"' in ctx.doc.norm[sentence.start : sentence.end]


def _recipient(
    ctx: Context, sentence: Span, found: Found, funder: set[str]
) -> tuple[str | None, Mention | None, str | None]:
    """The organisation the amount goes to, as (unknown words, known mention, None) or nothing."""
    mentions = [
        m
        for m in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end)
        if m.refs[0] not in funder
    ]
    places = ctx.lex.places.find(ctx.doc, sentence.start, sentence.end)
    to = _TO[ctx.lang.code].match(ctx.doc.norm, found.end, sentence.end)
    if _PURPOSE_NEXT[ctx.lang.code].match(ctx.doc.norm, found.end, sentence.end):
        served = _SERVED[ctx.lang.code]
        mentions = [m for m in mentions if not served.search(ctx.doc.norm, max(0, m.start - 12), m.start)]
        if to is not None and re.search(r"\b(?:for|pour)\s+\S*\s*$", to.group(), re.IGNORECASE):
            # "for the HNP" inside the purpose: the money serves it; the release names it all the same.
            served_name = _PHRASE.match(ctx.doc.norm, to.end(), sentence.end)
            if served_name and len(served_name.group().split()) > 1:
                ctx.served.append((served_name.start(), served_name.end()))
            to = None
    if to is not None:
        known = [m for m in mentions if m.start == to.end()]
        if known:
            return None, known[0], None
        phrase = _PHRASE.match(ctx.doc.norm, to.end(), sentence.end)
        if phrase is None and ctx.lang.code == "fr":
            phrase = _FRENCH_BODY.match(ctx.doc.norm, to.end(), sentence.end)
        # One capitalised word ("au Programme mondial de ...") is not the name of an organisation.
        if phrase and phrase.end() - phrase.start() > 3 and len(phrase.group().split()) > 1:
            words = ctx.doc.text[phrase.start() : phrase.end()]
            if not any((p.start, p.end) == (phrase.start(), phrase.end()) for p in places):
                return words, None, None
    after = [m for m in mentions if m.start >= found.end]
    if len({m.refs[0] for m in after}) == 1:  # one organisation, maybe named twice ("... (OPCW)")
        return None, after[0], None
    return None, None, None


def _neighbour(ctx: Context, spans: list[Span], index: int, funder: set[str]) -> tuple[Mention, Span] | None:
    """The one organisation the sentence before (or else after) names, in the same paragraph."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(spans) and spans[other].line == spans[index].line:
            found = [
                m
                for m in ctx.lex.organizations.find(ctx.doc, spans[other].start, spans[other].end)
                if m.refs[0] not in funder
            ]
            if len({m.refs[0] for m in found}) == 1:
                return found[0], spans[other]
    return None


def _implementer_stated_later(
    ctx: Context, spans: list[Span], index: int, title: Span, funder: set[str]
) -> tuple[Mention, Span] | None:
    """The organisation a later sentence says implements this project: "The construction project will be
    implemented over two years by the Canadian Commercial Corporation", for "$9.5 million toward the
    construction of new headquarters ...". The later sentence must share a content word with the project's
    purpose and name the organisation right after "implemented ... by"."""
    words = set(_CONTENT_WORD.findall(title.text.lower()))
    pattern = _IMPLEMENTED_BY[ctx.lang.code]
    for later in spans[index + 1 :]:
        if _speech(ctx, later) or not words & set(_CONTENT_WORD.findall(later.text.lower())):
            continue
        for mention in ctx.lex.organizations.find(ctx.doc, later.start, later.end):
            if mention.refs[0] in funder:
                continue
            if pattern.search(ctx.doc.norm, max(later.start, mention.start - 90), mention.start):
                return mention, later
    return None


def _title(ctx: Context, sentence: Span, after: int) -> Span:
    """The purpose the sentence states after ``after`` ("for the implementation of ..." gives "the
    implementation of ..."), else the words from ``after`` to the end of the sentence."""
    purpose = _PURPOSE[ctx.lang.code].search(ctx.doc.norm, after, sentence.end)
    start = purpose.end() if purpose else after
    end = sentence.end
    while end > start and ctx.doc.norm[end - 1] in ".;:!?":
        end -= 1
    if not ctx.doc.norm[start:end].strip(" .;:!?"):  # the amount ends the sentence: its words are the name
        start, end = sentence.start, sentence.end - (ctx.doc.norm[sentence.end - 1] in ".;:!?")
    return ctx.doc.span(start, end)


def _regions(ctx: Context, sentence: Span, lede: list[Span], number: int) -> list[dict[str, Any]]:
    masks = [(m.start, m.end) for m in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end)]
    found = places_in(ctx, sentence, masks)
    if found:
        return [cited("region", ref, sentence) for ref in dict.fromkeys(ref for _, ref in found)]
    for span in lede:
        org_masks = [(m.start, m.end) for m in ctx.lex.organizations.find(ctx.doc, span.start, span.end)]
        if hits := places_in(ctx, span, org_masks):
            note = "The project's sentence names no region; the release's headline or lede names this one."
            ctx.problem(span.line, f"body project {number} names no region; proposed from line {span.line}")
            return [cited("region", ref, span, note) for ref in dict.fromkeys(ref for _, ref in hits)]
    # The text states no region the reference data knows: the project has none (never a made-up one).
    ctx.problem(
        sentence.line,
        f"body project {number} names no region known in data/reference/places.yaml: none recorded",
    )
    return []


def body_projects(
    ctx: Context, sentences: list[Span], lede: list[Span], day: str = ""
) -> list[dict[str, Any]]:
    """The projects the body's grants make, numbered 1..n in the order the release states them.

    Their keys end with the release's ``day`` ("...-2011-06-22"): a purpose ("help address security
    challenges ...") recurs from one release to the next, a key must not."""
    funder = ctx.funder()
    projects: list[dict[str, Any]] = []
    for index, sentence in enumerate(sentences):
        if _speech(ctx, sentence) or RECALLED.search(ctx.doc.norm, sentence.start, sentence.end):
            continue
        for found in find_amounts(ctx.doc, sentence.start, sentence.end, ctx.lang.code):
            if found.figure.period:
                continue  # a yearly rate: a program's budget, not a grant
            words, mention, _ = _recipient(ctx, sentence, found, funder)
            note = None
            stated_later = None
            if words is None and mention is None:
                stated_later = _implementer_stated_later(
                    ctx, sentences, index, _title(ctx, sentence, found.end), funder
                )
            if stated_later is not None:
                mention, where = stated_later
                note = (
                    "The sentence stating the amount names no organisation it goes to; a later sentence says"
                    " this one implements the project its purpose names."
                )
            elif words is None and mention is None and (near := _neighbour(ctx, sentences, index, funder)):
                mention, where = near
                note = (
                    "The sentence stating the amount names no organisation; the sentence next to it names"
                    " this one."
                )
            else:
                where = sentence
            if words is None and mention is None:
                continue
            number = len(projects) + 1
            ref = mention.refs[0] if mention else propose_organization(ctx, words or "", sentence)
            title = _title(ctx, sentence, (mention.end if mention and where is sentence else found.end))
            ctx.used_amounts.add(found.start)
            project: dict[str, Any] = {
                "number": number,
                "id": "-".join(
                    p for p in (slugify(title.text)[:60].strip("-") or f"project-{number}", day) if p
                ),
                "title": {"text": title.text, "at": title.start, "note": _TITLE_NOTE},
                "implementers": [cited("organization", ref, where, note)],
                "amount": {**amount_fields(found), "quote": sentence.text, "at": sentence.start},
            }
            project["regions"] = _regions(ctx, sentence, lede, number)
            project["themes"] = themes(ctx, number, title, [sentence])
            project["sectors"] = sectors(ctx.reference, [t["theme"] for t in project["themes"]])
            projects.append(project)
    return projects
