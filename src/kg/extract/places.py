"""Beneficiary regions: the places a project's text names, each with its sentence.

A region named in the description counts first, then one named in the title. Names inside the names of
organisations, programs and instruments do not count ("Caribbean Financial Action Task Force"), nor does
the funder's own country. "Central and South America" names two regions (so does "Amérique centrale et
du Sud"). When the project names none, the backgrounder's title or introduction is proposed, with a note.
"""

from __future__ import annotations

import re
from typing import Any

from kg.extract.context import UNKNOWN, Context, cited
from kg.extract.text import Span

_BEFORE = re.compile(r"(?<![\w-])(?P<mod>[A-Z][\w-]*)\s+(?:and|or)\s+(?:[a-z]+\s+){0,4}$")
_AFTER = re.compile(r"^\s+(?:et|ou)\s+(?P<rest>(?:(?:du|de\s+la|de\s+l'|des)\s*)?[\w-]+)")


def _names(ctx: Context) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for place in ctx.reference.places.values():
        for name in place.name.values():
            table.setdefault(name.replace("\u2019", "'"), []).append(place.id)
    return table


def _pick(ctx: Context, refs: list[str] | tuple[str, ...]) -> str:
    return sorted(refs, key=lambda r: ctx.reference.places[r].type == "city")[0]


def places_in(ctx: Context, span: Span, masks: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """(offset, place id) of every place the span names."""
    names = _names(ctx)
    hits: list[tuple[int, str]] = []
    for mention in ctx.lex.places.find(ctx.doc, span.start, span.end, masks):
        hits.append((mention.start, _pick(ctx, mention.refs)))
        words = mention.form.split()
        if len(words) < 2:
            continue
        before = _BEFORE.search(ctx.doc.norm, span.start, mention.start)
        if before and (refs := names.get(f"{before['mod']} {words[-1]}")):
            hits.append((before.start("mod"), _pick(ctx, refs)))
        after = _AFTER.match(ctx.doc.norm[mention.end : span.end])
        if after and (refs := names.get(f"{words[0]} {' '.join(after['rest'].split())}")):
            hits.append((mention.end + after.start("rest"), _pick(ctx, refs)))
    excluded = ctx.funder_countries()
    return sorted((at, ref) for at, ref in hits if ref not in excluded)


def _found(ctx: Context, spans: list[Span], masks: list[tuple[int, int]]) -> dict[str, Span]:
    found: dict[str, Span] = {}
    for span in spans:
        org_masks = [(m.start, m.end) for m in ctx.lex.organizations.find(ctx.doc, span.start, span.end)]
        for _, ref in places_in(ctx, span, masks + org_masks):
            found.setdefault(ref, span)
    return found


def regions(
    ctx: Context,
    number: int,
    title: Span,
    sentences: list[Span],
    masks: list[tuple[int, int]],
    context: list[Span],
) -> list[dict[str, Any]]:
    """The project's beneficiary regions; ``context`` is the backgrounder title and introduction."""
    found = _found(ctx, sentences, masks) or _found(ctx, [title], masks)
    if found:
        return [cited("region", ref, span) for ref, span in found.items()]
    for span in context:
        found = _found(ctx, [span], [])
        if found:
            ctx.problem(
                title.line,
                f"project {number} names no region; proposed from the backgrounder (line {span.line})",
            )
            note = "The project names no region; the backgrounder names it for all its projects."
            return [cited("region", ref, where, note) for ref, where in found.items()]
    ctx.problem(title.line, f"project {number} names no region known in data/reference/places.yaml")
    return [cited("region", UNKNOWN, title)]
