"""Refuse what the public endpoint must never run, before any engine sees the query text.

The lexical pre-check of security.md §6/§7, on the terminals of SPARQL 1.1 Query §19.8 (see ``lexer``):

* ``SERVICE`` (§8 of SPARQL 1.1 Federated Query): Oxigraph follows it with its own HTTP client, invisible to
  Python audit hooks, and has no switch to turn it off. Oxigraph matches keywords without a word boundary
  (``SERVICESILENT<…>``, and ``SERVICE:x`` with ``PREFIX : <http://…>``, both call out, measured on
  0.5.13), so any bare word or prefix name *containing* ``SERVICE`` is refused; variables, local parts of
  prefixed names, IRIs, strings and comments are not looked at (no false positives on ``?service``,
  ``ex:service``, ``<http://ex/SERVICE>``, ``"SERVICE <x>"``, ``# SERVICE``).
* SPARQL 1.1 Update keywords (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``,
  ``MOVE``, ``COPY``, ``WITH``): the endpoint answers queries only.
* ``FROM`` / ``FROM NAMED`` (§13.2 dataset clauses) naming anything but a public graph.
* text longer than ``max_query_bytes`` and bracket nesting (``{ ( [``) deeper than ``max_depth``: Oxigraph
  0.5.13 segfaults on about 3000 nested braces.

``resolve_dataset`` then fixes the RDF dataset of the query (SPARQL 1.1 Protocol §2.1.4:
``default-graph-uri`` / ``named-graph-uri`` take precedence over the query's dataset clauses; with neither,
the default graph is the union of the public graphs and every public graph is a named graph). The engine is
handed this dataset explicitly, so a graph that is not public is never reachable, whatever the query says
(Oxigraph lets explicit dataset arguments override ``FROM``), with one exception: when neither the request
nor the query names graphs and every graph of the store is public, the worker asks for the engine's union
default graph instead (``Dataset.every_public_graph``; the query has no ``FROM``, which that mode would
override with every graph). Same answers, but an explicit list of graphs costs one index seek per graph
for every triple pattern: with 630 release graphs (~1M triples) an aggregate took 98 s of CPU listed and
131 ms as the union, a point lookup 5 ms against 0.06 ms (pyoxigraph 0.5.13, issue 12).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kg.errors import QueryError, QueryRefused
from kg.sparql.lexer import CLOSING, MEMO_CHARS, OPENING, Token, iri_value, position, tokens

if TYPE_CHECKING:
    from kg.sparql.types import QueryLimits

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
FORMS: tuple[QueryForm, ...] = ("CONSTRUCT", "DESCRIBE", "SELECT", "ASK")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
_FORMS_TEXT = "SELECT, ASK, CONSTRUCT or DESCRIBE"
_SHOWN_IRI = 80  # characters of a refused IRI quoted back in a message


@dataclass(frozen=True)
class QueryInfo:
    """What the pre-check learnt: the query form, its bracket depth and its own dataset clauses."""

    form: QueryForm
    depth: int
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset with ``FROM`` or ``FROM NAMED``."""
        return bool(self.from_graphs or self.from_named_graphs)


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs against: default-graph members and named graphs (all public)."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    every_public_graph: bool = False
    """Neither the request nor the query chose a dataset: the union of every public graph. A worker whose
    store holds public graphs only may then let the engine read its union default graph directly."""


