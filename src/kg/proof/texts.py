"""Proofs against the source texts: each text is the one the graph describes, each quote is its text.

A source text (``kg:SourceText``) is identified by its file name (``schema:name``) and proved by its SHA-256
(``kg:sha256``), size in bytes (``schema:contentSize``) and length in code points (``kg:characterCount``).
Each quote is proved by W3C Web Annotation Data Model §4.2.4-4.2.5: the text between the position
selector's ``oa:start`` and ``oa:end`` (code points, end exclusive) is the quote selector's ``oa:exact``,
preceded by its ``oa:prefix`` and followed by its ``oa:suffix``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from rdflib import Graph
from rdflib.term import Node

from kg.report import Violation
from kg.vocab import KG, OA, RDF, SCHEMA

from .common import integer, text_of, violation


def source_names(graph: Graph) -> dict[Node, str | None]:
    """Each source text of the graph and its file name (None when the graph names none)."""
    return {node: text_of(graph, node, SCHEMA.name) for node in graph.subjects(RDF.type, KG.SourceText)}


def _check_file(graph: Graph, node: Node, name: str, raw: bytes, text: str) -> list[Violation]:
    found = []
    digest = hashlib.sha256(raw).hexdigest()
    stated = text_of(graph, node, KG.sha256)
    if stated != digest:
        message = (
            f"The file {name} has SHA-256 {digest}, not the {stated or 'missing'} the graph states "
            "(kg:sha256): it is not the text the quotes were read from."
        )
        found.append(violation(graph, node, "ProofSourceChecksum", message, path=KG.sha256))
    for predicate, actual, unit in (
        (SCHEMA.contentSize, len(raw), "bytes"),
        (KG.characterCount, len(text), "characters"),
    ):
        stated_size = integer(graph.value(node, predicate))
        if stated_size != actual:
            message = (
                f"The file {name} has {actual} {unit}, not the "
                f"{'missing' if stated_size is None else stated_size} the graph states."
            )
            found.append(violation(graph, node, "ProofSourceSize", message, path=predicate))
    return found


def prove_sources(graph: Graph, texts: Mapping[str, bytes]) -> tuple[dict[Node, str], list[Violation]]:
    """The decoded texts of the sources at hand that match the graph, and what fails.

    ``texts`` maps a file name (``schema:name`` of the source) to its bytes.
    """
    proved: dict[Node, str] = {}
    found: list[Violation] = []
    for node, file_name in sorted(source_names(graph).items(), key=lambda item: str(item[0])):
        quotes = sum(1 for _ in graph.subjects(OA.hasSource, node))
        if file_name is None:
            message = "The source text has no file name (schema:name): none of its quotes can be proved."
            found.append(violation(graph, node, "ProofSourceAtHand", message, path=SCHEMA.name))
            continue
        raw = texts.get(file_name)
        if raw is None:
            message = (
                f"The source text {file_name} is missing (not in the source texts folder; see --sources): "
                f"its checksum and its {quotes} quote(s) cannot be proved."
            )
            found.append(violation(graph, node, "ProofSourceAtHand", message))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = f"The source text {file_name} is not UTF-8 ({exc.reason} at byte {exc.start})."
            found.append(violation(graph, node, "ProofSourceChecksum", message))
            continue
        failures = _check_file(graph, node, file_name, raw, text)
        found += failures
        if not failures:
            proved[node] = text
    return proved, found


def _selectors(graph: Graph, evidence: Node) -> tuple[Node | None, Node | None]:
    quote = position = None
    for selector in graph.objects(evidence, OA.hasSelector):
        if (selector, RDF.type, OA.TextQuoteSelector) in graph:
            quote = selector
        elif (selector, RDF.type, OA.TextPositionSelector) in graph:
            position = selector
    return quote, position


def show(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _check_quote(graph: Graph, evidence: Node, text: str) -> Iterator[Violation]:
    quote, position = _selectors(graph, evidence)
    if quote is None or position is None:
        return  # the shapes require both selectors
    start, end = integer(graph.value(position, OA.start)), integer(graph.value(position, OA.end))
    exact = text_of(graph, quote, OA.exact)
    if start is None or end is None or exact is None:
        message = "The quote cannot be located: it needs an integer oa:start and oa:end and an oa:exact."
        yield violation(graph, evidence, "ProofQuoteAtOffsets", message, path=OA.hasSelector)
        return
    if not 0 <= start <= end <= len(text):
        message = (
            f"The quote's position {start}-{end} is not within its source text ({len(text)} characters)."
        )
        yield violation(graph, evidence, "ProofQuoteAtOffsets", message, path=OA.hasSelector, value=position)
        return
    if text[start:end] != exact:
        message = f"The quote {show(exact)} is not its source text at {start}-{end}: {show(text[start:end])}."
        yield violation(graph, evidence, "ProofQuoteAtOffsets", message, path=OA.exact, value=quote)
    prefix, suffix = text_of(graph, quote, OA.prefix), text_of(graph, quote, OA.suffix)
    if prefix is not None and not text[:start].endswith(prefix):
        before = text[max(0, start - len(prefix)) : start]
        message = f"The quote's prefix {show(prefix)} is not the text before it: {show(before)}."
        yield violation(graph, evidence, "ProofQuoteContext", message, path=OA.prefix, value=quote)
    if suffix is not None and not text[end:].startswith(suffix):
        after = text[end : end + len(suffix)]
        message = f"The quote's suffix {show(suffix)} is not the text after it: {show(after)}."
        yield violation(graph, evidence, "ProofQuoteContext", message, path=OA.suffix, value=quote)


def prove_quotes(graph: Graph, texts: Mapping[Node, str]) -> Iterator[Violation]:
    """Every quote of a proved source text is that text at its offsets, with its prefix and suffix."""
    for evidence in sorted(graph.subjects(RDF.type, KG.Evidence), key=str):
        source = graph.value(evidence, OA.hasSource)
        if source is not None and source in texts:
            # A missing source was reported once by prove_sources; no source at all by the shapes.
            yield from _check_quote(graph, evidence, texts[source])
