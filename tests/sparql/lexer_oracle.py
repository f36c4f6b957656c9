"""The SPARQL lexer as it was before the one-regex lexer (kg 2026-12-06, commit f60cf64), kept as the oracle
of ``test_lexer.py``: a terminal tried kind by kind, strings scanned by hand. Not used by ``kg``."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.errors import QueryError
from kg.sparql.lexer import Token, position

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PN_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

_WS = re.compile(r"[ \t\r\n]+")
_COMMENT = re.compile(r"#[^\r\n]*")
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_LANGTAG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")
_STOPS = {q: (re.compile(f"[{q}\\\\]"), re.compile(f"[{q}\\\\\r\n]")) for q in "'\""}


def tokens_with_gaps(text: str) -> Iterator[tuple[Token, bool]]:
    """Like :func:`tokens`, also saying whether white space or a comment came before each token."""
    pos, end, gap = 0, len(text), False
    while pos < end:
        char = text[pos]
        if char in " \t\r\n":
            pos = _match_end(_WS, text, pos)
            gap = True
            continue
        if char == "#":
            pos = _match_end(_COMMENT, text, pos)
            gap = True
            continue
        token = _token_at(text, pos, char)
        yield token, gap
        pos = token.start + len(token.text)
        gap = False


def _match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    match = pattern.match(text, pos)
    assert match is not None
    return match.end()


def _token_at(text: str, pos: int, char: str) -> Token:
    if char in "'\"":
        return Token("string", text[pos : _string_end(text, pos, char)], pos)
    names = _names()
    if char == "<" and (match := _IRIREF.match(text, pos)):
        return Token("iri", match[0], pos)
    if char in "?$" and (match := names.var.match(text, pos)):
        return Token("var", match[0], pos)
    if char == "@" and (match := _LANGTAG.match(text, pos)):
        return Token("langtag", match[0], pos)
    if char == "_" and (match := names.bnode.match(text, pos)):
        return Token("bnode", match[0], pos)
    if char.isdigit() or (char == "." and text[pos + 1 : pos + 2].isdigit()):
        match = _NUMBER.match(text, pos)
        if match:
            return Token("number", match[0], pos)
    if names.word_start.match(char):
        match = names.pname.match(text, pos)
        if match:
            return Token("pname", match[0], pos)
        match = names.word.match(text, pos)
        if match:
            return Token("word", match[0], pos)
    return Token("punct", char, pos)


@dataclass(frozen=True)
class _Names:
    var: re.Pattern[str]
    bnode: re.Pattern[str]
    pname: re.Pattern[str]
    word: re.Pattern[str]
    word_start: re.Pattern[str]


@functools.cache
def _names() -> _Names:
    # Compiled on first use: the Unicode classes take ~0.1 s to compile, which query workers never need.
    return _Names(
        var=re.compile(f"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
        bnode=re.compile(f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
        pname=re.compile(f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
        word=re.compile(f"[{_U}][{_U}0-9]*"),
        word_start=re.compile(f"[{_U}:]"),
    )


def _string_end(text: str, start: int, quote: str) -> int:
    """The offset just past the string literal opening at ``start`` (§19.8 STRING_LITERAL*)."""
    long = text.startswith(quote * 3, start)
    pos = start + (3 if long else 1)
    stop = _STOPS[quote][0 if long else 1]
    while True:
        match = stop.search(text, pos)
        if match is None:
            break
        found = match.start()
        if text[found] == "\\":
            pos = found + 2  # ECHAR: the escaped character never ends the string
            continue
        if text[found] in "\r\n":
            break  # a one-line string cannot hold a line break
        if not long:
            return found + 1
        if text.startswith(quote * 3, found):
            return found + 3
        pos = found + 1
    line, column = position(text, start)
    raise QueryError(
        f"SPARQL syntax error: string literal not closed (line {line}, column {column})",
        line=line,
        column=column,
    )
