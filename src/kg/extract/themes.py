"""Themes and DAC sectors of a project, read from the cue phrases of ``data/reference/themes.yaml``.

A theme counts when its project's title or description uses one of the theme's cue phrases in the
release's language ("Trafficking in Persons" -> human-trafficking); names of organisations and programs do
not count ("United Nations Office on Drugs and Crime" is not about drug trafficking). Themes come in the
order the text first names them, each with the sentence (or title) that names it. The DAC purpose codes of
the project are those of its themes, in the same order, each once: the mapping theme -> code lives in the
reference data, so a reviewer who changes a theme knows which code follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from kg.extract.context import Context, cited
from kg.extract.lang import LANGUAGES
from kg.extract.names import Lexicons, build_lexicons
from kg.extract.text import Document, Span
from kg.sources.records import Reference

_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u2013": "-", "\u2014": "-"})


@cache
def _pattern(cue: str) -> re.Pattern[str]:
    # A cue may follow a hyphen ("Anti-Organized Crime") but not a letter; it ends at a word boundary.
    words = r"\s+".join(re.escape(w) for w in cue.translate(_NORMALISE).split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _first_cue(ctx: Context, cues: tuple[str, ...], span: Span, masks: list[tuple[int, int]]) -> int | None:
    first: int | None = None
    for cue in cues:
        for match in _pattern(cue).finditer(ctx.doc.norm, span.start, span.end):
            if any(a < match.end() and match.start() < b for a, b in masks):
                continue
            if first is None or match.start() < first:
                first = match.start()
            break
    return first


def themes(ctx: Context, number: int, title: Span, sentences: list[Span]) -> list[dict[str, Any]]:
    """The project's themes, each with the title or sentence where its first cue is."""
    spans = [title, *sentences]
    masks = [
        [
            (m.start, m.end)
            for lexicon in (ctx.lex.organizations, ctx.lex.programs)
            for m in lexicon.find(ctx.doc, span.start, span.end)
        ]
        for span in spans
    ]
    found: list[tuple[int, int, str, Span]] = []
    for order, theme in enumerate(ctx.reference.themes.values()):
        cues = theme.cues.get(ctx.lang.code, ())
        for span, masked in zip(spans, masks, strict=True):
            at = _first_cue(ctx, cues, span, masked)
            if at is not None:
                found.append((at, order, theme.id, span))
                break
    if not found:
        ctx.problem(title.line, f"project {number}: no theme read (no cue of data/reference/themes.yaml)")
    return [cited("theme", ref, span) for _, _, ref, span in sorted(found)]


def sectors(reference: Reference, theme_ids: list[str]) -> list[str]:
    """The DAC purpose codes of the themes, in theme order, each once."""
    codes = (reference.themes[t].dac for t in theme_ids if t in reference.themes)
    return list(dict.fromkeys(code for code in codes if code is not None))


def theme_record_projects(
    text: str, language: str, reference: Reference, projects: list[dict[str, Any]], lexicons: Lexicons
) -> None:
    """Set ``themes`` and ``sectors`` of record projects whose title and description quote ``text``.

    For a program that writes a release and its record together (``kg synth``): its themes are then
    exactly those ``kg extract`` reads from the text it wrote.
    """
    doc = Document(text)
    ctx = Context(doc, LANGUAGES[language], reference, lexicons)
    for project in projects:
        title = doc.span(project["title"]["at"], project["title"]["at"] + len(project["title"]["text"]))
        described = project.get("description")
        start = described["at"] if described else title.end
        sentences = doc.sentences(start, start + len(described["text"])) if described else []
        project["themes"] = themes(ctx, project["number"], title, sentences)
        project["sectors"] = sectors(reference, [t["theme"] for t in project["themes"]])


def theme_reader(reference: Reference) -> Callable[[str, str, list[dict[str, Any]]], None]:
    """``theme_record_projects`` with the lexicons of ``reference`` built once, for a program that writes
    many releases and their records together (``kg synth``)."""
    lexicons = build_lexicons(reference)

    def read(text: str, language: str, projects: list[dict[str, Any]]) -> None:
        theme_record_projects(text, language, reference, projects, lexicons)

    return read
