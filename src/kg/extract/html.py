"""Turn the HTML page of a release into plain text, the way a reader sees it.

Block elements (paragraphs, headings, list items, table cells ...) become paragraphs separated by a blank
line; ``<br>`` becomes a line break; character references are decoded (``&nbsp;`` stays a non-breaking
space); items of an ordered list get their number ("1. "), as a browser shows them; scripts, styles and
the document head are left out. The result is the source text that offsets count in.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
_SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "svg"})
_LOOKS_LIKE_HTML = re.compile(
    r"\A\s*(?:<!doctype\s+html|<html\b|<body\b|<(?:p|div|h1|article|section)\b)", re.IGNORECASE
)
_COLLAPSE = re.compile(r"[ \t\r\n\f\v]+")


def looks_like_html(text: str, name: str = "") -> bool:
    """True when the text is an HTML page (by its file name or its first tag)."""
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return _LOOKS_LIKE_HTML.match(text) is not None


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._lines: list[str] = [""]
        self._skipping = 0
        self._lists: list[list[int]] = []  # one [ordered, counter] per open list

    def _flush(self) -> None:
        lines = [_COLLAPSE.sub(" ", line).strip(" ") for line in self._lines]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)
        self._lines = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
            return
        if tag == "br":
            self._lines.append("")
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ol", "ul"):
            self._lists.append([1 if tag == "ol" else 0, 0])
        elif tag == "li" and self._lists and self._lists[-1][0]:
            self._lists[-1][1] += 1
            self._lines[-1] += f"{self._lists[-1][1]}. "

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._lines.append("")
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ol", "ul") and self._lists:
            self._lists.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._lines[-1] += data


def html_to_text(html: str) -> str:
    """The text of an HTML page: one paragraph per block element, separated by blank lines."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.blocks) + "\n"
