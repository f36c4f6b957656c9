"""``kg build`` one named graph at a time: each release's graph is built and written as its N-Quads fragment
in a pool of processes, and only the union graph the exports read is kept.

A release's named graph depends on its record, its source text, its translations and the reference data
alone (``kg.mapping``; the caps it leaves to an earlier release are decided from the records first,
``kg.mapping.caps``), and its fragment on that graph alone (``kg.fragments``): so the releases are built in
any order, in any process. The parent keeps no ``Dataset`` of every graph (four times the memory of one
graph, and slower to fill): it keeps the fragments, which ``kg.dumps`` joins into ``kg.nq`` and the other
dumps, and the union of the graphs as one lean graph for the exports (``kg.exports.files``,
``kg.union_store``). ``kg build`` writes each fragment to its file as it comes (``kg.fragment_files``): at
10^7 triples they were 2.6 GB held beside the union until the dumps were written.

The union is filled in the order ``kg.mapping.build_dataset`` fills its dataset (reference, ontology, every
release, then every release's translations), so the exports read the triples in the same order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.fragments import PlainNode, graph_fragment, plain_fragment
from kg.iris import Iris
from kg.mapping.caps import repeated_caps, unstate_caps
from kg.mapping.reference import Resolver, build_reference
from kg.mapping.release import build_release
from kg.mapping.translations import build_translation
from kg.project import Project
from kg.sources.records import Release, SourceText
from kg.sources.translations import ReleaseTranslation
from kg.union_store import union_graph
from kg.vocab import PREFIXES

# Releases per task: enough to keep the pickling of tasks and results small beside the work.
_CHUNK = 4


@dataclass(frozen=True)
class BuiltParts:
    """What a build writes: the fragment of every non-empty named graph, and the union of the graphs."""

    fragments: MutableMapping[str, bytes]
    union: Graph


@dataclass(frozen=True)
class _Setup:
    """What every release's build needs besides its own records (inherited by the forked workers)."""

    resolve: Resolver
    repeated: Mapping[str, frozenset[URIRef]]
    translations: Mapping[str, Sequence[ReleaseTranslation]]


@dataclass(frozen=True)
class _Part:
    """One release's named graph: its fragment, and its triples and its translations' (``_plain_triples``)."""

    graph: str
    fragment: bytes
    triples: bytes
    translated: bytes


_Triple = tuple[Node, Node, Node]
_SETUP: _Setup | None = None


def build_parts(
    project: Project,
    ontology: Graph,
    iris: Iris,
    jobs: int | None = None,
    *,
    into: MutableMapping[str, bytes] | None = None,
) -> BuiltParts:
    """Every named graph of ``project`` as its fragment, and their union, in ``jobs`` processes (or CPUs).

    The fragments are put ``into`` the mapping given, as each comes (a build's files, ``kg build``: none is
    held in memory), or into a new dict.
    """
    global _SETUP
    resolve = Resolver(iris, project.reference)
    releases = [release for release, _ in project.releases]
    _SETUP = _Setup(resolve, repeated_caps(releases, resolve), project.translations)
    union = union_graph()
    for prefix, iri in PREFIXES.items():
        union.bind(prefix, iri)
    fragments: MutableMapping[str, bytes] = {} if into is None else into
    for key, graph in (("reference", build_reference(resolve)), ("ontology", ontology)):
        _add(union, graph)
        if len(graph):
            name = str(iris.graph(key))
            fragments[name] = graph_fragment(name, graph.serialize(format="nt").encode())
    try:
        translated: list[bytes] = []
        terms = _Terms()
        for part in _parts(project.releases, jobs or os.cpu_count() or 1):
            if part.fragment:  # an empty graph has no fragment, as in kg.fragments.dataset_fragments
                fragments[part.graph] = part.fragment
            _add(union, terms.triples(part.triples))
            translated.append(part.translated)
        for triples in translated:  # after every release, as build_dataset adds them
            _add(union, terms.triples(triples))
    finally:
        _SETUP = None
    return BuiltParts(fragments, union)


def _add(union: Graph, triples: Iterable[_Triple]) -> None:
    add = union.add
    for triple in triples:
        add(triple)


def _plain(term: Node) -> PlainNode:
    """A term as plain data, cheap to pickle (``kg.fragments.PlainNode``), without rdflib's checks."""
    if isinstance(term, Literal):
        return (str(term), term.language, None if term.datatype is None else str(term.datatype))
    if isinstance(term, BNode):
        return (str(term),)
    return str(term)


def _plain_list(triples: Iterable[_Triple]) -> list[tuple[PlainNode, PlainNode, PlainNode]]:
    # Each IRI's string once: pickle writes an object it has written as a reference to it, and the parent
    # finds its term (``_Terms``) by a string whose hash is known.
    iris: dict[str, str] = {}

    def plain(term: Node) -> PlainNode:
        if type(term) is URIRef:
            text = str(term)
            return iris.setdefault(text, text)
        return _plain(term)

    return [(plain(s), plain(p), plain(o)) for s, p, o in triples]


class _Terms(dict[PlainNode, Node]):
    """The parent's terms by their plain form: each IRI, and each literal that recurs, is made once."""

    def __missing__(self, plain: PlainNode) -> Node:
        if isinstance(plain, str):
            term: Node = URIRef(plain)
        elif len(plain) == 1:
            term = BNode(plain[0])
        else:
            lexical, language, datatype = plain
            term = Literal(lexical, language, None if datatype is None else URIRef(datatype))
        self[plain] = term
        return term

    def triples(self, data: bytes) -> Iterator[_Triple]:
        for s, p, o in pickle.loads(data):
            yield self[s], self[p], self[o]


def _parts(releases: Sequence[tuple[Release, SourceText]], jobs: int) -> Iterator[_Part]:
    if jobs <= 1 or len(releases) <= 1:
        yield from map(_part, releases)
        return
    # fork: the workers inherit _SETUP (the reference data, the translations) instead of unpickling it.
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(releases))) as pool:
        # In order, as they come: the parent fills the union while the workers build the next releases.
        yield from pool.imap(_part, releases, chunksize=_CHUNK)


def _part(item: tuple[Release, SourceText]) -> _Part:
    release, source = item
    setup = _SETUP
    assert setup is not None
    name = setup.resolve.iris.graph(release.id)
    graph = build_release(release, source, setup.resolve, into=union_graph())
    unstate_caps(graph, setup.repeated.get(release.id, ()))
    triples = _plain_list(graph)
    translated = union_graph()  # each triple once, as in the release's graph
    for translation in setup.translations.get(release.id, ()):
        _add(translated, build_translation(release, translation, setup.resolve))
    translations = _plain_list(translated)
    # The fragment from the plain terms: no N-Triples written by rdflib and parsed again.
    fragment = plain_fragment(str(name), triples + translations) if triples or translations else b""
    return _Part(str(name), fragment, pickle.dumps(triples), pickle.dumps(translations))


__all__ = ["BuiltParts", "build_parts"]
