"""The parts of a release text: headline, body (up to "- 30 -"), contacts, backgrounder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.lang import Language
from kg.extract.text import Document, Span

_LABELS = re.compile(r"^(?:News\s+Release|Media\s+Release|Communiqué|Communiqué\s+de\s+presse)$", re.I)


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


def read_layout(doc: Document, lang: Language) -> Layout:
    blocks = doc.blocks()
    first = 0
    while first < len(blocks) and _LABELS.match(doc.norm[blocks[first].start : blocks[first].end]):
        first += 1
    if first >= len(blocks):
        return Layout(None, [], None, [], None, [], None, [])
    headline = blocks[first]
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
        body=blocks[first + 1 : body_end],
        end_mark=blocks[mark] if mark is not None else None,
        after_mark=blocks[mark + 1 : after_mark_end] if mark is not None else [],
        contact_header=blocks[header] if header is not None else None,
        contacts=contacts,
        backgrounder_title=blocks[title] if title is not None else None,
        backgrounder=backgrounder,
    )
