"""The text of a release as given: lines, sentences, and a copy normalised for matching.

Every offset is a Unicode code point offset into the text exactly as given (CR LF line ends count as
two code points). The normalised copy ``norm`` has the same length: each character is replaced by at
most one other (curly quotes -> straight, non-breaking spaces -> space, dashes -> ``-``), so a match
found in ``norm`` is a span of ``text`` too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_NORMALISE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\ufeff": " ",
    }
)

# Words ending in a full stop that do not end a sentence (lower case).
_ABBREVIATIONS = frozenset(
    {
        "no.", "nos.", "mr.", "mrs.", "ms.", "dr.", "st.", "ste.", "jr.", "sr.", "hon.", "rt.",
        "inc.", "ltd.", "co.", "corp.", "dept.", "gov.", "govt.", "vs.", "approx.", "fig.", "art.",
        "m.", "mm.", "mme.", "mmes.", "mlle.", "p.", "ex.", "env.", "jan.", "feb.", "mar.", "apr.",
        "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
    }
)  # fmt: skip
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.")
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"')\]]*(?=\s|$)")
_SPACE = " \t\r\n\f\v\u00a0\u202f\u2009\u2007\u3000\ufeff"


@dataclass(frozen=True)
class Span:
    """A piece of the text: ``text == document.text[start:end]``; ``line`` is 1-based."""

    start: int
    end: int
    text: str
    line: int


class Document:
    """A release text with its lines and sentences."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = text.translate(_NORMALISE)
        starts = [0]
        starts.extend(m.end() for m in re.finditer(r"\r\n|\r|\n", text))
        self._line_starts = starts
        self.lines: list[Span] = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            while end > start and text[end - 1] in "\r\n":
                end -= 1
            self.lines.append(self.span(start, end))

    def line_of(self, offset: int) -> int:
        """The 1-based line number of a code point offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def span(self, start: int, end: int) -> Span:
        """The span from ``start`` to ``end`` without the white space around it."""
        while start < end and self.text[start] in _SPACE:
            start += 1
        while end > start and self.text[end - 1] in _SPACE:
            end -= 1
        return Span(start, end, self.text[start:end], self.line_of(start))

    def blocks(self) -> list[Span]:
        """The non-blank lines: a line is a paragraph, a heading or a title."""
        return [line for line in self.lines if line.text]

    def _is_abbreviation(self, dot: int, start: int) -> bool:
        begin = dot
        while begin > start and self.norm[begin - 1] not in _SPACE + "(\"'[":
            begin -= 1
        token = self.norm[begin : dot + 1]
        return token.lower() in _ABBREVIATIONS or _INITIALS.fullmatch(token) is not None

    def sentences(self, start: int, end: int) -> list[Span]:
        """Split ``text[start:end]`` into sentences (copes with "p.m.", "No.", "U.N." and the like)."""
        result: list[Span] = []
        begin = start
        for match in _BOUNDARY.finditer(self.norm, start, end):
            stop = match.end()
            single_dot = match.group().rstrip("\"')]") == "."
            if single_dot and self._is_abbreviation(match.start(), begin):
                continue
            rest = self.norm[stop:end].lstrip(_SPACE)
            if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'(["):
                continue
            piece = self.span(begin, stop)
            if piece.text:
                result.append(piece)
            begin = stop
        piece = self.span(begin, end)
        if piece.text:
            result.append(piece)
        return result
