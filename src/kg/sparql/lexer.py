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
from typing import Literal, NamedTuple, NoReturn

from kg.errors import QueryError

TokenKind = Literal["word", "var", "pname", "bnode", "iri", "string", "number", "langtag", "punct"]

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

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
    """The terminals of ``text`` in order, without white space and comments.

    :raises QueryError: when the iterator reaches a string that is not closed (at its opening quote's line
        and column), after the tokens before it.

    >>> [t.text for t in tokens('SELECT ?service { ?s <http://ex/SERVICE> "SERVICE" } # SERVICE')]
    ['SELECT', '?service', '{', '?s', '<http://ex/SERVICE>', '"SERVICE"', '}']
    >>> [t.kind for t in tokens("ex:service ?a<?b 1.5e3 'x'@en _:b1")]
    ['pname', 'var', 'punct', 'var', 'number', 'string', 'langtag', 'bnode']
    """
    if len(text) <= MEMO_CHARS:
        try:
            # An iterator over the kept tuple: read in C, not resumed in Python once per token (issue 12).
            return iter(_lexed_short(text)[1])
        except QueryError:
            pass
    return (token for token, _gap in tokens_with_gaps(text))  # raises where the bad string is, when read


# The guard, the lean-path check, the cache key and the schema.org rewrite each read a query's tokens: lexing
# a short text once, not four times, is most of the Python cost of a point lookup (issue 12).
MEMO_CHARS = 4096  # texts up to this long are remembered (here and by kg.sparql.guard)


def _lexed(text: str) -> Iterator[tuple[Token, bool]] | tuple[tuple[Token, bool], ...]:
    """The tokens of a short text, lexed once (kept for the next caller); a long one lexed as read."""
    if len(text) > MEMO_CHARS:
        return tokens_with_gaps(text)
    try:
        return _lexed_short(text)[0]
    except QueryError:
        return tokens_with_gaps(text)  # raise where the bad string is, after the tokens before it


@functools.lru_cache(maxsize=512)
def _lexed_short(text: str) -> tuple[tuple[tuple[Token, bool], ...], tuple[Token, ...]]:
    """The tokens of a text with their gaps, and without."""
    lexed = tuple(tokens_with_gaps(text))
    return lexed, tuple(token for token, _gap in lexed)


def tokens_with_gaps(text: str) -> Iterator[tuple[Token, bool]]:
    """Like :func:`tokens`, also saying whether white space or a comment came before each token."""
    gap = False
    terminal, without_pname, run = _terminal(), _terminal(pname=False), _name_run()
    # One match per token or gap. Every character starts some alternative (a lone character is
    # punctuation), so the matches are contiguous.
    position, end = 0, len(text)
    no_pname_before = 0  # no prefixed name starts before this offset (see below)
    while position < end:
        start = position
        match = (terminal if start >= no_pname_before else without_pname).match(text, start)
        assert match is not None
        position = match.end()
        kind = _KINDS[match.lastgroup]  # type: ignore[index]  # every alternative has a named group
        if kind is None:
            gap = True
            continue
        if kind == "word" and start >= no_pname_before:
            # The prefixed-name alternative scanned this run of name characters and dots for a colon, and
            # failed; tried again at each word of the run ("a.a.a..."), it made lexing quadratic (16 kB: 2 s
            # of CPU). A prefixed name starting in the run ends its prefix at the run's end, with a colon
            # after a name character: without one, none starts in the run, and the run is lexed without it.
            stop = run.match(text, start).end()  # type: ignore[union-attr]  # [...]* always matches
            if stop == end or text[stop] != ":" or text[stop - 1] == ".":
                no_pname_before = stop
        elif kind == "punct" and text[start] in "'\"":
            _unclosed(text, start)  # no string alternative matched: the string is not closed
        yield _new_token(Token, (kind, match.group(), start)), gap
        gap = False


# ``Token(...)`` runs the named tuple's ``__new__``, written in Python: half the cost of a token (issue 12).
_new_token = tuple.__new__