@dataclass
class _Scan:
    """The state of one pass over the tokens: prologue prefixes, dataset clauses, form and depth."""

    text: str
    public: frozenset[str]
    limits: QueryLimits
    prefixes: dict[str, str] = field(default_factory=dict)
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    form: QueryForm | None = None
    depth: int = 0
    max_depth: int = 0
    expect: Literal["prefix-name", "prefix-iri", "from", None] = None
    pending: str = ""
    named: bool = False
    clause: Token | None = None

    def refuse(self, message: str, token: Token) -> QueryRefused:
        return _refuse(self.text, message, token)

    def check(self, token: Token) -> None:
        """Refuse a forbidden token; track depth and the query form."""
        if token.kind == "punct":
            self._bracket(token)
            return
        if token.kind in ("word", "pname", "langtag"):
            # A prefixed name's prefix counts too: Oxigraph reads ``SERVICE:x`` as SERVICE then ``:x``.
            bare = token.text.split(":", 1)[0] if token.kind == "pname" else token.text
            if "SERVICE" in bare.upper():
                raise self.refuse("SERVICE (federated query) is not supported by this endpoint", token)
        if token.kind != "word":
            return
        word = token.text.upper()
        if word in UPDATE_KEYWORDS:
            raise self.refuse(f"updates are not accepted ({word}); send a {_FORMS_TEXT} query", token)
        if self.form is None and self.expect is None:
            self.form = next((f for f in FORMS if word.startswith(f)), None)
            if self.form is None and word not in ("PREFIX", "BASE"):
                line, column = position(self.text, token.start)
                where = f"line {line}, column {column}"
                raise QueryError(
                    f"not a SPARQL query: expected {_FORMS_TEXT} ({where})", line=line, column=column
                )

    def _bracket(self, token: Token) -> None:
        if token.text in OPENING:
            self.depth += 1
            if self.depth > self.limits.max_depth:
                raise self.refuse(f"query nesting is deeper than {self.limits.max_depth} levels", token)
            self.max_depth = max(self.max_depth, self.depth)
        elif token.text in CLOSING:
            self.depth = max(0, self.depth - 1)

    def step(self, token: Token) -> None:
        """Follow ``PREFIX p: <iri>`` declarations and ``FROM [NAMED] <iri>`` clauses."""
        expect, self.expect = self.expect, None
        word = token.text.upper() if token.kind == "word" else ""
        if expect == "prefix-name" and token.kind == "pname" and token.text.endswith(":"):
            self.pending, self.expect = token.text[:-1], "prefix-iri"
        elif expect == "prefix-iri" and token.kind == "iri":
            self.prefixes[self.pending] = iri_value(token)
        elif expect == "from" and word == "NAMED" and not self.named:
            self.named, self.expect = True, "from"
        elif expect == "from":
            self._dataset_clause(token)
        elif word == "PREFIX":
            self.expect = "prefix-name"
        elif word in ("FROM", "FROMNAMED"):
            self.expect, self.named, self.clause = "from", word == "FROMNAMED", token

    def _dataset_clause(self, target: Token) -> None:
        """Check one ``FROM [NAMED] <iri>`` clause (§13.2): only public graphs may be named."""
        clause = "FROM NAMED" if self.named else "FROM"
        if target.kind not in ("iri", "pname"):
            raise self.refuse(f"{clause} must name a public graph IRI", target)
        iri = self._expand(target, clause)
        if iri not in self.public:
            raise self.refuse(f"{clause} <{_shorten(iri)}> is not a public graph of this endpoint", target)
        (self.from_named if self.named else self.from_graphs).append(iri)

    def _expand(self, token: Token, clause: str) -> str:
        if token.kind == "iri":
            iri = iri_value(token)
        else:
            prefix, local = token.text.split(":", 1)
            if prefix not in self.prefixes or "\\" in local or "%" in local:
                raise self.refuse(f"{clause} must name a public graph with a full IRI", token)
            iri = self.prefixes[prefix] + local
        if ":" not in iri or iri.startswith(("/", ".")):
            raise self.refuse(f"{clause} needs an absolute IRI", token)
        return iri


def inspect_query(text: str, limits: QueryLimits, public_graphs: frozenset[str]) -> QueryInfo:
    """Check a query lexically and say what it is.

    :raises QueryRefused: for SERVICE, an update, a non-public ``FROM`` graph, too long or too deep text.
    :raises QueryError: for text that is not a query at all (empty, no query form, an unclosed string).
    """
    if len(text) > MEMO_CHARS:
        return _inspect(text, limits, public_graphs)
    return _inspect_short(text, limits, public_graphs)


# The endpoint inspects a query to choose its answer's format, the service again before it runs it: the
# second look is a dictionary hit (errors are not kept: they are raised again, as they were).
@functools.lru_cache(maxsize=256)
def _inspect_short(text: str, limits: QueryLimits, public_graphs: frozenset[str]) -> QueryInfo:
    return _inspect(text, limits, public_graphs)


