"""The backgrounder: its title, its introduction, and the projects it lists (numbered or not)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.extract.context import UNKNOWN, Context, quoted
from kg.extract.header import instruments
from kg.extract.layout import Layout
from kg.extract.money import Found, amount_fields, find_amounts
from kg.extract.orgs import implementers, related
from kg.extract.places import regions
from kg.extract.text import Span
from kg.extract.themes import sectors, themes
from kg.iris import slugify

_NUMBERED = re.compile(r"^(?P<number>\d{1,3})[.)]\s+(?=\S)")
_TERMINAL = re.compile(r"[.!?:;\u2026][\"')\]]*$")


@dataclass
class Item:
    """One project of the backgrounder, as laid out in the text."""

    number: int
    title: Span
    blocks: list[Span] = field(default_factory=list)


def _is_title(ctx: Context, blocks: list[Span], index: int) -> bool:
    block = blocks[index]
    norm = ctx.doc.norm[block.start : block.end]
    if _TERMINAL.search(norm) or len(norm) > 200 or index + 1 >= len(blocks):
        return False
    if find_amounts(ctx.doc, block.start, block.end, ctx.lang.code):
        return False
    following = blocks[index + 1]
    ends = _TERMINAL.search(ctx.doc.norm[following.start : following.end])
    return bool(ends) or len(following.text) > len(block.text)


def _items(ctx: Context, blocks: list[Span]) -> tuple[list[Span], list[Item]]:
    """The introduction and the projects: numbered titles ("1. ..."), or else lines without a full stop."""
    numbered = [b for b in blocks if _NUMBERED.match(ctx.doc.norm[b.start : b.end])]
    intro: list[Span] = []
    items: list[Item] = []
    for index, block in enumerate(blocks):
        match = _NUMBERED.match(ctx.doc.norm[block.start : block.end]) if numbered else None
        if match:
            title = ctx.doc.span(block.start + match.end(), block.end)
            items.append(Item(int(match["number"]), title))
        elif not numbered and _is_title(ctx, blocks, index):
            items.append(Item(len(items) + 1, block))
        elif items:
            items[-1].blocks.append(block)
        else:
            intro.append(block)
    return intro, items


def _amount(ctx: Context, sentences: list[Span]) -> tuple[int, Found] | None:
    """The sentence (index) stating Canada's contribution, and its first amount."""
    candidates = []
    for index, sentence in enumerate(sentences):
        found = find_amounts(ctx.doc, sentence.start, sentence.end, ctx.lang.code)
        if found:
            candidates.append((index, found[0]))
    for index, first in candidates:
        if ctx.lang.funding.search(ctx.doc.norm, sentences[index].start, sentences[index].end):
            return index, first
    return candidates[0] if candidates else None


def _project(
    ctx: Context, item: Item, context: list[Span], corrections: list[tuple[int, dict[str, Any]]]
) -> dict[str, Any]:
    number = item.number
    sentences = [s for b in item.blocks for s in ctx.doc.sentences(b.start, b.end)]
    record: dict[str, Any] = {"number": number, "id": slugify(item.title.text) or UNKNOWN}
    record["title"] = quoted(item.title)
    amount = _amount(ctx, sentences)
    described: list[Span] = sentences
    if amount is not None:
        index = amount[0]
        described = sentences[:index] if index > 0 else sentences[1:]
        if 0 < index < len(sentences) - 1:
            ctx.problem(
                sentences[index + 1].line,
                f"project {number}: the text after the amount is not part of the description",
            )
    if described:
        record["description"] = quoted(ctx.doc.span(described[0].start, described[-1].end))
    else:
        ctx.problem(item.title.line, f"project {number} has no description")
    masks = [(m.start, m.end) for s in sentences for m in ctx.lex.instruments.find(ctx.doc, s.start, s.end)]
    masks += [(m.start, m.end) for s in sentences for m in ctx.lex.programs.find(ctx.doc, s.start, s.end)]
    chosen, entries = implementers(ctx, number, item.title, sentences, masks)
    record["implementers"] = entries
    corrections.extend((number, e) for e in entries if "correction" in e)
    if amount is None:
        ctx.problem(item.title.line, f"project {number}: no amount read (the text may be cut short)")
        record["amount"] = {"stated": UNKNOWN, "qualifier": UNKNOWN, "value": 0}
    else:
        where = sentences[amount[0]]
        ctx.used_amounts.add(amount[1].start)
        record["amount"] = {**amount_fields(amount[1]), "quote": where.text, "at": where.start}
    record["regions"] = regions(ctx, number, item.title, sentences, masks, context, chosen)
    supports = instruments(ctx, sentences) or instruments(ctx, [item.title])
    if supports:
        record["supports"] = supports
    others = related(ctx, sentences, masks, chosen)
    corrections.extend((number, e) for e in others if "correction" in e)
    if others:
        record["related"] = others
    record["themes"] = themes(ctx, number, item.title, described)
    record["sectors"] = sectors(ctx.reference, [t["theme"] for t in record["themes"]])
    return record


def _note_corrections(corrections: list[tuple[int, dict[str, Any]]], projects: list[dict[str, Any]]) -> None:
    """Say why a misspelt name is corrected, and whether the backgrounder spells it right elsewhere."""
    for number, entry in corrections:
        correction = entry["correction"]
        ref = entry["organization"]
        others = [
            p["number"]
            for p in projects
            if p["number"] != number
            and any(i.get("organization") == ref and "correction" not in i for i in p["implementers"])
        ]
        note = (
            f'The release misspells {correction["corrected"]} as "{correction["original"]}"; '
            "no organisation of that name exists"
        )
        if others:
            note += (
                f", and the other {correction['corrected']} projects of this backgrounder"
                " are spelled correctly"
            )
        correction["note"] = note + "."


def backgrounder(ctx: Context, layout: Layout) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The backgrounder record and the projects, in record order."""
    title = layout.backgrounder_title
    if title is None:
        follows = [
            b for b in layout.after_mark if ctx.lang.backgrounder_follows.search(ctx.doc.norm, b.start, b.end)
        ]
        if follows:
            message = "the release says a backgrounder follows, but the text ends before it"
            ctx.problem(follows[0].line, message)
        elif layout.headline is not None:
            ctx.problem(layout.headline.line, "the release has no backgrounder, so no projects were read")
        return None, []
    intro, items = _items(ctx, layout.backgrounder)
    intro_sentences = [s for b in intro for s in ctx.doc.sentences(b.start, b.end)]
    record: dict[str, Any] = {"title": quoted(title)}
    supports = instruments(ctx, intro_sentences)
    if supports:
        record["supports"] = supports
    if not items:
        ctx.problem(title.line, "the backgrounder lists no projects")
    projects: list[dict[str, Any]] = []
    corrections: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(items, start=1):
        if item.number != index:
            ctx.problem(item.title.line, f"project numbered {item.number} where {index} was expected")
        projects.append(_project(ctx, item, [title, *intro_sentences], corrections))
    _note_corrections(corrections, projects)
    seen: dict[str, int] = {}
    for project in projects:
        key = project["id"]
        if key in seen:
            seen[key] += 1
            project["id"] = f"{key}-{seen[key]}"
            ctx.problem(
                ctx.doc.line_of(project["title"]["at"]),
                f"two projects have the same title; project {project['number']} gets the id {project['id']}",
            )
        else:
            seen[key] = 1
    last = layout.backgrounder[-1] if layout.backgrounder else title
    if not _TERMINAL.search(ctx.doc.norm[last.start : last.end]):
        ctx.problem(last.line, "the text ends in the middle of a sentence: the release may be cut short")
    return record, projects
