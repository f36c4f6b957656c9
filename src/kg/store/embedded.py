"""The embedded store: a pyoxigraph ``Store`` in this process, in memory or on disk (the default store).

The only module that opens a pyoxigraph store; ``kg.store.remote`` speaks to a SPARQL 1.1 server instead.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.formats import RdfFormat, ResultsFormat
from kg.store.terms import (
    OX_RDF,
    OX_RESULTS,
    CappedResult,
    QueryResult,
    Term,
    as_bytes,
    capped_solutions,
    capped_triples,
    collect,
    one_line,
    syntax_error,
)
from kg.textfiles import open_chained

_S, _P, _O, _N = (ox.Variable(name) for name in ("s", "p", "o", "n"))
# Fixed texts for the incoming-link lookups; ?o (and ?p) are bound as terms through ``substitutions``
# (SEP-0007), which puts them in the projection. The store's default graph and every named graph count.
_EVERY_GRAPH = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
_COUNT_QUERY = (
    "SELECT ?o ?p (COUNT(*) AS ?n) WHERE { { SELECT ?o ?p WHERE { " + _EVERY_GRAPH + " } LIMIT %d } } "
    "GROUP BY ?o ?p"
)
_SUBJECTS_QUERY = "SELECT DISTINCT ?p ?o ?s WHERE { " + _EVERY_GRAPH + " } OFFSET %d LIMIT %d"


def _dataset(default_graph: Sequence[str], named_graphs: Sequence[str], union: bool) -> dict[str, Any]:
    """The engine's dataset arguments: the union of every graph, or the graphs listed."""
    if union:
        return {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in default_graph],
        "named_graphs": [ox.NamedNode(g) for g in named_graphs],
    }


@contextlib.contextmanager
def _query_errors() -> Iterator[None]:
    """The engine's errors on a visitor's query, as one-line ``QueryError``s (syntax errors with a place)."""
    try:
        yield
    except SyntaxError as exc:
        raise syntax_error(exc) from exc
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        raise QueryError(one_line(f"query failed: {exc}")) from exc


@dataclass(frozen=True)
class Bounded:
    """A query its caller made to answer few rows (``kg.sparql.lean.row_bounded``): ``text`` has at most
    ``max_rows + 1`` solutions, and each binds every one of ``binding`` (the variables of its basic graph
    pattern, ``kg.sparql.lean.pattern_variables``), so that its rows can be counted without parsing it."""

    text: str
    binding: frozenset[str] = frozenset()


def _counted(body: bytes, binding: frozenset[str]) -> tuple[int, tuple[str, ...]] | None:
    """The rows and the unbound variables of a SPARQL JSON answer each of whose rows binds every variable of
    ``binding``, read from its bytes: each bound term is one ``{"type":`` (the quotes of a string are
    escaped, so the sequence occurs nowhere else), so rows are terms over the variables bound. Parsing the
    answer instead (``json.loads``) cost a tenth of a point lookup's CPU (issue 12). None where that does not
    hold: no variable of the answer is bound, or a triple term nests terms."""
    if not binding or b'"type":"triple"' in body:
        return None
    start = body.index(b"[")  # the head's list of variables comes first, and a name holds no "]"
    names: list[str] = json.loads(body[start : body.index(b"]", start) + 1])
    bound = sum(1 for name in names if name in binding)
    if not bound:
        return None
    rows, rest = divmod(body.count(b'{"type":'), bound)
    if rest:
        return None
    return rows, tuple(name for name in names if rows and name not in binding)


