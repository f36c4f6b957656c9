"""Read a release record (``data/releases/*.yaml``) into ``kg.sources.records.Release``."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
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
from kg.sources.reference import read_proposals
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


def _title(f: Fields) -> tuple[Quote, str | None]:
    """A project's title, with the note saying why when the release gives the project no title."""
    sub = f.mapping_("title")
    quote = _quote(sub, "text")
    note = sub.opt_text("note")
    sub.done()
    return quote, note


def _project(f: Fields) -> Project:
    program = f.opt_mapping("program")
    title, title_note = _title(f)
    project = Project(
        number=f.integer("number"),
        id=f.text("id"),
        title=title,
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
        title_note=title_note,
    )
    f.done()
    return project


def _program_mention(f: Fields) -> ProgramMention:
    cap = f.opt_mapping("cap")
    return ProgramMention(_cited(f, "program"), _amount(cap, quoted=False) if cap else None)


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)$"
)


def _published(f: Fields) -> datetime | date:
    """A date-time with its UTC offset when the dateline gives a time, else the date alone (never a made-up
    time): "2011-06-22T20:45:00-04:00" or "2012-04-30"."""
    text = f.text("published")
    expected = 'a date-time with its UTC offset ("2011-06-22T20:45:00-04:00") or a date alone ("2012-04-30")'
    try:
        if _DATE.match(text):
            return date.fromisoformat(text)
        if _DATE_TIME.match(text):
            return datetime.fromisoformat(text)
    except ValueError as exc:
        raise f.error(f"must be {expected}, got {text!r} ({exc})", "published") from exc
    if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T", text) and "+" not in text[10:] and "-" not in text[10:]:
        raise f.error(
            f"must carry its UTC offset (for example -04:00 for ET in summer), got {text!r}", "published"
        )
    raise f.error(f"must be {expected}, got {text!r}", "published")


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
        number=_number(f),
        headline=_opt_span(f, "headline"),
        dateline=_opt_span(f, "dateline"),
        published=_published(f),
        publisher=f.opt_text("publisher"),
        announced_by=tuple(_cited(a, "person") for a in f.items("announced_by")),
        location=_cited(location, "place") if location else None,
        event=event,
        total=_amount(total) if total else None,
        programs=tuple(_program_mention(p) for p in f.items("programs")),
        supports=tuple(_cited(s, "instrument") for s in f.items("supports")),
        contacts=_contacts(f),
        backgrounder=backgrounder,
        projects=tuple(_project(p) for p in f.items("projects")),
        proposals=read_proposals(r) if (r := f.opt_mapping("reference")) else (),
        organizations=tuple(_cited(o, "organization") for o in f.items("organizations")),
    )
    f.done()
    return release


def _number(f: Fields) -> int | None:
    """The release's number, absent when the release states none (never made up)."""
    if not f.has("number"):
        f.skip("number")
        return None
    number = f.integer("number")
    if number < 1:
        raise f.error(f"must be a positive whole number, got {number}", "number")
    return number
