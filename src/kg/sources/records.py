"""The input contract: source records as frozen dataclasses, with no RDF in sight.

A release record (``data/releases/*.yaml``) describes one news release; reference records
(``data/reference/*.yaml``) describe the organisations, programs, people, places, themes, codelists and
instruments that releases point to by ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Quote:
    """A span of the source text: ``text`` starts at code point ``start`` (Web Annotation §4.2.4)."""

    text: str
    start: int
    line: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Correction:
    """An editorial fix of the source text (a typo), recorded instead of silently applied."""

    original: str
    corrected: str
    note: str


@dataclass(frozen=True)
class Cited:
    """A reference to a known thing (``ref`` is its id) with the sentence that says so."""

    ref: str
    quote: Quote
    note: str | None = None
    correction: Correction | None = None


@dataclass(frozen=True)
class Amount:
    """A monetary amount in CAD as the source states it."""

    stated: str
    qualifier: str
    value: Decimal
    period: str | None
    quote: Quote | None
    line: int


@dataclass(frozen=True)
class ProgramMention:
    cited: Cited
    cap: Amount | None


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    place: str
    quote: Quote


@dataclass(frozen=True)
class Backgrounder:
    title: Quote
    supports: tuple[Cited, ...]


@dataclass(frozen=True)
class Project:
    number: int
    id: str
    title: Quote
    description: Quote | None
    implementers: tuple[Cited, ...]
    program: Cited | None
    amount: Amount
    regions: tuple[Cited, ...]
    supports: tuple[Cited, ...]
    related: tuple[Cited, ...]
    themes: tuple[Cited, ...]
    sectors: tuple[str, ...]
    line: int
    field_lines: tuple[tuple[str, int], ...] = ()
    title_note: str | None = None
    """Why the title is what it is, when the release gives the project none (a project stated in the body,
    titled by the purpose its sentence states): the note of the title's evidence."""

    def line_of(self, field: str) -> int:
        """The line of one field of this project in its record (its first line when absent)."""
        return dict(self.field_lines).get(field, self.line)


@dataclass(frozen=True)
class Release:
    id: str
    path: Path
    source: str
    language: str
    number: int | None
    """The release's number ("No. 175"), absent when the release states none."""
    headline: Quote | None
    """The headline, absent when the text has none (a copy that starts at its dateline): never made up."""
    dateline: Quote | None
    published: datetime | date
    """A ``datetime`` with its UTC offset when the dateline gives a time, else the ``date`` alone."""
    publisher: str | None
    """The publishing department, absent when neither the text nor its contacts nor its address say it."""
    announced_by: tuple[Cited, ...]
    location: Cited | None
    event: Event | None
    total: Amount | None
    programs: tuple[ProgramMention, ...]
    supports: tuple[Cited, ...]
    contacts: tuple[tuple[str, Cited], ...]
    backgrounder: Backgrounder | None
    projects: tuple[Project, ...]
    proposals: tuple[Proposal, ...] = ()
    """The reference entries the record proposes (its ``reference:`` section), that data/reference/ lacks."""
    organizations: tuple[Cited, ...] = ()
    """Organisations the release names as taking part without an amount of their own (``organizations:``)."""

    @property
    def day(self) -> date:
        """The date of publication, as the dateline states it (local to the release, not UTC)."""
        if isinstance(self.published, datetime):
            return self.published.date()
        return self.published

    @property
    def order(self) -> tuple[date, str, str]:
        """A key ordering releases by publication (a date alone and a date-time can be compared), then id."""
        return (self.day, self.published.isoformat(), self.id)


@dataclass(frozen=True)
class SourceText:
    """The verbatim text of a release, as read from ``data/sources/``."""

    name: str
    text: str
    sha256: str
    size: int


# --- reference data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    id: str
    name: dict[str, str]
    kind: str
    acronyms: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    parent: str | None = None
    iati_type: str | None = None
    iati_id: str | None = None
    country: str | None = None
    wikidata: str | None = None
    url: str | None = None
    note: str | None = None
    serves: str | None = None
    """The region a regional organisation works for (a place id): SICA, Central America."""

    @property
    def label(self) -> str:
        """Its English name, else the name it has (one a French release proposes may have French only)."""
        return self.name.get("en") or next(iter(self.name.values()))


@dataclass(frozen=True)
class Program:
    id: str
    name: dict[str, str]
    administered_by: str
    acronyms: tuple[str, ...] = ()
    description: dict[str, str] | None = None


@dataclass(frozen=True)
class Post:
    id: str
    name: dict[str, str]
    post_in: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    honorific: str | None
    holds: tuple[str, ...]
    works_for: str | None


@dataclass(frozen=True)
class Place:
    id: str
    type: str
    name: dict[str, str]
    parent: str | None = None
    m49: str | None = None
    alpha3: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    name: dict[str, str]
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per language, the phrases by which a project's text names this theme (``kg extract`` reads them)."""
    dac: str | None = None
    """The OECD DAC purpose code of projects on this theme, where one applies."""


@dataclass(frozen=True)
class Code:
    code: str
    name: dict[str, str]
    category: str | None = None


@dataclass(frozen=True)
class Codelist:
    id: str
    name: dict[str, str]
    source: str
    codes: tuple[Code, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    type: str
    name: dict[str, str]
    identifier: str | None = None
    date: str | None = None
    passed_by: str | None = None
    author: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reference:
    """All reference records, indexed by id."""

    organizations: dict[str, Organization]
    programs: dict[str, Program]
    posts: dict[str, Post]
    people: dict[str, Person]
    places: dict[str, Place]
    themes: dict[str, Theme]
    codelists: dict[str, Codelist]
    instruments: dict[str, Instrument]
    proposed_by: dict[tuple[str, str], Path] = field(default_factory=dict)
    """The record that proposed each entry not from data/reference/, by (``Proposal.kind``, id)."""


PROPOSAL_KINDS = ("organizations", "programs", "places")


@dataclass(frozen=True)
class Proposal:
    """A reference entry proposed by a release record (its ``reference:`` section), with the sentence that
    names it: the entry joins the reference data, the sentence is the evidence of its name."""

    kind: str
    """One of ``PROPOSAL_KINDS``: the section of the Reference the entry joins."""
    entry: Organization | Program | Place
    quote: Quote
    line: int
    where: str
    """The field path of the entry in its record (``release.reference.organizations[1]``), for errors."""
