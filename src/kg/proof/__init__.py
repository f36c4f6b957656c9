"""Prove the facts of a graph against the source texts they were read from (issue 10, item 5).

Pure: a graph and the source texts (file name -> bytes) in, report violations out; ``kg validate`` joins
them to the SHACL results. What SHACL can say is in ``shapes/``; what needs the source text, or the amount
words' parser, is here: the quotes and checksums (:mod:`.texts`), the facts quoted or marked
(:mod:`.facts`), amounts and dates against their words (:mod:`.figures`).
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph

from kg.report import Violation

from .facts import prove_facts_have_evidence, prove_quoted_or_noted
from .figures import prove_amounts, prove_dates, read_dateline
from .texts import prove_quotes, prove_sources, source_names


def prove(graph: Graph, texts: Mapping[str, bytes]) -> tuple[Violation, ...]:
    """Every result of every proof, sorted like a SHACL report (by focus node, path and message)."""
    proved, results = prove_sources(graph, texts)
    results += prove_quotes(graph, proved)
    results += prove_quoted_or_noted(graph)
    results += prove_facts_have_evidence(graph)
    results += prove_amounts(graph)
    results += prove_dates(graph)
    return tuple(sorted(results, key=lambda r: (r.focus, r.path or "", r.message)))


__all__ = ["prove", "read_dateline", "source_names"]
