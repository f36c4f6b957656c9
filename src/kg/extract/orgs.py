"""Who implements a project, and which other organisations its text names.

An implementer is read from "implemented by X", "This X project" or a sentence whose subject is X
("UNODC will ..."); failing those, from an organisation named in the project title (with a note).
A known misspelling ("UNOCD") resolves to its organisation with a ``correction``.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from kg.extract.contacts import ORGANISATION_WORDS
from kg.extract.context import UNKNOWN, Context, cited
from kg.extract.names import Mention, ancestors, most_specific
from kg.extract.proposals import propose_organization
from kg.extract.text import Span

_ACRONYM = re.compile(r"^[A-Z]{2,8}$")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_JOINS = re.compile(r"(?:\s|'s?|\(|\))*")
_SUBJECT_PHRASE = re.compile(
    r"[A-Z][\w'-]*(?:\s+(?:(?:of|for|on|and|against|the|de|des|du|la|le|pour|contre|d'|l')\s+)*"
    r"[A-Z][\w'-]*)*(?:\s*\([A-Z]{2,8}\))?"
)
_NOT_SUBJECTS = frozenset(
    {"This", "These", "That", "Those", "It", "They", "Canada", "Ce", "Cette", "Ces", "Il", "Elle"}
)


def _looks_like_organisation(words: str) -> bool:
    return bool(ORGANISATION_WORDS.search(words)) or bool(_ACRONYM.match(words.split()[0]))


def _correction(ctx: Context, mention: Mention, ref: str) -> dict[str, str]:
    org = ctx.reference.organizations[ref]
    forms = [*org.acronyms, *org.name.values()]
    best = max(forms, key=lambda f: difflib.SequenceMatcher(None, mention.form, f).ratio())
    return {"original": mention.form, "corrected": best, "note": ""}


def _entry(ctx: Context, mention: Mention, sentence: Span, note: str | None = None) -> dict[str, Any]:
    entry = cited("organization", mention.refs[0], sentence, note)
    if mention.misspelled:
        entry["correction"] = _correction(ctx, mention, mention.refs[0])
    return entry


def _clause_end(ctx: Context, start: int, end: int) -> int:
    """Where the words from ``start`` stop: at a comma or semicolon outside parentheses, or the end."""
    depth = 0
    for index in range(start, end):
        char = ctx.doc.norm[index]
        depth += char == "("
        depth -= char == ")" and depth > 0
        if char in ",;" and depth == 0:
            return index
    return end


def _chain(ctx: Context, mentions: list[Mention], begin: int, end: int) -> tuple[list[Mention], int]:
    """The names that follow each other from ``begin`` ("OAS Secretariat for Multidimensional Security",
    "Organization of American States (OAS)"), and where they end."""
    chain: list[Mention] = []
    position = begin
    for mention in mentions:
        if mention.start < position:
            continue
        if mention.start == begin or (chain and _JOINS.fullmatch(ctx.doc.norm, position, mention.start)):
            chain.append(mention)
            position = mention.end
        else:
            break
    if chain:
        while position < end and ctx.doc.norm[position] == ")":
            position += 1
        if parenthesis := _PARENTHESIS.match(ctx.doc.norm, position, end):
            position = parenthesis.end()
    return chain, position


def _residue(ctx: Context, start: int, stop: int, known: list[Mention]) -> str | None:
    """The words of an organisation that is not known, left between ``start`` and ``stop`` once the
    known names are taken out ("UNODC and the Pan American Health Organization")."""
    chars = list(ctx.doc.text[start:stop])
    for mention in known:
        chars[mention.start - start : mention.end - start] = " " * (mention.end - mention.start)
    for part in re.split(r"\s*(?:,|;|\band\b|\bet\b|\bwith\b|\bavec\b|\s{2,})\s*", "".join(chars)):
        words = ctx.lang.article.sub("", part.strip(" .()'’"))
        if words and words[0].isupper() and _looks_like_organisation(words):
            return words
    return None


def _in_sentence(ctx: Context, sentence: Span, mentions: list[Mention]) -> tuple[list[Mention], str | None]:
    """The implementers a sentence names, and the words of an implementer it names that is not known."""
    norm = ctx.doc.norm
    if match := ctx.lang.implemented_by.search(norm, sentence.start, sentence.end):
        stop = _clause_end(ctx, match.end(), sentence.end)
        who = [m for m in mentions if match.end() <= m.start < stop]
        if who:
            return who, _residue(ctx, match.end(), stop, who)
        return [], ctx.lang.article.sub("", ctx.doc.text[match.end() : stop].rstrip(" ."))
    text = norm[sentence.start : sentence.end]
    if match := ctx.lang.this_project.match(text):
        a, b = sentence.start + match.start("who"), sentence.start + match.end("who")
        who = [m for m in mentions if a <= m.start < b]
        if who:
            return who, None
        words = ctx.doc.text[a:b].strip()
        if _looks_like_organisation(words):
            return [], words
    article = ctx.lang.article.match(text)
    begin = sentence.start + (article.end() if article else 0)
    chain, stop = _chain(ctx, mentions, begin, sentence.end)
    if chain:
        after = norm[stop : sentence.end].lstrip()
        if ctx.lang.subject.match(after):
            return chain, None
    phrase = _SUBJECT_PHRASE.match(norm, begin, sentence.end)
    if phrase and not any(m.start == begin for m in mentions):
        words = ctx.doc.text[phrase.start() : phrase.end()]
        after = norm[phrase.end() : sentence.end].lstrip()
        if (
            words.split()[0] not in _NOT_SUBJECTS
            and _looks_like_organisation(words)
            and ctx.lang.subject.match(after)
        ):
            return [], words
    return [], None


def implementers(
    ctx: Context, number: int, title: Span, sentences: list[Span], masks: list[tuple[int, int]]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The implementing organisations (ids) and their record entries."""
    funder = ctx.funder()
    chosen: list[str] = []
    entries: list[dict[str, Any]] = []
    for sentence in sentences:
        mentions = [
            m
            for m in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end, masks)
            if m.refs[0] not in funder
        ]
        who, unknown = _in_sentence(ctx, sentence, mentions)
        keep = most_specific(ctx.reference, [m.refs[0] for m in who])
        for mention in who:
            ref = mention.refs[0]
            if ref in keep and ref not in chosen:
                chosen.append(ref)
                entries.append(_entry(ctx, mention, sentence))
        if unknown:
            ref = propose_organization(ctx, unknown, sentence)
            if ref not in chosen:
                entries.append(cited("organization", ref, sentence))
                chosen.append(ref)
    if entries:
        return chosen, entries
    in_title = [
        m
        for m in ctx.lex.organizations.find(ctx.doc, title.start, title.end, masks)
        if m.refs[0] not in funder
    ]
    keep = most_specific(ctx.reference, [m.refs[0] for m in in_title])
    for mention in in_title:
        if mention.refs[0] in keep and mention.refs[0] not in chosen:
            chosen.append(mention.refs[0])
            entries.append(_entry(ctx, mention, title, "The implementer is named in the project title."))
    if entries:
        ctx.problem(title.line, f"project {number}: the implementer is only named in the title; check it")
        return chosen, entries
    ctx.problem(title.line, f"project {number}: no implementer named")
    return [UNKNOWN], [cited("organization", UNKNOWN, title)]


def related(
    ctx: Context, sentences: list[Span], masks: list[tuple[int, int]], chosen: list[str]
) -> list[dict[str, Any]]:
    """Other organisations the project's text names (not the implementer, not the funder)."""
    funder = ctx.funder()
    first: dict[str, tuple[Mention, Span]] = {}
    for sentence in sentences:
        for mention in ctx.lex.organizations.find(ctx.doc, sentence.start, sentence.end, masks):
            first.setdefault(mention.refs[0], (mention, sentence))
    named = [*chosen, *first]
    above = {a for r in named if r != UNKNOWN for a in ancestors(ctx.reference, r)}
    return [
        _entry(ctx, mention, sentence)
        for ref, (mention, sentence) in first.items()
        if ref not in chosen and ref not in funder and ref not in above
    ]
