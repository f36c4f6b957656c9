"""Read a release record (``data/releases/*.yaml``) into ``kg.sources.records.Release``."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from kg.amounts import QUALIFIERS, read_amount
from kg.errors import SourceError
from kg.sources.records import (
    Amount,
    Backgrounder,
    Cited,
    Correction,
    Event,
    ProgramMention,
    Project,
    Quote,
    Release,
    SourceText,
)
from kg.sources.yamlfile import Fields, load_yaml


def read_source_text(path: Path) -> SourceText:
    """Read a source text exactly as published: UTF-8, newlines untouched."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read source text: {exc}", path=path) from exc
    return SourceText(path.name, text, hashlib.sha256(raw).hexdigest(), len(raw))


def _quote(f: Fields, text_key: str = "quote") -> Quote:
    return Quote(f.text(text_key), f.integer("at"), f.line_of(text_key))


def _span(f: Fields, key: str) -> Quote:
    sub = f.mapping_(key)
    quote = _quote(sub, "text")
    sub.done()
    return quote


def _opt_span(f: Fields, key: str) -> Quote | None:
    if f.has(key):
        return _span(f, key)
    f.skip(key)
    return None


def _cited(f: Fields, ref_key: str) -> Cited:
    correction = None
    if (c := f.opt_mapping("correction")) is not None:
        correction = Correction(c.text("original"), c.text("corrected"), c.text("note"))
        c.done()
    cited = Cited(f.text(ref_key), _quote(f), f.opt_text("note"), correction)
    f.done()
    return cited


def _amount(f: Fields, *, quoted: bool = True) -> Amount:
    qualifier = f.text("qualifier")
    if qualifier not in QUALIFIERS:
        raise f.error(f"must be one of {', '.join(QUALIFIERS)}, got {qualifier!r}", "qualifier")
    amount = Amount(
        stated=f.text("stated"),
        qualifier=qualifier,
        value=f.decimal("value"),
        period=f.opt_text("period"),
        quote=_quote(f) if quoted else None,
        line=f.mapping.line,
    )
    figure = read_amount(amount.stated)
    if figure is not None and (figure.qualifier, figure.value, figure.period) != (
        amount.qualifier,
        amount.value,
        amount.period,
    ):
        raise f.error(
            f"{amount.stated!r} reads as {figure.qualifier} {figure.value}"
            f"{' per ' + figure.period if figure.period else ''}, but the record says "
            f"{amount.qualifier} {amount.value}{' per ' + amount.period if amount.period else ''}",
            "stated",
        )
    f.done()
    return amount


def _project(f: Fields) -> Project:
    program = f.opt_mapping("program")
    project = Project(
        number=f.integer("number"),
        id=f.text("id"),
        title=_span(f, "title"),
        description=_opt_span(f, "description"),
        implementers=tuple(_cited(i, "organization") for i in f.items("implementers", required=True)),
        program=_cited(program, "program") if program else None,
        amount=_amount(f.mapping_("amount")),
        regions=tuple(_cited(r, "region") for r in f.items("regions", required=True)),
        supports=tuple(_cited(s, "instrument") for s in f.items("supports")),
        related=tuple(_cited(r, "organization") for r in f.items("related")),
        themes=tuple(_cited(t, "theme") for t in f.items("themes")),
        sectors=f.texts("sectors"),
        line=f.mapping.line,
        field_lines=tuple(sorted(f.mapping.key_lines.items())),
    )
    f.done()
    return project


def _program_mention(f: Fields) -> ProgramMention:
    cap = f.opt_mapping("cap")
    return ProgramMention(_cited(f, "program"), _amount(cap, quoted=False) if cap else None)


def _published(f: Fields) -> datetime:
    text = f.text("published")
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise f.error(f"must be an ISO 8601 date-time, got {text!r}", "published") from exc
    if value.tzinfo is None:
        raise f.error("must carry its UTC offset (for example -04:00 for ET in summer)", "published")
    return value


def _contacts(f: Fields) -> tuple[tuple[str, Cited], ...]:
    contacts = []
    for item in f.items("contacts"):
        kind = "person" if item.has("person") else "organization"
        contacts.append((kind, _cited(item, kind)))
    return tuple(contacts)


def read_release(path: Path) -> Release:
    """Parse one release record; errors name the file, the line and the field."""
    f = Fields(load_yaml(path), "release")
    event = None
    if (e := f.opt_mapping("event")) is not None:
        event = Event(e.text("id"), e.text("name"), e.text("place"), _quote(e))
        e.done()
    backgrounder = None
    if (b := f.opt_mapping("backgrounder")) is not None:
        backgrounder = Backgrounder(
            _span(b, "title"), tuple(_cited(s, "instrument") for s in b.items("supports"))
        )
        b.done()
    location = f.opt_mapping("location")
    total = f.opt_mapping("total")
    release = Release(
        id=f.text("id"),
        path=path,
        source=f.text("source"),
        language=f.text("language"),
        number=f.integer("number"),
        headline=_span(f, "headline"),
        dateline=_opt_span(f, "dateline"),
        published=_published(f),
        publisher=f.text("publisher"),
        announced_by=tuple(_cited(a, "person") for a in f.items("announced_by", required=True)),
        location=_cited(location, "place") if location else None,
        event=event,
        total=_amount(total) if total else None,
        programs=tuple(_program_mention(p) for p in f.items("programs", required=True)),
        supports=tuple(_cited(s, "instrument") for s in f.items("supports")),
        contacts=_contacts(f),
        backgrounder=backgrounder,
        projects=tuple(_project(p) for p in f.items("projects")),
    )
    f.done()
    return release
