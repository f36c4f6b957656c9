"""Which queries cannot run away, so they may skip the worker process and run in the server itself.

The worker hop (pickling the job, a pipe round trip, the answer copied back) costs more than a point lookup
itself, and a lookup queued behind heavy queries waits for their deadline (issue 12). A query goes the lean
way only when its whole text matches this narrow grammar (SPARQL 1.1 Query §19, on the terminals of
``kg.sparql.lexer``; anything else goes to a worker, so a mistake here can only send a light query the slow
way, never a heavy one the fast way):

* a prologue of ``BASE`` / ``PREFIX`` declarations;
* ``SELECT [DISTINCT|REDUCED] (vars | *)``, ``ASK``, ``CONSTRUCT { template }`` or ``CONSTRUCT WHERE``;
* a ``WHERE`` group that is one basic graph pattern (§18.2.1) of at most ``MAX_PATTERNS`` triple patterns,
  **every one with the same constant subject** (an IRI), predicates IRIs, ``a`` or variables (no property
  paths §9, no blank nodes), objects terms or variables;
* nothing else but ``LIMIT`` / ``OFFSET``: no FILTER, OPTIONAL, UNION, GRAPH, BIND, VALUES, subqueries,
  ORDER BY, GROUP BY, aggregates or expressions.

Why this is bounded: each triple pattern is one range of the engine's index with the subject fixed, so it
matches at most ``d`` triples, ``d`` the subject's out-degree (a property of the published data, tens in
this data model, not of the query). Joins of such patterns are evaluated as a stream whose rows are pulled
and cut at ``max_rows`` (``KgStore.query_capped``); every row pulled is a row of the answer, because there
is nothing (FILTER, DISTINCT over a join, ORDER BY, GROUP BY) that could consume rows without producing
them. So the work is O(patterns x d + max_rows) index steps. ``DISTINCT``/``REDUCED`` are allowed with one
pattern only: over a join they could discard a cross product of duplicates without producing a row.
Measured (pyoxigraph 0.5.13, 10^5 triples): a point lookup 0.1-0.3 ms in-process against 1.5-3 ms through
a worker (benchmarks/server).

Prefixed names whose prefix starts like a keyword that would make the query heavier are refused, because
Oxigraph matches keywords without a word boundary (``SERVICE:x`` reads as ``SERVICE`` then ``:x``, see
``kg.sparql.guard``); so are undeclared prefixes.
"""

from __future__ import annotations

import functools

from kg.errors import QueryError
from kg.sparql.lexer import Token, TokenKind, tokens

MAX_PATTERNS = 8
# Keywords that would add work if Oxigraph read them out of a prefixed name (no word boundary).
_HEAVY = (
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "BIND",
    "VALUES",
    "SERVICE",
    "SELECT",
    "ORDER",
    "GROUP",
    "HAVING",
    "EXISTS",
    "NOT",
    "DISTINCT",
    "REDUCED",
    "DESCRIBE",
    "CONSTRUCT",
    "FROM",
    "WHERE",
    "LIMIT",
    "OFFSET",
)


class _NotLean(Exception):
    """The text leaves the lean grammar somewhere: a worker answers it."""


