"""The media contacts after "For further information ..." and the publishing department."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from kg.extract.context import UNKNOWN, Context, cited
from kg.extract.layout import Layout
from kg.extract.names import ancestors
from kg.extract.text import Span

ORGANISATION_WORDS = re.compile(
    r"\b(?:Organi[sz]ation|Office|Commission|Committee|Secretariat|Agency|Network|Task\s+Force|Institute"
    r"|Bureau|Council|Association|Foundation|Cent(?:re|er)|Ministry|Department|Service|Services|Police"
    r"|Court|Fund|Bank|Group|Unit|Authority|University|Society|Coalition|Alliance|Union|Board|System"
    r"|Mission|Tribunal|Observatory|Système|Observatoire"
    r"|Comité|Secrétariat|Agence|Réseau|Institut|Conseil|Fondation|Ministère|Cour|Fonds|Banque"
    r"|Groupe|Unité|Autorité|Université|Société)\b"
)
_PERSON_LIKE = re.compile(r"^[A-Z][\w'-]+(?:\s+[A-Z][\w'.-]*){1,3}$")
_DETAIL = re.compile(r"^(?:[\d()+ .-]{7,}|\S+@\S+|https?://\S+|www\.\S+|Follow us|Suivez-nous)", re.I)


def _whole(ctx: Context, line: Span, kind: str) -> str | None:
    lexicon = ctx.lex.people if kind == "person" else ctx.lex.organizations
    for mention in lexicon.find(ctx.doc, line.start, line.end):
        if (mention.start, mention.end) == (line.start, line.end):
            return mention.refs[0]
    return None


def contacts(ctx: Context, layout: Layout) -> list[dict[str, Any]]:
    """One contact per group of lines: its first line names a person or an office."""
    entries: list[dict[str, Any]] = []
    for group in layout.contacts:
        lines = [line for line in group if not _DETAIL.match(ctx.doc.norm[line.start : line.end])]
        if not lines:
            continue
        line = lines[0]
        person = _whole(ctx, line, "person")
        org = _whole(ctx, line, "organization") if person is None else None
        if person:
            entries.append(cited("person", person, line))
        elif org:
            entries.append(cited("organization", org, line))
        else:
            kind = "organization"
            if _PERSON_LIKE.match(line.text) and not ORGANISATION_WORDS.search(line.text):
                kind = "person"
            table = "people.yaml" if kind == "person" else "organizations.yaml"
            ctx.problem(line.line, f"unknown contact {kind} {line.text!r} (not in data/reference/{table})")
            entries.append(cited(kind, UNKNOWN, line))
    if layout.contact_header is None and layout.headline is not None:
        ctx.problem(layout.headline.line, "no media contacts ('For further information ...') found")
    return entries


_SITE = re.compile(r"\s*https?://(?P<host>[^/\s]+)")


def publisher(ctx: Context, layout: Layout, contact_entries: list[dict[str, Any]]) -> str:
    """The department that publishes the release: the one its media contacts belong to."""
    orgs = ctx.reference.organizations
    candidates: list[str] = []
    for entry in contact_entries:
        if entry.get("organization") in orgs:
            candidates.append(entry["organization"])
        person = ctx.reference.people.get(entry.get("person", ""))
        if person is not None and person.works_for:
            candidates.append(person.works_for)
    for group in layout.contacts:
        for line in group:
            candidates.extend(m.refs[0] for m in ctx.lex.organizations.find(ctx.doc, line.start, line.end))
    for org in candidates:
        for ref in [org, *ancestors(ctx.reference, org)]:
            if orgs[ref].kind == "department":
                return ref
    for mention in ctx.lex.organizations.find(ctx.doc, 0, len(ctx.doc.text)):
        if orgs[mention.refs[0]].kind == "department":
            ctx.problem(
                ctx.doc.line_of(mention.start),
                f"publisher {mention.refs[0]} read from the text, not from the contacts",
            )
            return mention.refs[0]
    where = layout.headline.line if layout.headline else 1
    if site := _SITE.match(ctx.doc.norm):  # the address a saved page came from, on its first line
        host = site["host"].removeprefix("www.")
        for department in orgs.values():
            if (
                department.kind == "department"
                and department.url
                and urlsplit(department.url).netloc.removeprefix("www.") == host
            ):
                ctx.problem(1, f"publisher {department.id} read from the address of the page, {site['host']}")
                return department.id
    for program in ctx.programs_named:  # the department that runs the program the release funds through
        admin = ctx.reference.programs[program].administered_by
        if orgs[admin].kind == "department":
            ctx.problem(where, f"publisher {admin} read from the program {program}, which it administers")
            return admin
    ctx.problem(where, "no publishing department found (none of data/reference/organizations.yaml is named)")
    return UNKNOWN
