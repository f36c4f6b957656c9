"""The parts of a release text: headline, body (up to "- 30 -"), contacts, backgrounder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.dates import DatelineAt, find_dateline
from kg.extract.lang import Language
from kg.extract.text import Document, Span

# What a page saved from the web puts above a release: its address, labels, site banners and notices,
# menus and breadcrumbs. None of it is the headline.
_LABELS = re.compile(
    r"^(?:News\s+Releases?|Media\s+Releases?|Communiqués?(?:\s+de\s+presse)?|Archived(?:\s+Content)?"
    r"|Contenu\s+archivé|Archivée?s?|Statement|Déclaration"
    r"|(?:Skip|Passer)\b.*|Français|English|Home|Accueil|Menu|Search|Recherche|Media\s+Room"
    r"|Salle\s+de\s+presse|Foreign\s+Affairs.*Canada|Affaires\s+étrangères.*Canada|Government\s+of\s+Canada"
    r"|Gouvernement\s+du\s+Canada|Canada|Date\s+(?:Modified|de\s+modification).*|Top\s+of\s+Page"
    r"|Haut\s+de\s+la\s+page|Source\s*:.*|URL\s*:.*)$",
    re.I,
)
_JUNK = re.compile(
    r"^(?:<?(?:https?://|www\.)\S*>?$"  # the address the page was saved from
    r"|.*\s[>»]\s"  # a breadcrumb: Home > Media Room > News Releases
    r"|News\s+Release\s+Article\s+from\b.*|Communiqué\s+(?:de\s+presse\s+)?(?:article\s+)?d[eu']\s.*"
    r"|.*\b(?:identified\s+as\s+archived|identifiée\s+comme\s+étant\s+archivée|archived\s+on\s+the\s+Web"
    r"|archivée\s+dans\s+le\s+Web)\b)",
    re.I,
)
_PLACE_LINE = re.compile(r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3},\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}")
_DATELINE_WITHIN = 12  # blocks from the top: a dateline lower down is a date the body mentions


def _junk(doc: Document, block: Span) -> bool:
    norm = doc.norm[block.start : block.end]
    return bool(_LABELS.match(norm) or _JUNK.match(norm))


@dataclass(frozen=True)
class Layout:
    headline: Span | None
    body: list[Span]
    end_mark: Span | None
    after_mark: list[Span]
    contact_header: Span | None
    contacts: list[list[Span]]
    backgrounder_title: Span | None
    backgrounder: list[Span]
    dateline: DatelineAt | None = None
    """The dateline, in the first blocks of the body."""


def _first(blocks: list[Span], start: int, pattern: re.Pattern[str], doc: Document) -> int | None:
    for index in range(start, len(blocks)):
        block = blocks[index]
        if pattern.search(doc.norm[block.start : block.end]):
            return index
    return None


def _groups(doc: Document, first_line: int, stop_line: int) -> list[list[Span]]:
    groups: list[list[Span]] = []
    current: list[Span] = []
    for line in doc.lines[first_line - 1 : stop_line - 1]:
        if line.text:
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


_ARCHIVED = re.compile(r"(?:Archived|Archivée?)\s*-\s*")


def _headline(doc: Document, blocks: list[Span]) -> tuple[int | None, int, DatelineAt | None]:
    """The index of the headline (None when there is none), of the first block of the body, and the dateline.

    The headline is the first block above the dateline, passing over labels, banners and the page's address
    (blocks between it and the dateline are subtitles);
    without a dateline, the first block that is none of those.
    """
    for index, block in enumerate(blocks[:_DATELINE_WITHIN]):
        found = find_dateline(doc.norm, block.start, block.end)
        if found is None:
            continue
        above = [i for i in range(index) if not _junk(doc, blocks[i])]
        if (
            above
            and found.lede == block.end
            and _PLACE_LINE.fullmatch(doc.norm, blocks[above[-1]].start, blocks[above[-1]].end)
        ):
            above.pop()  # "The Hague, Netherlands" above a date on its own line: the dateline's place
        # The first such block: the ones between it and the dateline are its subtitles (a wire copy's deck).
        return (above[0] if above else None), (above[-1] + 1 if above else index), found
    first = next((i for i, block in enumerate(blocks) if not _junk(doc, block)), None)
    return first, (first + 1 if first is not None else len(blocks)), None


def _title(doc: Document, block: Span) -> Span:
    """The headline without the "Archived - " that an archived page puts before it."""
    match = _ARCHIVED.match(doc.norm, block.start, block.end)
    return doc.span(match.end(), block.end) if match else block


def read_layout(doc: Document, lang: Language) -> Layout:
    blocks = doc.blocks()
    first, body_start, dateline = _headline(doc, blocks)
    if body_start >= len(blocks):
        return Layout(None, [], None, [], None, [], None, [])
    headline = _title(doc, blocks[first]) if first is not None else None
    first = body_start - 1
    mark = _first(blocks, first + 1, lang.end_mark, doc)
    after = mark + 1 if mark is not None else first + 1
    header = _first(blocks, after, lang.contact_header, doc)
    title = _first(blocks, after, lang.backgrounder_title, doc)
    ends = [i for i in (mark, header, title) if i is not None]
    body_end = min(ends) if ends else len(blocks)
    after_mark_end = min([i for i in (header, title) if i is not None], default=len(blocks))
    contacts: list[list[Span]] = []
    if header is not None:
        before_title = title is not None and title > header
        stop = blocks[title].line if title is not None and before_title else len(doc.lines) + 1
        contacts = _groups(doc, blocks[header].line + 1, stop)
    backgrounder: list[Span] = []
    if title is not None:
        stop_block = header if header is not None and header > title else len(blocks)
        backgrounder = blocks[title + 1 : stop_block]
    return Layout(
        headline=headline,
        body=[b for b in blocks[first + 1 : body_end] if not _junk(doc, b)],
        end_mark=blocks[mark] if mark is not None else None,
        after_mark=blocks[mark + 1 : after_mark_end] if mark is not None else [],
        contact_header=blocks[header] if header is not None else None,
        contacts=contacts,
        backgrounder_title=blocks[title] if title is not None else None,
        backgrounder=backgrounder,
        dateline=dateline,
    )