def _inspect(text: str, limits: QueryLimits, public_graphs: frozenset[str]) -> QueryInfo:
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_query_bytes:
        raise QueryRefused(f"query is {size} bytes; the limit is {limits.max_query_bytes} bytes")
    if _plain(text):
        return _inspect_plain(text, limits)
    return _scan(text, limits, public_graphs)


def _scan(text: str, limits: QueryLimits, public_graphs: frozenset[str]) -> QueryInfo:
    scan = _Scan(text, public_graphs, limits)
    for token in tokens(text):
        scan.check(token)
        scan.step(token)
    if scan.expect == "from" and scan.clause is not None:
        raise scan.refuse("FROM must name a public graph IRI", scan.clause)
    if scan.form is None:
        raise QueryError(f"not a SPARQL query: expected {_FORMS_TEXT}")
    return QueryInfo(scan.form, scan.max_depth, tuple(scan.from_graphs), tuple(scan.from_named))


# Every word the full scan reacts to, beyond the query form and brackets: a text without any of them (in
# upper case, anywhere, strings and IRIs included) has no token the scan could refuse or follow, because a
# token's upper case is a part of the text's upper case (``str.upper`` maps each character on its own).
_WATCHED = ("SERVICE", *sorted(UPDATE_KEYWORDS), "FROM", "PREFIX")


def _plain(text: str) -> bool:
    upper = text.upper()
    return not any(word in upper for word in _WATCHED)


def _inspect_plain(text: str, limits: QueryLimits) -> QueryInfo:
    """What ``_scan`` finds in a text ``_plain`` accepts (the query form and the bracket depth) and what it
    raises, without the checks per token that cannot fire there: a point lookup in a third of the time."""
    form: QueryForm | None = None
    depth = max_depth = 0
    for token in tokens(text):
        kind = token.kind
        if kind == "punct":
            if token.text in OPENING:
                depth += 1
                if depth > limits.max_depth:
                    raise _refuse(text, f"query nesting is deeper than {limits.max_depth} levels", token)
                max_depth = max(max_depth, depth)
            elif token.text in CLOSING:
                depth = max(0, depth - 1)
        elif form is None and kind == "word":
            word = token.text.upper()
            form = next((f for f in FORMS if word.startswith(f)), None)
            if form is None and word != "BASE":
                line, column = position(text, token.start)
                where = f"line {line}, column {column}"
                raise QueryError(
                    f"not a SPARQL query: expected {_FORMS_TEXT} ({where})", line=line, column=column
                )
    if form is None:
        raise QueryError(f"not a SPARQL query: expected {_FORMS_TEXT}")
    return QueryInfo(form, max_depth)


def _refuse(text: str, message: str, token: Token) -> QueryRefused:
    line, column = position(text, token.start)
    return QueryRefused(f"{message} (line {line}, column {column})", line=line, column=column)


def _shorten(iri: str) -> str:
    return iri if len(iri) <= _SHOWN_IRI else iri[: _SHOWN_IRI - 1] + "…"


def resolve_dataset(
    info: QueryInfo,
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
    public_graphs: frozenset[str],
) -> Dataset:
    """The dataset to run on: protocol parameters, else the query's clauses, else every public graph.

    :raises QueryRefused: when a protocol parameter names a graph that is not public.
    """
    for name, graphs in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for graph in graphs:
            if graph not in public_graphs:
                raise QueryRefused(f"{name} <{_shorten(graph)}> is not a public graph of this endpoint")
    if default_graphs or named_graphs:
        return Dataset(_unique(default_graphs), _unique(named_graphs))
    if info.has_dataset:
        return Dataset(_unique(info.from_graphs), _unique(info.from_named_graphs))
    return _every_public_graph(public_graphs)


@functools.lru_cache(maxsize=8)
def _every_public_graph(public_graphs: frozenset[str]) -> Dataset:
    # Sorted once per set of graphs, not per query: 50 us a lookup at 550 graphs, and growing with them.
    everything = tuple(sorted(public_graphs))
    return Dataset(everything, everything, every_public_graph=True)


def _unique(graphs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(graphs))
