"""Which program funds which project, when the release says so outside the backgrounder.

A backgrounder announcing projects "funded by the Anti-Crime Capacity Building Program and Global
Partnership Program" does not say which program funds which project; the release's body sometimes does,
in a paragraph about one piece of work: "Additionally, Canada is helping to strengthen SICA's capacity
... UN Security Council Resolution 1540 ... Canada's contribution is being made through its Global
Partnership Program". When such a paragraph names exactly one program, and the instruments it names are
supported by exactly one project of the backgrounder (failing that, the organisations it names implement
exactly one project), that project gets the program, quoted from the sentence naming it, with a note.
Projects left without a program are funded through the release's first program (``kg build``).
"""

from __future__ import annotations

from typing import Any

from kg.extract.context import Context, cited
from kg.extract.text import Span


def _matching(projects: list[dict[str, Any]], key: str, field: str, refs: list[str]) -> list[int]:
    """Indexes of the projects whose ``key`` list cites one of ``refs``."""
    return [
        index
        for index, project in enumerate(projects)
        if any(entry.get(field) in refs for entry in project.get(key, []))
    ]


def _with_program(project: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The project with its ``program`` block placed after its implementers, as in a curated record."""
    ordered: dict[str, Any] = {}
    for key, value in project.items():
        ordered[key] = value
        if key == "implementers":
            ordered["program"] = entry
    return ordered


def attribute_programs(
    ctx: Context, paragraphs: list[Span], programs: list[str], projects: list[dict[str, Any]]
) -> None:
    """Give a project the program the release's body ties it to (``projects`` is changed in place)."""
    if len(set(programs)) < 2:
        return  # one program funds every project: nothing to tell apart
    funder = ctx.funder()
    for paragraph in paragraphs:
        named = {m.refs[0]: m for m in ctx.lex.programs.find(ctx.doc, paragraph.start, paragraph.end)}
        if len(named) != 1:
            continue
        program = next(iter(named))
        instruments = [m.refs[0] for m in ctx.lex.instruments.find(ctx.doc, paragraph.start, paragraph.end)]
        orgs = [
            m.refs[0]
            for m in ctx.lex.organizations.find(ctx.doc, paragraph.start, paragraph.end)
            if m.refs[0] not in funder
        ]
        by_instrument = _matching(projects, "supports", "instrument", instruments)
        by_org = _matching(projects, "implementers", "organization", orgs)
        if len(by_instrument) == 1:
            index = by_instrument[0]
            supported = {e.get("instrument") for e in projects[index]["supports"]}
            thing = ctx.reference.instruments[next(i for i in instruments if i in supported)].name["en"]
            why = f"its paragraph on {thing}, which no other project of the backgrounder supports"
        elif not by_instrument and len(by_org) == 1:
            index = by_org[0]
            chosen = {e.get("organization") for e in projects[index]["implementers"]}
            thing = ctx.reference.organizations[next(o for o in orgs if o in chosen)].label
            why = (
                f"a paragraph about the work of one organisation ({thing}), which implements no other "
                "project of the backgrounder"
            )
        else:
            continue
        project = projects[index]
        if "program" in project:
            continue
        mention = named[program]
        sentence = next(s for s in ctx.doc.sentences(paragraph.start, paragraph.end) if s.end >= mention.end)
        entry = cited("program", program, sentence, f"The release names this program in {why}.")
        projects[index] = _with_program(project, entry)
        ctx.problem(
            sentence.line,
            f"project {project['number']}: its program ({program}) is read from the release's body; check it",
        )
