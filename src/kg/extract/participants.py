"""Organisations a release names as taking part with no amount of its own (the record's ``organizations:``).

"... in partnership with the Organization of American States' Secretariat for Multidimensional Security":
the lede names an organisation that is neither the funder nor the implementer of a grant the release states.
One the reference data lacks, named after "implemented by", "delivered by", "in partnership with" and the
like, with a word that makes it an organisation's ("Initiative", "Society", "Inc."), is proposed for review
(proposals.py). It is recorded on the release (``kg:relatedOrganization``, docs/data-model.md) with the
sentence naming it, instead of being left out. Not counted: the funder (the publisher, the departments
running the programs and their parents), an organisation the record already holds (an implementer, a
related organisation, a media contact), and words inside the name of a program or an instrument ("the UN
Security Council Resolution").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kg.extract.context import UNKNOWN, Context, cited
from kg.extract.proposals import propose_organization
from kg.extract.text import Span

_MEMBERS_AFTER = re.compile(r"['’]?s?\s+member\b", re.IGNORECASE)
_MEMBERS_BEFORE = re.compile(r"\bmembres\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+)$", re.IGNORECASE)
"""An organisation named for its members ("UN member states", "États membres de l'ONU") takes no part."""


_CUE = re.compile(
    r"\b(?:(?:implemented|delivered|carried\s+out|executed)\s+by|in\s+partnership\s+with|to\s+support|"
    r"support\s+for|work\s+of)\s+(?:the\s+)?"
)
"""Words after which a release names an organisation taking part ("implemented by", "in partnership with")."""
_TOKEN = re.compile(
    r"(?P<space>\s+|,\s+(?=(?:Inc|Ltd)\b))?"
    r"(?P<word>[A-Z][\w’'.-]*|of|for|on|and|the|in|de|del|la|el|y|sobre|\[[^\]\n]{1,80}\]|\([A-Z][\w&.-]{1,11}\))(?![\w’'])"
)
_CONNECTOR = {"of", "for", "on", "and", "the", "in", "de", "del", "la", "el", "y", "sobre"}
_HEAD = re.compile(
    r"^(?:Organi[sz]ation|Office|Cent(?:re|er|ro)|College|Corporation|Inc\.?|Ltd\.?|Fund|Initiative|Forum|"
    r"Mission|School|Department|Society|Agency|Secretariat|Institute|Commission|Council|Academy|University|"
    r"Foundation|Association|Network|Section|Unit)$"
)
"""Words that make a name an organisation's ("... Security Initiative", "Forensic Technology, Inc.")."""


def _name_after(ctx: Context, start: int, end: int) -> tuple[int, int] | None:
    """The span of the organisation's name that starts at ``start``: capitalised words joined by the small
    words of names, with a bracketed gloss and an acronym; after a possessive ("the United States’ ..."), the
    name it qualifies. None unless one of its words is an organisation's (``_HEAD``)."""
    text = ctx.doc.norm
    words: list[tuple[int, int, str]] = []
    at = start
    while at < end and (token := _TOKEN.match(text, at, end)):
        if token.start("word") > at and token["space"] is None:
            break
        words.append((token.start("word"), token.end("word"), token["word"]))
        at = token.end()
    while words and words[-1][2] in _CONNECTOR:
        words.pop()
    for index, (_, _, word) in enumerate(words):
        if word.endswith(("’", "'", "’s", "'s")):
            words = words[index + 1 :]
            break
    capitals = [w for w in words if w[2][:1].isupper()]
    if len(capitals) < 2 or not any(_HEAD.match(w[2].rstrip(",")) for w in words):
        return None
    end = words[-1][1]
    if words[-1][2].endswith(".") and not re.fullmatch(r"(?:Inc|Ltd|Corp|Co)\.", words[-1][2]):
        end -= 1  # the sentence's full stop, not a part of the name
    return words[0][0], end


def _unknown_named(ctx: Context, sentence: Span) -> list[tuple[int, int]]:
    """Spans of organisations the sentence names after a cue that the reference data does not know."""
    found = []
    known = ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end)
    for cue in _CUE.finditer(ctx.doc.norm, sentence.start, sentence.end):
        span = _name_after(ctx, cue.end(), sentence.end)
        if span is None or any((m.start, m.end) == span for m in known):
            continue
        if any(m.start <= span[0] and span[1] <= m.end for m in known):
            continue  # part of a known name
        found.append(span)
    return found


def _held(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "organization" and isinstance(item, str):
                yield item
            yield from _held(item)
    elif isinstance(value, list):
        for item in value:
            yield from _held(item)


def participants(ctx: Context, sentences: list[Span], record: dict[str, Any]) -> list[dict[str, Any]]:
    """The known organisations the body names that the record does not hold yet, in text order."""
    skip = ctx.funder() | set(_held(record.get("projects", []))) | set(_held(record.get("contacts", [])))
    entries: list[dict[str, Any]] = []
    for sentence in sentences:
        masks = [
            (m.start, m.end)
            for lexicon in (ctx.lex.programs, ctx.lex.instruments)
            for m in lexicon.find(ctx.doc, sentence.start, sentence.end)
        ]
        served = [(a, b) for a, b in ctx.served if sentence.start <= a < sentence.end]
        for start, end in _unknown_named(ctx, sentence) + served:
            if any(a <= start < b for a, b in masks):
                continue
            masks.append((start, end))
            ref = propose_organization(ctx, ctx.doc.text[start:end], sentence)
            if ref != UNKNOWN and ref not in skip:
                skip.add(ref)
                entries.append(cited("organization", ref, sentence))
        for mention in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end, masks):
            ref = mention.refs[0]
            text = ctx.doc.norm
            if _MEMBERS_AFTER.match(text, mention.end) or _MEMBERS_BEFORE.search(text[: mention.start]):
                continue
            if ref in skip or ctx.reference.organizations[ref].kind in ("government", "department"):
                continue
            skip.add(ref)
            entries.append(cited("organization", ref, sentence))
    return entries