class _Cursor:
    def __init__(self, found: list[Token]) -> None:
        self.found = found
        self.at = 0
        self.prefixes: set[str] = set()

    def peek(self) -> Token | None:
        return self.found[self.at] if self.at < len(self.found) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise _NotLean
        self.at += 1
        return token

    def word(self, *words: str) -> str | None:
        """Consume the next token if it is one of ``words`` (keywords: any case), and return it."""
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() in words:
            self.at += 1
            return token.text.upper()
        return None

    def punct(self, char: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == char:
            self.at += 1
            return True
        return False

    def expect(self, char: str) -> None:
        if not self.punct(char):
            raise _NotLean


def is_lean(text: str) -> bool:
    """True when ``text`` is a query the lean grammar of this module accepts (see the module docstring).

    >>> is_lean("SELECT ?p ?o WHERE { <http://ex/a> ?p ?o }")
    True
    >>> is_lean("PREFIX s: <https://schema.org/> SELECT * { <http://ex/a> s:name ?n ; a ?t } LIMIT 5")
    True
    >>> is_lean("SELECT ?o WHERE { ?s ?p ?o }")
    False
    >>> is_lean("SELECT ?o WHERE { <http://ex/a> <http://ex/p>+ ?o }")
    False
    """
    try:
        found = list(tokens(text))
    except QueryError:
        return False
    if len(found) > _MEMO_TOKENS:
        return _accepts(found)
    return _accepts_shape(_shape(found))


def row_bounded(text: str, rows: int) -> str | None:
    """A lean ``SELECT`` (``is_lean``) that answers at most ``rows + 1`` solutions, so that the engine may
    serialise its whole answer at once (``KgStore.query_whole``; more than ``rows`` rows: pull and cut).

    The text as given when its own ``LIMIT`` is at most ``rows``; with ``LIMIT rows + 1`` appended when it
    has none (after a line break, as the text may end in a comment; §19.8 ``LimitOffsetClauses`` takes a
    ``LIMIT`` after an ``OFFSET``); None when its ``LIMIT`` is larger, or it is not a ``SELECT``.

    >>> row_bounded("SELECT * { <http://ex/a> ?p ?o } # mine", 100)
    'SELECT * { <http://ex/a> ?p ?o } # mine\\nLIMIT 101'
    >>> row_bounded("SELECT * { <http://ex/a> ?p ?o } LIMIT 5", 100)
    'SELECT * { <http://ex/a> ?p ?o } LIMIT 5'
    >>> row_bounded("SELECT * { <http://ex/a> ?p ?o } OFFSET 2 LIMIT 500", 100) is None
    True
    """
    try:
        found = list(tokens(text))
    except QueryError:
        return None
    # In the lean grammar, a word is a keyword, ``a`` or a boolean: SELECT names the form, LIMIT the modifier.
    words = [(at, token.text.upper()) for at, token in enumerate(found) if token.kind == "word"]
    if not any(word == "SELECT" for _, word in words):
        return None
    limit = next((at for at, word in words if word == "LIMIT"), None)
    if limit is None:
        return f"{text}\nLIMIT {rows + 1}"
    if limit + 1 < len(found) and found[limit + 1].text.isdigit() and int(found[limit + 1].text) <= rows:
        return text
    return None


def pattern_variables(text: str) -> frozenset[str]:
    """The names of the variables of a lean ``SELECT``'s pattern (its ``WHERE`` group, the text's first
    ``{``): a basic graph pattern binds every one of them in every solution (SPARQL 1.1 Query §18.3), which
    ``KgStore.query_whole`` uses to count an answer's rows without parsing it.

    >>> sorted(pattern_variables("SELECT ?x ?o { <http://ex/a> ?p ?o ; <http://ex/q> $r }"))
    ['o', 'p', 'r']
    """
    found = list(tokens(text))
    opening = next(at for at, token in enumerate(found) if token.kind == "punct" and token.text == "{")
    return frozenset(token.text[1:] for token in found[opening:] if token.kind == "var")


def _accepts(found: list[Token]) -> bool:
    cursor = _Cursor(found)
    try:
        _query(cursor)
    except _NotLean:
        return False
    return cursor.peek() is None


# Distinct point lookups differ in their IRIs and variable names only, and the grammar reads neither: it
# reads kinds, the text of words, punctuation and prefixed names, and whether two subjects are the same
# term. A query's shape keeps exactly that (each IRI numbered by its first occurrence, so equal IRIs stay
# equal), and the grammar's answer is kept per shape: a lookup's check is then the shape and a dictionary
# hit, not a parse (issue 12).
_MEMO_TOKENS = 200
_BLANKED: dict[TokenKind, str] = {"var": "?v", "string": '""', "number": "0", "langtag": "@x", "bnode": "_:b"}


def _shape(found: list[Token]) -> tuple[tuple[TokenKind, str], ...]:
    iris: dict[str, str] = {}
    shape: list[tuple[TokenKind, str]] = []
    for token in found:
        kind = token.kind
        if kind == "iri":
            text = iris.get(token.text)
            if text is None:
                text = iris[token.text] = f"<{len(iris)}>"
        else:
            text = _BLANKED.get(kind, token.text)
        shape.append((kind, text))
    return tuple(shape)


@functools.lru_cache(maxsize=256)
def _accepts_shape(shape: tuple[tuple[TokenKind, str], ...]) -> bool:
    return _accepts([Token(kind, text, 0) for kind, text in shape])


def _query(c: _Cursor) -> None:
    while (keyword := c.word("BASE", "PREFIX")) is not None:
        if keyword == "PREFIX":
            name = c.take()
            if name.kind != "pname" or not name.text.endswith(":"):
                raise _NotLean
            c.prefixes.add(name.text[:-1])
        if c.take().kind != "iri":
            raise _NotLean
    form = c.word("SELECT", "ASK", "CONSTRUCT")
    distinct = False
    template = False
    if form == "SELECT":
        distinct = c.word("DISTINCT", "REDUCED") is not None
        if not c.punct("*"):
            if c.take().kind != "var":
                raise _NotLean
            while (token := c.peek()) is not None and token.kind == "var":
                c.take()
    elif form == "CONSTRUCT" and c.punct("{"):
        _triples(c, constant_subject=False)
        c.expect("}")
        template = True
    elif form is None:
        raise _NotLean
    if c.word("WHERE") is None and form == "CONSTRUCT" and not template:
        raise _NotLean  # the short form is CONSTRUCT WHERE { ... }
    c.expect("{")
    patterns = _triples(c, constant_subject=True)
    c.expect("}")
    if not 1 <= patterns <= MAX_PATTERNS or (distinct and patterns > 1):
        raise _NotLean
    seen: set[str] = set()
    while (modifier := c.word("LIMIT", "OFFSET")) is not None and modifier not in seen:
        seen.add(modifier)
        if c.take().kind != "number":
            raise _NotLean


def _triples(c: _Cursor, *, constant_subject: bool) -> int:
    """Triples in Turtle-like syntax up to a ``}``; the number of triple patterns."""
    count = 0
    subject: str | None = None
    while not _at_close(c):
        token = c.take()
        if constant_subject:
            if not _constant(c, token):
                raise _NotLean
            if subject is not None and token.text != subject:
                raise _NotLean  # one constant subject for the whole pattern
            subject = token.text
        elif not (_constant(c, token) or token.kind == "var"):
            raise _NotLean
        count += _predicate_objects(c)
        if not c.punct(".") and not _at_close(c):
            raise _NotLean
    return count


def _predicate_objects(c: _Cursor) -> int:
    count = 0
    while True:
        verb = c.take()
        if not (_constant(c, verb) or verb.kind == "var" or (verb.kind == "word" and verb.text == "a")):
            raise _NotLean
        while True:
            _object(c)
            count += 1
            if not c.punct(","):
                break
        if not c.punct(";"):
            return count
        if _at_close(c) or _is_punct(c.peek(), "."):
            return count


def _object(c: _Cursor) -> None:
    token = c.take()
    if token.kind == "var" or _constant(c, token) or token.kind == "number":
        return
    if token.kind == "word" and token.text in ("true", "false"):
        return
    if token.kind != "string":
        raise _NotLean
    if (after := c.peek()) is not None and after.kind == "langtag":
        c.take()
    elif c.punct("^"):
        c.expect("^")
        if not _constant(c, c.take()):
            raise _NotLean


def _constant(c: _Cursor, token: Token) -> bool:
    """An IRI, or a prefixed name with a declared prefix that no keyword could be read out of."""
    if token.kind == "iri":
        return True
    if token.kind != "pname":
        return False
    prefix = token.text.split(":", 1)[0]
    return prefix in c.prefixes and not prefix.upper().startswith(_HEAVY)


def _at_close(c: _Cursor) -> bool:
    return _is_punct(c.peek(), "}")


def _is_punct(token: Token | None, char: str) -> bool:
    return token is not None and token.kind == "punct" and token.text == char
