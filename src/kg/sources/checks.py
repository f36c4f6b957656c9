"""Check a release record against its source text and the reference data, before anything is built."""

from __future__ import annotations

from collections.abc import Iterator

from kg.errors import SourceError
from kg.iris import is_slug
from kg.sources.records import Amount, Cited, Quote, Reference, Release, SourceText


def _quotes(release: Release) -> Iterator[Quote]:
    def cited(items: tuple[Cited, ...]) -> Iterator[Quote]:
        yield from (c.quote for c in items)

    if release.headline:
        yield release.headline
    if release.dateline:
        yield release.dateline
    yield from cited(release.announced_by)
    if release.location:
        yield release.location.quote
    if release.event:
        yield release.event.quote
    if release.total and release.total.quote:
        yield release.total.quote
    yield from cited(tuple(p.cited for p in release.programs))
    yield from cited(release.supports)
    yield from cited(tuple(c for _, c in release.contacts))
    yield from cited(release.organizations)
    if release.backgrounder:
        yield release.backgrounder.title
        yield from cited(release.backgrounder.supports)
    for project in release.projects:
        yield project.title
        if project.description:
            yield project.description
        yield from cited(project.implementers)
        if project.program:
            yield project.program.quote
        if project.amount.quote:
            yield project.amount.quote
        yield from cited(project.regions + project.supports + project.related + project.themes)
    yield from (proposal.quote for proposal in release.proposals)


def check_quotes(release: Release, source: SourceText) -> None:
    """Every quote must be found in the source text exactly where the record says it starts."""
    for quote in _quotes(release):
        found = source.text[quote.start : quote.end]
        if found == quote.text:
            continue
        elsewhere = source.text.find(quote.text)
        hint = f" (the text is at {elsewhere})" if elsewhere >= 0 else " (the text is not in the source)"
        raise SourceError(
            f"quote does not match {source.name} at {quote.start}: expected {quote.text[:60]!r}, "
            f"found {found[:60]!r}{hint}",
            path=release.path,
            line=quote.line,
        )


def _check_amount(release: Release, amount: Amount) -> None:
    if amount.quote and amount.stated not in amount.quote.text:
        raise SourceError(
            f"amount {amount.stated!r} is not in its quote", path=release.path, line=amount.line
        )


def check_references(release: Release, reference: Reference) -> None:
    """Every id the record uses must be a slug, unique where it names something new, and known."""

    def fail(message: str, line: int) -> SourceError:
        return SourceError(message, path=release.path, line=line)

    def known(kind: str, ref: str, table: dict[str, object], line: int) -> None:
        if ref not in table:
            raise fail(f"unknown {kind} {ref!r} (not in data/reference/)", line)

    if not is_slug(release.id):
        raise fail(f"release id {release.id!r} is not a slug", 1)
    if release.publisher is not None:
        first = release.headline or release.dateline
        known("organization", release.publisher, dict(reference.organizations), first.line if first else 1)
    for c in release.organizations:
        known("organization", c.ref, dict(reference.organizations), c.quote.line)
    for c in release.announced_by:
        known("person", c.ref, dict(reference.people), c.quote.line)
    for c in [release.location] if release.location else []:
        known("place", c.ref, dict(reference.places), c.quote.line)
    if release.event:
        if not is_slug(release.event.id):
            raise fail(f"event id {release.event.id!r} is not a slug", release.event.quote.line)
        known("place", release.event.place, dict(reference.places), release.event.quote.line)
    for p in release.programs:
        known("program", p.cited.ref, dict(reference.programs), p.cited.quote.line)
    supports = release.supports + (release.backgrounder.supports if release.backgrounder else ())
    for c in supports:
        known("instrument", c.ref, dict(reference.instruments), c.quote.line)
    for kind, c in release.contacts:
        table = reference.people if kind == "person" else reference.organizations
        known(kind, c.ref, dict(table), c.quote.line)
    if release.total:
        _check_amount(release, release.total)
    sectors = {c.code: c for c in reference.codelists["dac-sector"].codes}
    seen_ids: set[str] = set()
    for index, project in enumerate(release.projects, start=1):
        line = project.line
        if project.number != index:
            raise fail(f"project number {project.number} out of order (expected {index})", line)
        if not is_slug(project.id):
            raise fail(f"project id {project.id!r} is not a slug (lower-case words joined by '-')", line)
        if project.id in seen_ids:
            raise fail(f"project id {project.id!r} is used twice", line)
        seen_ids.add(project.id)
        for c in project.implementers + project.related:
            known("organization", c.ref, dict(reference.organizations), c.quote.line)
            if c.correction and c.correction.original not in c.quote.text:
                raise fail(f"corrected text {c.correction.original!r} is not in the quote", c.quote.line)
        if project.program:
            known("program", project.program.ref, dict(reference.programs), project.program.quote.line)
        for c in project.regions:
            known("place", c.ref, dict(reference.places), c.quote.line)
        for c in project.supports:
            known("instrument", c.ref, dict(reference.instruments), c.quote.line)
        for c in project.themes:
            known("theme", c.ref, dict(reference.themes), c.quote.line)
        for sector in project.sectors:
            known("DAC sector", sector, dict(sectors), project.line_of("sectors"))
        _check_amount(release, project.amount)


def check_release(release: Release, reference: Reference, source: SourceText) -> None:
    check_references(release, reference)
    check_quotes(release, source)