class KgStore:
    """A pyoxigraph store holding the named graphs of the project; queries see their union by default."""

    def __init__(self, store: ox.Store | None = None, *, read_only: bool = False) -> None:
        self._store = store if store is not None else ox.Store()
        self.read_only = read_only  # opened read-only: loads and updates fail

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> KgStore:
        """Open an on-disk store; ``read_only`` lets several processes serve one store."""
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open store at {path}: {exc}") from exc
        return cls(store, read_only=read_only)

    @classmethod
    def open_served(cls, path: Path, memory_copy_mb: int = 0) -> KgStore:
        """Open an on-disk store read-only to serve it; when its files take at most ``memory_copy_mb`` MB,
        answer from a copy in memory instead, the on-disk store closed (``kg.sparql.QueryLimits``). Every
        process serving a store decides alike, so all read the same kind of store, whose rows come in the
        same order (a light query answered in the server process and a worker's answer are the same
        bytes)."""
        store = cls.open(path, read_only=True)
        try:
            small = sum(item.stat().st_size for item in path.iterdir() if item.is_file())
        except OSError as exc:
            raise StoreError(f"cannot read the store at {path}: {exc.strerror or exc}") from exc
        return store.in_memory() if small <= memory_copy_mb * 1024 * 1024 else store

    def __len__(self) -> int:
        return len(self._store)

    def in_memory(self) -> KgStore:
        """A copy of this store in memory, read-only like it (the quads, their named graphs included)."""
        copy = ox.Store()
        copy.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
        for graph in self._store.named_graphs():  # an empty named graph is still one
            copy.add_graph(graph)
        return KgStore(copy, read_only=True)

    def load(
        self, data: bytes, fmt: RdfFormat, *, graph: str | None = None, base_iri: str | None = None
    ) -> None:
        """Load RDF text; triples go to ``graph`` (or the default graph), quads keep their graphs."""
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            self._store.load(data, format=OX_RDF[fmt], base_iri=base_iri, to_graph=to_graph)
        except SyntaxError as exc:
            raise StoreError(f"cannot load {fmt.label}: {exc}") from exc

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one named graph with N-Triples (what a remote store's Graph Store ``PUT`` does); the text
        is parsed before the old graph is removed, so a syntax error changes nothing."""
        name = ox.NamedNode(graph)
        try:
            quads = [
                ox.Quad(t.subject, t.predicate, t.object, name)
                for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
            ]
        except SyntaxError as exc:
            raise StoreError(one_line(f"cannot load N-Triples: {exc}")) from exc
        self._store.remove_graph(name)
        self._store.extend(quads)

    def delete_graph(self, graph: str) -> None:
        """Remove one named graph (a graph that is not there is not an error)."""
        self._store.remove_graph(ox.NamedNode(graph))

    def load_file(self, path: Path, *, graph: str | None = None, base_iri: str | None = None) -> None:
        """Load a file, guessing its format from the extension (``.gz`` is read transparently)."""
        fmt = RdfFormat.from_path(path.name)
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        try:
            self.load(data, fmt, graph=graph, base_iri=base_iri or path.resolve().as_uri())
        except StoreError as exc:
            raise StoreError(f"{path}: {exc}") from exc

    def load_nquads(self, files: Sequence[Path], *, bulk: bool = False) -> None:
        """Load N-Quads files as one document, read one after the other (a build's fragments,
        ``kg.fragments.nquads_files``); ``bulk``: pyoxigraph's bulk loader, then the store compacted and
        flushed, as ``bulk_load_file`` does."""
        where = str(files[0].parent) if files else "no file"
        try:
            with open_chained(files) as stream:
                if bulk:
                    self._store.bulk_load(stream, format=ox.RdfFormat.N_QUADS)
                    self._store.flush()
                    self.optimize()
                else:
                    self._store.load(stream, format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(one_line(f"{where}: cannot load N-Quads: {exc}")) from exc

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        prefixes: dict[str, str] | None = None,
        substitutions: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; by default the default graph is the union of all named graphs.

        ``substitutions`` pre-binds variables (name without ``?``) to IRIs before the query is evaluated, as
        SEP-0007 describes (what SHACL §5.3.1 asks for ``$this``), not as a join after it.
        """
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
        if default_graph is not None:
            default = [ox.NamedNode(g) for g in default_graph]
        named: list[ox.NamedNode | ox.BlankNode] | None = None
        if named_graphs is not None:
            named = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(
                sparql,
                prefixes=prefixes,
                use_default_graph_as_union=union and default is None,
                default_graph=default,
                named_graphs=named,
                substitutions={ox.Variable(k): ox.NamedNode(v) for k, v in (substitutions or {}).items()},
            )
            return collect(result)
        except SyntaxError as exc:
            raise syntax_error(exc) from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def query_capped(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str],
        named_graphs: Sequence[str],
        result_format: ResultsFormat,
        graph_format: RdfFormat,
        max_rows: int,
        max_bytes: int,
        union_of_all_graphs: bool = False,
        bounded: Bounded | None = None,
    ) -> CappedResult:
        """Run a query on an explicit dataset and serialise at most ``max_rows`` rows / ``max_bytes`` bytes.

        Rows are pulled one at a time and pulling stops at ``max_rows + 1``, so a huge result costs only what
        is kept. The dataset is always given (a ``FROM`` in the query never widens it), or, when the caller
        checked that every graph is public and the query has no ``FROM``, ``union_of_all_graphs``.
        ``bounded`` is the same query made to answer few rows (:class:`Bounded`): its answer is serialised at
        once (``query_whole``), and the rows are pulled only when it is over a limit.

        :raises QueryError: a syntax error (with line and column) or an evaluation error, on one line.
        """
        if bounded is not None:
            whole = self.query_whole(
                bounded,
                default_graph=default_graph,
                named_graphs=named_graphs,
                result_format=result_format,
                max_rows=max_rows,
                max_bytes=max_bytes,
                union_of_all_graphs=union_of_all_graphs,
            )
            if whole is not None:
                return whole
        with _query_errors():
            result = self._store.query(sparql, **_dataset(default_graph, named_graphs, union_of_all_graphs))
            if isinstance(result, ox.QueryBoolean):
                body = QueryResult("boolean", boolean=bool(result)).serialize(result_format)
                return CappedResult("boolean", body, 0, False)
            if isinstance(result, ox.QueryTriples):
                return capped_triples(result, graph_format, max_rows, max_bytes)
            return capped_solutions(result, result_format, max_rows, max_bytes)

    def query_whole(
        self,
        bounded: Bounded,
        *,
        default_graph: Sequence[str],
        named_graphs: Sequence[str],
        result_format: ResultsFormat,
        max_rows: int,
        max_bytes: int,
        union_of_all_graphs: bool = False,
    ) -> CappedResult | None:
        """As ``query_capped``, for a ``SELECT`` whose rows the caller has bounded (:class:`Bounded`): the
        engine serialises the whole answer in one call.

        Pulling rows one by one releases the GIL at every row; with request threads waiting for it, each row
        handed it over: a point lookup cost 26 context switches and 0.46 ms of CPU with four threads, against
        one switch and 0.14 ms serialised at once (pyoxigraph 0.5.13, 10^5 triples; issue 12). None when the
        answer holds more than ``max_rows`` rows or ``max_bytes`` bytes, or is not solutions: then
        ``query_capped`` answers, and cuts.

        :raises QueryError: as ``query_capped``.
        """
        with _query_errors():
            result = self._store.query(
                bounded.text, **_dataset(default_graph, named_graphs, union_of_all_graphs)
            )
            if not isinstance(result, ox.QuerySolutions):
                return None
            body = as_bytes(result.serialize(format=ox.QueryResultsFormat.JSON))
        if len(body) > max_bytes:
            return None
        counted = _counted(body, bounded.binding)
        if counted is None:
            doc = json.loads(body)
            names: list[str] = doc["head"]["vars"]
            found: list[dict[str, object]] = doc["results"]["bindings"]
            counted = len(found), tuple(n for n in names if found and not any(n in row for row in found))
        rows, unbound = counted
        if rows > max_rows:
            return None
        if result_format is not ResultsFormat.JSON:
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            body = as_bytes(parsed.serialize(format=OX_RESULTS[result_format]))
            if len(body) > max_bytes:
                return None
        return CappedResult("solutions", body, rows, False, unbound)

    def bulk_load_file(self, path: Path) -> None:
        """Load a (possibly gzipped) RDF file quickly into an on-disk store, compact it and flush it to disk.

        The compaction (``optimize``, about 2 s per million triples) matters: a bulk-loaded store that is not
        compacted answered aggregates 1.2-1.35x slower than Oxigraph server's in benchmarks/server.
        """
        fmt = OX_RDF[RdfFormat.from_path(path.name)]
        base = path.resolve().as_uri()
        try:
            if path.name.endswith(".gz"):
                self._store.bulk_load(gzip.decompress(path.read_bytes()), format=fmt, base_iri=base)
            else:
                self._store.bulk_load(path=str(path), format=fmt, base_iri=base)
            self._store.flush()
            self.optimize()
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(one_line(f"{path}: cannot load: {exc}")) from exc

    def backup(self, target: Path) -> None:
        """A consistent copy of an on-disk store in ``target`` (which must not exist): RocksDB's checkpoint,
        hard links to the store's immutable files, so it costs milliseconds whatever the store's size."""
        try:
            self._store.backup(str(target))
        except OSError as exc:
            raise StoreError(one_line(f"cannot copy the store to {target}: {exc}")) from exc

    def flush(self) -> None:
        """Write what is buffered in memory to disk."""
        try:
            self._store.flush()
        except OSError as exc:
            raise StoreError(one_line(f"cannot write the store: {exc}")) from exc

    def optimize(self) -> None:
        """Compact an on-disk store for reading: aggregates take a fifth less CPU at 1M triples."""
        try:
            self._store.optimize()
        except OSError as exc:
            raise StoreError(one_line(f"cannot compact the store: {exc}")) from exc

    def quads(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[ox.Quad]:
        """Quads matching a pattern: never build SPARQL from a URL, look up by pattern instead."""
        s = ox.NamedNode(subject) if subject else None
        p = ox.NamedNode(predicate) if predicate else None
        return iter(self._store.quads_for_pattern(s, p, obj, None))

    def predicate_counts(self, obj: str, cap: int) -> dict[str, int]:
        """Statements per predicate whose object is ``obj``, at most ``cap``: counted by the engine (``obj``
        bound as a term), 60 ms for 100,000 links; a triple in two graphs counts twice (as :meth:`quads`)."""
        bound: dict[ox.Variable, Term] = {_O: ox.NamedNode(obj)}
        solutions = self._store.query(_COUNT_QUERY % int(cap), substitutions=bound)
        assert isinstance(solutions, ox.QuerySolutions)
        counts: dict[str, int] = {}
        for solution in solutions:
            predicate, count = solution[_P], solution[_N]
            if isinstance(predicate, ox.NamedNode) and isinstance(count, ox.Literal):
                counts[predicate.value] = int(count.value)
        return counts

    def subjects(self, predicate: str, obj: str, *, offset: int, limit: int) -> list[Term]:
        """One page of the distinct subjects of ``?s predicate obj`` in every graph, in store order."""
        query = _SUBJECTS_QUERY % (max(0, int(offset)), max(0, int(limit)))
        bound: dict[ox.Variable, Term] = {_P: ox.NamedNode(predicate), _O: ox.NamedNode(obj)}
        solutions = self._store.query(query, substitutions=bound)
        assert isinstance(solutions, ox.QuerySolutions)
        return [term for solution in solutions if (term := solution[_S]) is not None]

    def dump(self, fmt: RdfFormat, *, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (dataset formats) or one graph / the union (triple formats)."""
        if fmt.supports_datasets and graph is None:
            return as_bytes(self._store.dump(format=OX_RDF[fmt]))
        if graph is not None:
            return as_bytes(self._store.dump(format=OX_RDF[fmt], from_graph=ox.NamedNode(graph)))
        triples = {q.triple for q in self._store}
        return as_bytes(ox.serialize(triples, format=OX_RDF[fmt]))
