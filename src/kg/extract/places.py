"""Beneficiary regions: the places a project's text names, each with its sentence.

A region named in the description counts first, then one named in the title. Names inside the names of
organisations, programs and instruments do not count ("Caribbean Financial Action Task Force"), nor does
the funder's own country. "Central and South America" names two regions (so does "Amérique centrale et
du Sud"). When the project names none, one is proposed with a note (see ``regions``).
"""

from __future__ import annotations

import re
from typing import Any

from kg.extract.context import UNKNOWN, Context, cited
from kg.extract.names import ancestors
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


def _served(ctx: Context, org_id: str) -> tuple[str, str] | None:
    """The region an organisation, or the nearest organisation it belongs to, serves (``serves`` in
    reference), and which of them serves it."""
    for ref in (org_id, *ancestors(ctx.reference, org_id)):
        org = ctx.reference.organizations.get(ref)
        if org is not None and org.serves is not None:
            return org.serves, ref
    return None


def _naming(ctx: Context, spans: list[Span], org_id: str) -> Span | None:
    """The first span naming the organisation (or one it belongs to)."""
    wanted = {org_id, *ancestors(ctx.reference, org_id)}
    for span in spans:
        if any(wanted & set(m.refs) for m in ctx.lex.organizations.find(ctx.doc, span.start, span.end)):
            return span
    return None


def _from_implementers(
    ctx: Context, number: int, title: Span, sentences: list[Span], implementers: list[str]
) -> list[dict[str, Any]]:
    for org_id in implementers:
        served = _served(ctx, org_id) if org_id != UNKNOWN else None
        where = _naming(ctx, [*sentences, title], org_id) if served else None
        if served is None or where is None:
            continue
        region, by = served
        orgs = ctx.reference.organizations
        name = orgs[org_id].label
        ctx.problem(
            title.line,
            f"project {number} names no region; proposed from its implementer {name} (line {where.line})",
        )
        if by != org_id:  # the region is that of the organisation it is part of
            name += f", part of the {orgs[by].label}"
        region_name = ctx.reference.places[region].name["en"]
        note = f"The project names no region; its implementer ({name}) serves this region, {region_name}."
        return [cited("region", region, where, note)]
    return []


def _from_backgrounder(ctx: Context, number: int, title: Span, context: list[Span]) -> list[dict[str, Any]]:
    """A regional organisation the introduction ties all projects to, else the places it names."""
    for span in context[1:]:
        for mention in ctx.lex.organizations.find(ctx.doc, span.start, span.end):
            served = _served(ctx, mention.refs[0])
            if served is None:
                continue
            region = served[0]
            name = ctx.reference.organizations[mention.refs[0]].label
            ctx.problem(
                title.line,
                f"project {number} names no region; proposed from the backgrounder's {name}"
                f" (line {span.line})",
            )
            region_name = ctx.reference.places[region].name["en"]
            note = (
                f"The project names no region; the backgrounder ties all its projects to the {name}, "
                f"which serves this region, {region_name}."
            )
            return [cited("region", region, span, note)]
    for span in context:
        found = _found(ctx, [span], [])
        if found:
            ctx.problem(
                title.line,
                f"project {number} names no region; proposed from the backgrounder (line {span.line})",
            )
            note = "The project names no region; the backgrounder names it for all its projects."
            return [cited("region", ref, where, note) for ref, where in found.items()]
    return []


def regions(
    ctx: Context,
    number: int,
    title: Span,
    sentences: list[Span],
    masks: list[tuple[int, int]],
    context: list[Span],
    implementers: list[str],
) -> list[dict[str, Any]]:
    """The project's beneficiary regions; ``context`` is the backgrounder title and introduction.

    When the project names none, the region its implementer serves is proposed, else the region of a
    regional organisation the backgrounder's introduction ties every project to, else a place the
    backgrounder's title or introduction names; each with a note saying so.
    """
    found = _found(ctx, sentences, masks) or _found(ctx, [title], masks)
    if found:
        return [cited("region", ref, span) for ref, span in found.items()]
    proposed = _from_implementers(ctx, number, title, sentences, implementers) or _from_backgrounder(
        ctx, number, title, context
    )
    if proposed:
        return proposed
    ctx.problem(title.line, f"project {number} names no region known in data/reference/places.yaml")
    return [cited("region", UNKNOWN, title)]
