"""``extract_release``: a release text in, a DRAFT release record out, with every doubt as a problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from kg.extract.attribution import attribute_programs
from kg.extract.body import body_projects
from kg.extract.contacts import contacts, publisher
from kg.extract.context import UNKNOWN, Context, Problem
from kg.extract.header import (
    announced_by,
    header_fields,
    instruments,
    location_and_event,
    programs,
    read_body,
    total,
)
from kg.extract.html import html_to_text, looks_like_html
from kg.extract.lang import detect_language
from kg.extract.layout import read_layout
from kg.extract.money import find_amounts, unread_money
from kg.extract.names import build_lexicons
from kg.extract.participants import participants
from kg.extract.projects import backgrounder
from kg.extract.proposals import reference_section
from kg.extract.text import Document, Span
from kg.sources.records import Reference
from kg.sources.yamlout import to_yaml
from kg.textfiles import read_utf8

_TERMINAL = re.compile(r"[.!?\u2026][\"')\]]*$")


@dataclass(frozen=True)
class ExtractResult:
    """A draft record (ordered like a curated record), what could not be read, and the source text.

    ``source_text`` is the text the offsets count in: the input itself, or the text extracted from an
    HTML page (``html_source`` then names the page), to be saved as ``source_name``.
    """

    record: dict[str, Any]
    problems: tuple[Problem, ...]
    source_text: str
    source_name: str
    html_source: str | None = None

    def to_yaml(self) -> str:
        """The record as YAML text that ``kg.sources.release.read_release`` reads back."""
        return to_yaml(self.record, self._header())

    def _header(self) -> list[str]:
        lines = [
            f"DRAFT release record proposed by `kg extract` from {self.html_source or self.source_name}.",
            "A person must review every field before this record is used; UNKNOWN marks what could not be",
            "read, and `kg build` refuses it.",
            f"Offsets (`at`) are Unicode code points from the start of {self.source_name};",
            f"the problems below name lines of {self.source_name}.",
        ]
        if self.html_source:
            lines += [
                f"{self.source_name} is the text extracted from the HTML page {self.html_source}:",
                "the offsets count in that extracted text, not in the HTML; keep it as the source text.",
            ]
        lines += [
            "Check with most care every entry carrying a `note`: it is read between the lines, not stated.",
            "Themes are read from the cue phrases of data/reference/themes.yaml, sectors from the themes.",
        ]
        if self.problems:
            lines.append(f"Problems ({len(self.problems)}):")
            lines += [f"  {p}" for p in self.problems]
        else:
            lines.append("Problems: none.")
        return lines


def _total_that_is_a_grant(ctx: Context, record: dict[str, Any]) -> None:
    """Drop the total read from the lede when its amount is one of several grants the body states ("has
    contributed $9.5 million toward ... In addition, ... $1.3 million to ..."): that amount is a part, and
    the release states no total of its parts (none is made up by adding them)."""
    stated, projects = record.get("total"), record.get("projects", [])
    if not stated or len(projects) < 2:
        return
    if any(
        p["amount"].get("at") == stated["at"] and p["amount"]["value"] == stated["value"] for p in projects
    ):
        del record["total"]
        ctx.problem(
            ctx.doc.line_of(stated["at"]),
            f"{stated['stated']!r} is one of the grants the release states, not its total: no total recorded",
        )


def _check_total(ctx: Context, record: dict[str, Any]) -> None:
    """Warn when the project amounts do not add up to about the announced total."""
    stated = record.get("total")
    projects = record.get("projects", [])
    amounts = [p["amount"] for p in projects]
    if not stated or not amounts or any(a["qualifier"] == UNKNOWN or "period" in a for a in amounts):
        return  # an amount is missing, or is a rate whose total the text does not give
    added = sum(Decimal(str(p["amount"]["value"])) for p in projects)
    value = Decimal(str(stated["value"]))
    if value and abs(added - value) / value > Decimal("0.1"):
        ctx.problem(
            ctx.doc.line_of(stated["at"]),
            f"the project amounts add up to {added:,}, the release announces {stated['stated']!r}",
        )


def _report_amounts(ctx: Context, sentences: list[Span]) -> None:
    """Report every amount the record does not hold, and every "$" or "dollars" that cannot be read."""
    for sentence in sentences:
        found = find_amounts(ctx.doc, sentence.start, sentence.end, ctx.lang.code)
        for amount in found:
            if amount.start not in ctx.used_amounts:
                ctx.problem(sentence.line, f"the amount {amount.stated!r} is not recorded")
        for offset in unread_money(ctx.doc, sentence.start, sentence.end, found):
            before = ctx.doc.text[sentence.start : offset].split()[-3:]
            after = ctx.doc.text[offset : sentence.end].split()[:3]
            ctx.problem(sentence.line, f"cannot read the amount in {' '.join(before + after)!r}")


def extract_release(text: str, *, source_name: str, reference: Reference) -> ExtractResult:
    """Read a release (plain text or HTML) into a draft record in the format of ``data/releases/``."""
    html_source = None
    if looks_like_html(text, source_name):
        html_source = source_name
        text = html_to_text(text)
        source_name = PurePath(source_name).with_suffix(".txt").name
    doc = Document(text)
    ctx = Context(doc, detect_language(doc.norm), reference, build_lexicons(reference))
    layout = read_layout(doc, ctx.lang)
    body = read_body(ctx, layout)
    contact_entries = contacts(ctx, layout)
    ctx.programs_named = [
        m.refs[0] for s in body.sentences for m in ctx.lex.programs.find(doc, s.start, s.end)
    ]
    ctx.publisher = publisher(ctx, layout, contact_entries)
    head = header_fields(ctx, layout, body, PurePath(source_name).stem)
    record: dict[str, Any] = {"id": head.pop("id"), "source": source_name, **head}
    if ctx.publisher != UNKNOWN:  # a department nothing names is left out, not made up
        record["publisher"] = ctx.publisher
    people, announcing = announced_by(ctx, body)
    record["announced_by"] = people
    record.update(location_and_event(ctx, body))
    if (amount := total(ctx, body, announcing)) is not None:
        record["total"] = amount
    later = [s for b in layout.backgrounder for s in doc.sentences(b.start, b.end)]
    if layout.backgrounder_title:
        later.insert(0, layout.backgrounder_title)
    record["programs"] = programs(ctx, body, later)
    ctx.programs = [p["program"] for p in record["programs"]]
    event_masks = []
    if "event" in record:
        start = record["event"]["at"] + record["event"]["quote"].find(record["event"]["name"])
        event_masks.append((start, start + len(record["event"]["name"])))
    if supports := instruments(ctx, body.sentences, event_masks):
        record["supports"] = supports
    if contact_entries:
        record["contacts"] = contact_entries
    if layout.end_mark is None and layout.body:
        ctx.problem(layout.body[-1].line, "no '- 30 -' end mark: the release may be cut short")
        last = layout.body[-1]
        if not layout.contacts and not _TERMINAL.search(doc.norm[last.start : last.end]):
            ctx.problem(last.line, "the text ends in the middle of a sentence: the release may be cut short")
    background, projects = backgrounder(ctx, layout)
    if background is not None:
        record["backgrounder"] = background
    if projects:
        attribute_programs(ctx, layout.body, ctx.programs, projects)
        record["projects"] = projects
    elif stated := body_projects(
        ctx,
        body.sentences,
        [s for s in (layout.headline, *body.sentences[:1]) if s],
        day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day := str(record.get("published", ""))[:10]) else "",
    ):
        # A release that names no program still states its grants: they are funded through none (the
        # Government of Canada funds them), and no program is made up.
        record["projects"] = stated
        _total_that_is_a_grant(ctx, record)
    if named := participants(ctx, body.sentences, record):
        record["organizations"] = named
    if proposed := reference_section(ctx):
        record["reference"] = proposed
    _check_total(ctx, record)
    _report_amounts(ctx, body.sentences + later)
    problems = tuple(sorted(ctx.problems, key=lambda p: p.line))
    return ExtractResult(record, problems, text, source_name, html_source)


MAX_RELEASE_BYTES = 2 * 1024 * 1024


def extract_file(path: Path, reference: Reference) -> ExtractResult:
    """Read a release file (UTF-8 text or HTML, line ends untouched) and extract its draft record.

    The one function here that reads a file; a file that cannot be read raises ``SourceError``.
    """
    # A release is a few pages (No. 175 is 8.5 KB); reading 20 MB of words took 36 s.
    text = read_utf8(
        path,
        MAX_RELEASE_BYTES,
        too_large=f"larger than the {MAX_RELEASE_BYTES // 2**20} MB a release text may be",
        unreadable="cannot read the release text",
        not_utf8="cannot read the release text: not UTF-8",
    )
    return extract_release(text, source_name=path.name, reference=reference)
