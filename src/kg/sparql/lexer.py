"""Split SPARQL query text into terminals, the way the engine does, without parsing it.

Implements the terminals of SPARQL 1.1 Query §19.8 (https://www.w3.org/TR/sparql11-query/#terminals):
IRIREF, PNAME_NS/PNAME_LN (PN_PREFIX, PN_LOCAL with PLX escapes), BLANK_NODE_LABEL, VAR1/VAR2, LANGTAG,
the numeric literals, the four string forms with ECHAR, comments (§19.4) and WS (§19.3: space, tab, CR, LF).
Anything else is a one-character punctuation token, so ``?a<?b`` (no IRIREF: the ``?`` is allowed but a
space or ``|`` would not be) lexes as ``?a`` ``<`` ``?b`` exactly when the grammar says so.

The guard reads the tokens to find keywords that are outside strings, IRIs, comments, variables and prefixed
names. Oxigraph 0.5.13 matches keywords without a word boundary (``SERVICESILENT<…>`` and ``ASKWHERE{}`` are
accepted), so a bare word is kept whole here and the guard looks inside it.
§19.2 codepoint escapes are not expanded outside IRIs and strings: Oxigraph rejects ``\\u0053ERVICE`` as a
syntax error, and a stray backslash lexes as punctuation, so nothing hides behind one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from kg.errors import QueryError

TokenKind = Literal["word", "var", "pname", "bnode", "iri", "string", "number", "langtag", "punct"]

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
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Where a string may end: its quote, a backslash (ECHAR), and for one-line strings a line break.
_STOPS = {q: (re.compile(f"[{q}\\\\]"), re.compile(f"[{q}\\\\\r\n]")) for q in "'\""}

OPENING = frozenset("{([")
CLOSING = frozenset("})]")


class Token(NamedTuple):
    """One terminal: its kind, its exact text and where it starts (character offset). A named tuple, not a
    frozen dataclass: made a dozen times per query, and a third cheaper to make (issue 12)."""

    kind: TokenKind
    text: str
    start: int


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset.

    >>> position("SELECT *\\nWHERE { }", 9)
    (2, 1)
    """
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def iri_value(token: Token) -> str:
    """The IRI an IRIREF token names, with its ``\\u`` escapes expanded.

    >>> iri_value(Token("iri", "<http://ex/\\\\u0041>", 0))
    'http://ex/A'
    """
    return _UCHAR.sub(lambda m: chr(int(m[1] or m[2], 16)), token.text[1:-1])


def tokens(text: str) -> Iterator[Token]:
    """Yield the terminals of ``text``, skipping white space and comments.

    :raises QueryError: for a string that is not closed (at its opening quote's line and column).

    >>> [t.text for t in tokens('SELECT ?service { ?s <http://ex/SERVICE> "SERVICE" } # SERVICE')]
    ['SELECT', '?service', '{', '?s', '<http://ex/SERVICE>', '"SERVICE"', '}']
    >>> [t.kind for t in tokens("ex:service ?a<?b 1.5e3 'x'@en _:b1")]
    ['pname', 'var', 'punct', 'var', 'number', 'string', 'langtag', 'bnode']
    """
    for token, _gap in _lexed(text):
        yield token


# The guard, the lean-path check, the cache key and the schema.org rewrite each read a query's tokens: lexing
# a short text once, not four times, is most of the Python cost of a point lookup (issue 12).
MEMO_CHARS = 4096  # texts up to this long are remembered (here and by kg.sparql.guard)


def _lexed(text: str) -> Iterator[tuple[Token, bool]] | tuple[tuple[Token, bool], ...]:
    """The tokens of a short text, lexed once (kept for the next caller); a long one lexed as read."""
    if len(text) > MEMO_CHARS:
        return tokens_with_gaps(text)
    try:
        return _lexed_short(text)
    except QueryError:
        return tokens_with_gaps(text)  # raise where the bad string is, after the tokens before it


@functools.lru_cache(maxsize=512)
def _lexed_short(text: str) -> tuple[tuple[Token, bool], ...]:
    return tuple(tokens_with_gaps(text))


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


def normalise(text: str) -> str:
    """The query with every run of white space and comments outside literals turned into one space.

    Two texts with the same normal form are the same query (the result cache key).

    >>> normalise("SELECT  *  # all\\nWHERE {?s ?p ' a  b '}")
    "SELECT * WHERE {?s ?p ' a  b '}"
    """
    parts: list[str] = []
    for token, gap in _lexed(text):
        if gap and parts:
            parts.append(" ")
        parts.append(token.text)
    return "".join(parts)
