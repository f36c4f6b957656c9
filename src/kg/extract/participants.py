"""Organisations a release names as taking part with no amount of its own (the record's ``organizations:``).

"... in partnership with the Organization of American States' Secretariat for Multidimensional Security":
the lede names an organisation that is neither the funder nor the implementer of a grant the release states.
It is recorded on the release (``kg:relatedOrganization``, docs/data-model.md) with the sentence naming it,
instead of being left out. Not counted: the funder (the publisher, the departments running the programs and
their parents), an organisation the record already holds (an implementer, a related organisation, a media
contact), and words inside the name of a program or an instrument ("the UN Security Council Resolution").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kg.extract.context import Context, cited
from kg.extract.text import Span


_MEMBERS_AFTER = re.compile(r"['’]?s?\s+member\b", re.IGNORECASE)
_MEMBERS_BEFORE = re.compile(r"\bmembres\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+)$", re.IGNORECASE)
"""An organisation named for its members ("UN member states", "États membres de l'ONU") is not a participant."""


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
        for mention in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end, masks):
            ref = mention.refs[0]
            text = ctx.doc.norm
            if _MEMBERS_AFTER.match(text, mention.end) or _MEMBERS_BEFORE.search(text[:mention.start]):
                continue
            if ref in skip or ctx.reference.organizations[ref].kind in ("government", "department"):
                continue
            skip.add(ref)
            entries.append(cited("organization", ref, sentence))
    return entries
