"""The dumps of a build in every RDF syntax, written by pyoxigraph's serialisers from N-Quads.

Equal graphs give equal bytes: blank nodes get RDFC-1.0 labels (W3C 2024) and statements are sorted.
:func:`canonical_dumps` does both for any N-Quads; :func:`fragment_dumps` takes a build's ``kg.nq``, whose
per-graph fragments are canonical and sorted already (``kg.fragments``), and only orders the union.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.formats import RdfFormat
from kg.jsonld import Term as PlainTerm
from kg.jsonld import compacted_jsonld, ntriples_jsonld, write_ntriples_jsonld
from kg.store.terms import OX_RDF, as_bytes
from kg.textfiles import line_blocks


def canonical_dumps(
    nquads: bytes, fmts: Iterable[RdfFormat], *, prefixes: dict[str, str]
) -> dict[RdfFormat, bytes]:
    """N-Quads in each format, blank nodes renamed by RDFC-1.0 (W3C 2024) and statements sorted: equal
    graphs give equal dumps. Triple formats carry the union; lexical forms are kept (a Store would not)."""
    fmts = tuple(fmts)
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    # Each term is written out once: these strings are the sort keys, and they tell equal triples apart.
    keyed = [((str(q.subject), str(q.predicate), str(q.object)), str(q.graph_name), q) for q in dataset]
    by_graph: Sequence[ox.Quad] = []
    union: Sequence[ox.Triple] = []
    if any(fmt.supports_datasets for fmt in fmts):
        by_graph = [q for _, _, q in sorted(keyed, key=lambda k: (k[1], *k[0]))]
    if not all(fmt.supports_datasets and fmt is not RdfFormat.JSONLD for fmt in fmts):
        distinct = {spo: q.triple for spo, _, q in keyed}
        union = [distinct[spo] for spo in sorted(distinct)]
    return _written(fmts, by_graph, union, prefixes)


def _written(
    fmts: Sequence[RdfFormat],
    by_graph: Sequence[ox.Quad],
    union: Sequence[ox.Triple],
    prefixes: dict[str, str],
) -> dict[RdfFormat, bytes]:
    """Each format from the ordered statements: dataset formats the quads, triple formats the union."""

    def written(fmt: RdfFormat) -> bytes:  # JSON-LD: the union too, compacted with the context's prefixes
        if fmt is RdfFormat.JSONLD:
            plain = {t: _plain(t) for t in {t for triple in union for t in triple}}  # each term once
            return compacted_jsonld([tuple(map(plain.__getitem__, triple)) for triple in union], prefixes)
        statements = by_graph if fmt.supports_datasets else union
        return as_bytes(ox.serialize(statements, format=OX_RDF[fmt], prefixes=prefixes))

    return {fmt: written(fmt) for fmt in fmts}


def canonical_nquads(nquads: bytes) -> bytes:
    """N-Quads with blank nodes renamed by RDFC-1.0, in the engine's order (the caller sorts the lines and
    drops repeated ones): what ``canonical_dumps`` gives for N-Quads without turning every term into a
    Python string to sort by, which was most of the Python time of writing a build's per-graph fragments
    (``kg.fragments``). Without a blank node, canonical terms are the serialiser's own: the statements are
    written as they are read, each as often as it comes (a dataset of them cost twice the time)."""
    if b"_:" not in nquads:  # no blank node label (nor one inside a literal, which goes the long way)
        return as_bytes(
            ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        )
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return as_bytes(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS))


def _lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file, split at line feeds only (``str.splitlines`` splits at U+2028 and the like
    too, which a literal may hold unescaped); a block of whole lines decodes on its own."""
    for block in line_blocks(path):
        yield from block.decode("utf-8").split("\n")


def _plain(t: Any) -> PlainTerm:
    kind = "iri" if isinstance(t, ox.NamedNode) else "bnode" if isinstance(t, ox.BlankNode) else "literal"
    return PlainTerm(kind, t.value, *((t.datatype.value, t.language) if kind == "literal" else ()))


def fragment_dumps(
    nquads: bytes, fmts: Iterable[RdfFormat], *, prefixes: dict[str, str], union: bytes | None = None
) -> Iterator[tuple[RdfFormat, bytes]]:
    """As :func:`canonical_dumps`, for N-Quads that are a build's fragments joined in graph order (canonical
    labels, sorted lines: ``kg.fragments``), one format at a time. Their order is the dataset formats'
    order; the union's triples are the lines without their graph name (always an IRI, the last term), each
    once, sorted as bytes: the N-Triples dump as it is (``union``, when the caller has it:
    ``kg.fragments.union_ntriples``). No term becomes a Python object to be sorted by (that was a third of
    `kg build`'s time), and the statements stream from the parser to the serialiser: only JSON-LD,
    compacted in Python, holds them all."""
    for fmt in fmts:
        if fmt.supports_datasets and fmt is not RdfFormat.JSONLD:
            yield fmt, _written_from(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), fmt, prefixes)
            continue
        if union is None:  # each graph's lines are a sorted run of the union's: the sort merges them
            lines = [line[: line.rindex(b" <")] + b" ." for line in nquads.split(b"\n") if line]
            union = ntriples_document(lines)
            del lines
        if fmt is RdfFormat.NTRIPLES:  # canonical lines, sorted: what the serialiser would write again
            yield fmt, union
        elif fmt is RdfFormat.JSONLD:  # the sorted lines give each subject's triples together
            yield fmt, ntriples_jsonld(union.decode("utf-8").split("\n"), prefixes)
        else:
            yield fmt, _written_from(ox.parse(union, format=ox.RdfFormat.N_TRIPLES), fmt, prefixes)


def ntriples_document(lines: list[bytes]) -> bytes:
    """The N-Triples document of canonical lines (without their newline): each once, sorted as bytes."""
    return b"\n".join([*dict.fromkeys(sorted(lines)), b""]) if lines else b"\n"


def write_file_dump(
    nquads: Path, ntriples: Path, fmt: RdfFormat, target: Path, *, prefixes: dict[str, str]
) -> None:
    """Write ``target``, the dump ``fmt`` of :func:`fragment_dumps`, from a build's ``kg.nq`` and ``kg.nt``
    files, each parsed as it is read and the dump written as it is made: no process holds a whole dump (at
    10^7 triples each was a gigabyte, in bytes, in the processes that wrote them)."""
    if fmt is RdfFormat.NTRIPLES:
        if target != ntriples:
            shutil.copyfile(ntriples, target)
    elif fmt is RdfFormat.JSONLD:  # streamed: the sorted lines give each subject's triples together
        with target.open("wb") as out:
            write_ntriples_jsonld(_lines(ntriples), prefixes, out)
    else:  # dataset formats the quads of kg.nq, triple formats the union's triples (kg.nt)
        source, syntax = (
            (nquads, ox.RdfFormat.N_QUADS) if fmt.supports_datasets else (ntriples, ox.RdfFormat.N_TRIPLES)
        )
        ox.serialize(ox.parse(path=source, format=syntax), target, OX_RDF[fmt], prefixes=prefixes)


def _written_from(statements: Iterator[ox.Quad], fmt: RdfFormat, prefixes: dict[str, str]) -> bytes:
    """``fmt`` of parsed statements: dataset formats the quads, triple formats their triples in order (the
    quads of N-Triples are in the default graph, which a triple format's serialiser takes as they are)."""
    return as_bytes(ox.serialize(statements, format=OX_RDF[fmt], prefixes=prefixes))