def _unclosed(text: str, start: int) -> NoReturn:
    line, column = position(text, start)
    raise QueryError(
        f"SPARQL syntax error: string literal not closed (line {line}, column {column})",
        line=line,
        column=column,
    )


# The kind of token each named group of ``_terminal`` is (None: white space or a comment).
_KINDS: dict[str, TokenKind | None] = {
    "ws": None,
    "comment": None,
    **{f"{size}{ord(q)}": "string" for size in ("long", "short") for q in "'\""},
    "iri": "iri",
    "var": "var",
    "langtag": "langtag",
    "bnode": "bnode",
    "number": "number",
    "fraction": "number",
    "pname": "pname",
    "empty_prefix": "pname",
    "word": "word",
    "punct": "punct",
}


def _strings(q: str) -> str:
    """§19.8 STRING_LITERAL_LONG and STRING_LITERAL quoted by ``q``, ECHAR read as a backslash and any
    character (the escaped character never ends the string; Oxigraph refuses a bad escape later). Text that
    opens with three quotes is a long string or nothing: never an empty string and a quote."""
    long = rf"{q}{q}(?P<long{ord(q)}>[^{q}\\]*(?:(?:\\[\s\S]|{q}(?!{q}{q}))[^{q}\\]*)*){q}{q}{q}"
    short = rf"(?!{q}{q})(?P<short{ord(q)}>[^{q}\\\r\n]*(?:\\[\s\S][^{q}\\\r\n]*)*){q}"
    return f"{q}(?:{long}|{short})"


def compile_now() -> None:
    """Compile the lexer's expressions now rather than at the first query (about 0.1 s of CPU each): a
    server calls this before it answers, so its first visitor does not pay for them (issue 12: a first
    lookup took 0.2 s)."""
    _terminal()
    _terminal(pname=False)
    _name_run()


@functools.cache
def _name_run() -> re.Pattern[str]:
    """A run of the characters a prefixed name's prefix is made of (PN_CHARS and dots, §19.8)."""
    return re.compile(f"[{_CHARS}.]*")


@functools.cache
def _terminal(*, pname: bool = True) -> re.Pattern[str]:
    """Every terminal as one alternative, tried in the order the kinds were tried one by one: the first that
    matches wins, so ``1SERVICE`` is a number then a word and ``_:b`` a blank node, not a word and a prefixed
    name. The group naming the kind comes after each alternative's first character: ``re`` then skips an
    alternative on that character alone (it looks into a group only by running it). One regular expression,
    and loops unrolled (an IRI's characters are one class, not an alternation per character): lexing a
    point lookup takes half the time of a test per kind (issue 12). ``pname=False``: without the prefixed
    names' alternative."""
    # Compiled on first use: the Unicode classes take ~0.1 s to compile, which query workers never need.
    not_iri = r'[^<>"{}|^`\\\x00-\x20]'
    return re.compile(
        "|".join(
            (
                r"[ \t\r\n](?P<ws>[ \t\r\n]*)",  # WS (§19.3)
                r"#(?P<comment>[^\r\n]*)",  # comments (§19.4)
                _strings("'"),
                _strings('"'),
                rf"<(?P<iri>{not_iri}*(?:(?:\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}}){not_iri}*)*)>",
                f"[?$](?P<var>[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
                r"@(?P<langtag>[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
                f"_:(?P<bnode>[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
                r"[0-9](?P<number>[0-9]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)",
                r"\.(?P<fraction>[0-9]+(?:[eE][+-]?[0-9]+)?)",
                # PN_PREFIX ':' (left out where tokens_with_gaps knows none starts)
                *([f"[{_BASE}](?P<pname>(?:[{_CHARS}.]*[{_CHARS}])?:(?:{_PN_LOCAL})?)"] if pname else []),
                f":(?P<empty_prefix>(?:{_PN_LOCAL})?)",
                f"[{_U}](?P<word>[{_U}0-9]*)",
                r"(?P<punct>[^ \t\r\n#])",  # any other character, alone
            )
        )
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
