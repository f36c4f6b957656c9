"""Read the reference records in ``data/reference/``: one file per kind of thing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from kg.errors import SourceError
from kg.iris import is_slug
from kg.sources.records import (
    PROPOSAL_KINDS,
    Code,
    Codelist,
    Instrument,
    Organization,
    Person,
    Place,
    Post,
    Program,
    Proposal,
    Quote,
    Reference,
    Release,
    Theme,
)
from kg.sources.yamlfile import Fields, load_yaml

ORGANIZATION_KINDS = (
    "government",
    "department",
    "unit",
    "intergovernmental",
    "network",
    "committee",
    "ngo",
    "academic",
    "company",
)
PLACE_TYPES = ("m49-region", "region", "country", "city")
INSTRUMENT_TYPES = ("legal-instrument", "strategy")

T = TypeVar("T")


def _items(path: Path, key: str) -> list[Fields]:
    top = Fields(load_yaml(path), path.stem)
    items = list(top.items(key, required=True))
    top.done()
    return items


def _id(f: Fields) -> str:
    value = f.text("id")
    if not is_slug(value):
        raise f.error(f"{value!r} is not a slug (lower-case words joined by '-')", "id")
    return value


def _choice(f: Fields, key: str, choices: tuple[str, ...]) -> str:
    value = f.text(key)
    if value not in choices:
        raise f.error(f"must be one of {', '.join(choices)}, got {value!r}", key)
    return value


def _index(items: list[tuple[Fields, T]], ident: str = "id") -> dict[str, T]:
    table: dict[str, T] = {}
    for f, item in items:
        key = str(getattr(item, ident))
        if key in table:
            raise f.error(f"{key!r} is defined twice", ident)
        table[key] = item
    return table


def _organization(f: Fields) -> Organization:
    org = Organization(
        id=_id(f),
        # An organisation a French release proposes may have its French name only (docs/data-model.md).
        name=f.languages("name", required=()),
        kind=_choice(f, "kind", ORGANIZATION_KINDS),
        acronyms=f.texts("acronyms"),
        misspellings=f.texts("misspellings"),
        parent=f.opt_text("parent"),
        iati_type=f.opt_text("iati_type"),
        iati_id=f.opt_text("iati_id"),
        country=f.opt_text("country"),
        wikidata=f.opt_text("wikidata"),
        url=f.opt_url("url"),
        note=f.opt_text("note"),
        serves=f.opt_text("serves"),
    )
    f.done()
    return org


def _program(f: Fields) -> Program:
    program = Program(
        id=_id(f),
        name=f.languages("name"),
        administered_by=f.text("administered_by"),
        acronyms=f.texts("acronyms"),
        description=f.opt_languages("description"),
    )
    f.done()
    return program


def _post(f: Fields) -> Post:
    post = Post(_id(f), f.languages("name"), f.text("post_in"))
    f.done()
    return post


def _person(f: Fields) -> Person:
    person = Person(
        _id(f), f.text("name"), f.opt_text("honorific"), f.texts("holds"), f.opt_text("works_for")
    )
    f.done()
    return person


def _place(f: Fields, languages: tuple[str, ...] = ("en", "fr")) -> Place:
    place = Place(
        id=_id(f),
        type=_choice(f, "type", PLACE_TYPES),
        name=f.languages("name", required=languages),
        parent=f.opt_text("parent"),
        m49=f.opt_text("m49"),
        alpha3=f.opt_text("alpha3"),
        wikidata=f.opt_text("wikidata"),
    )
    if place.type in ("m49-region", "country") and place.m49 is None:
        raise f.error(f"a {place.type} needs its M49 code", "m49")
    f.done()
    return place


def _cues(f: Fields) -> dict[str, tuple[str, ...]]:
    cues = f.opt_mapping("cues")
    if cues is None:
        return {}
    table = {lang: cues.texts(lang) for lang in ("en", "fr", "es") if cues.has(lang)}
    cues.done()
    return table


def _theme(f: Fields) -> Theme:
    theme = Theme(_id(f), f.languages("name", required=("en", "fr")), cues=_cues(f), dac=f.opt_text("dac"))
    f.done()
    return theme


def _code(f: Fields) -> Code:
    code = Code(f.text("code"), f.languages("name", required=("en", "fr")), f.opt_text("category"))
    f.done()
    return code


def _codelist(f: Fields) -> Codelist:
    codes = tuple(_code(c) for c in f.items("codes", required=True))
    codelist = Codelist(_id(f), f.languages("name", required=("en", "fr")), f.url("source"), codes)
    f.done()
    return codelist


def _instrument(f: Fields) -> Instrument:
    instrument = Instrument(
        id=_id(f),
        type=_choice(f, "type", INSTRUMENT_TYPES),
        name=f.languages("name"),
        identifier=f.opt_text("identifier"),
        date=f.opt_text("date"),
        passed_by=f.opt_text("passed_by"),
        author=f.opt_text("author"),
        url=f.opt_url("url"),
    )
    f.done()
    return instrument


def read_reference_dir(directory: Path) -> Reference:
    """Read every reference file and check that the ids they point to exist."""

    def read(name: str, key: str, parse: Callable[[Fields], T]) -> list[tuple[Fields, T]]:
        path = directory / name
        if not path.is_file():
            raise SourceError("reference file is missing", path=path)
        return [(f, parse(f)) for f in _items(path, key)]

    people = read("people.yaml", "people", _person)
    posts = read("posts.yaml", "posts", _post)
    reference = Reference(
        organizations=_index(read("organizations.yaml", "organizations", _organization)),
        programs=_index(read("programs.yaml", "programs", _program)),
        posts=_index(posts),
        people=_index(people),
        places=_index(read("places.yaml", "places", _place)),
        themes=_index(read("themes.yaml", "themes", _theme)),
        codelists=_index(read("codelists.yaml", "codelists", _codelist)),
        instruments=_index(read("instruments.yaml", "instruments", _instrument)),
    )
    _check_links(directory, reference)
    return reference


def _check_links(directory: Path, ref: Reference) -> None:
    def need(table: dict[str, object], key: str | None, what: str, file: str) -> None:
        if key is not None and key not in table:
            raise SourceError(f"{what} points to unknown id {key!r}", path=directory / file)

    orgs: dict[str, object] = dict(ref.organizations)
    places: dict[str, object] = dict(ref.places)
    for org in ref.organizations.values():
        need(orgs, org.parent, f"organization {org.id!r} parent", "organizations.yaml")
        need(places, org.country, f"organization {org.id!r} country", "organizations.yaml")
        need(places, org.serves, f"organization {org.id!r} serves", "organizations.yaml")
    for program in ref.programs.values():
        need(orgs, program.administered_by, f"program {program.id!r}", "programs.yaml")
    for post in ref.posts.values():
        need(orgs, post.post_in, f"post {post.id!r}", "posts.yaml")
    for person in ref.people.values():
        need(orgs, person.works_for, f"person {person.id!r} works_for", "people.yaml")
        for held in person.holds:
            need(dict(ref.posts), held, f"person {person.id!r} holds", "people.yaml")
    for place in ref.places.values():
        need(places, place.parent, f"place {place.id!r} parent", "places.yaml")
    for inst in ref.instruments.values():
        need(orgs, inst.passed_by, f"instrument {inst.id!r} passed_by", "instruments.yaml")
        need(orgs, inst.author, f"instrument {inst.id!r} author", "instruments.yaml")
    for required in ("dac-sector", "iati-organisation-role", "iati-organisation-type"):
        if required not in ref.codelists:
            raise SourceError(f"codelist {required!r} is missing", path=directory / "codelists.yaml")
    sectors: dict[str, object] = {c.code: c for c in ref.codelists["dac-sector"].codes}
    for theme in ref.themes.values():
        need(sectors, theme.dac, f"theme {theme.id!r} dac", "themes.yaml")


# --- reference entries proposed by release records (docs/data-model.md, "Reference entries in a record") ---


def read_proposals(f: Fields) -> tuple[Proposal, ...]:
    """The ``reference:`` section of a release record: entries in the shape of data/reference/*.yaml, each
    with the sentence naming it (``quote``, ``at``). A release states a name in one language only, so French
    is not required here (official French names go into data/reference/)."""
    parsers: dict[str, Callable[[Fields], Organization | Program | Place]] = {
        "organizations": _organization,
        "programs": _program,
        "places": lambda item: _place(item, ("en",)),
    }
    proposals = []
    for kind in PROPOSAL_KINDS:
        for item in f.items(kind):
            quote = Quote(item.text("quote"), item.integer("at"), item.line_of("quote"))
            proposals.append(Proposal(kind, parsers[kind](item), quote, item.line_of("id"), item.where))
    f.done()
    return tuple(proposals)


def merge_reference(base: Reference, releases: Iterable[Release]) -> Reference:
    """``base`` (data/reference/) plus the entries the records propose; an id defined twice, or an entry
    pointing to an unknown id, is a one-line error naming the record, the line and the field."""
    tables: dict[str, dict[str, Organization | Program | Place]] = {
        "organizations": dict(base.organizations),
        "programs": dict(base.programs),
        "places": dict(base.places),
    }
    origin = dict(base.proposed_by)
    added: list[tuple[Release, Proposal]] = []
    for release in releases:
        for proposal in release.proposals:
            key = proposal.entry.id
            if key in tables[proposal.kind]:
                where = str(origin.get((proposal.kind, key), f"data/reference/{proposal.kind}.yaml"))
                raise SourceError(
                    f"{proposal.where}.id: {key!r} is already defined in {where}",
                    path=release.path,
                    line=proposal.line,
                )
            tables[proposal.kind][key] = proposal.entry
            origin[(proposal.kind, key)] = release.path
            added.append((release, proposal))
    merged = replace(
        base,
        organizations={k: v for k, v in tables["organizations"].items() if isinstance(v, Organization)},
        programs={k: v for k, v in tables["programs"].items() if isinstance(v, Program)},
        places={k: v for k, v in tables["places"].items() if isinstance(v, Place)},
        proposed_by=origin,
    )
    for release, proposal in added:
        _check_proposal(release, proposal, merged)
    return merged


def _check_proposal(release: Release, proposal: Proposal, ref: Reference) -> None:
    entry = proposal.entry
    links: list[tuple[str, str | None, dict[str, object]]] = []
    if isinstance(entry, Organization):
        orgs: dict[str, object] = dict(ref.organizations)
        places: dict[str, object] = dict(ref.places)
        links = [
            ("parent", entry.parent, orgs),
            ("country", entry.country, places),
            ("serves", entry.serves, places),
        ]
        if entry.iati_type is not None:
            types = {c.code: c for c in ref.codelists["iati-organisation-type"].codes}
            links.append(("iati_type", entry.iati_type, dict(types)))
    elif isinstance(entry, Program):
        links = [("administered_by", entry.administered_by, dict(ref.organizations))]
    else:
        links = [("parent", entry.parent, dict(ref.places))]
    for field, value, table in links:
        if value is not None and value not in table:
            raise SourceError(
                f"{proposal.where}.{field}: unknown id {value!r} (not in data/reference/ nor in a record)",
                path=release.path,
                line=proposal.line,
            )
