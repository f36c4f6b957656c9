"""``kg validate`` of a build, one release graph at a time, in parallel (issue 12.3).

pyshacl's time grows faster than the graph (158 s for the whole graph at ~1,000 projects), and one process
uses one core. Each release graph is validated as ``kg add`` validated it when it came in (``kg.add.check``):
its own nodes as focus nodes, against its graph and the reference and ontology graphs; and proved against
its source texts (``kg.proof``). The rule across releases (``kgsh:ProgramCapRule``: the grants of a program
in one period of its cap add up to at most the cap) is checked once per capped program, in a part of its
own holding what every graph says of the program and of its caps (validated there, not in the releases'
parts: a release restating a cap with another figure gives the cap two) and its grants from every release.
Read in every release's part, as ``kg add`` reads them for one release, they made the whole run grow with
the square of the graph (at 10^6 triples each of 548 parts parsed the same 8,500 triples of grants). The
reference and ontology graphs are validated once, on their own nodes. A result found by two parts is
reported once. The release graphs' parts run in ``jobs`` processes; the programs' part and the reference's
in this one meanwhile.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.add.check import _construct, _grants_query
from kg.assets import load_shapes
from kg.errors import BuildError, StoreError
from kg.formats import RdfFormat
from kg.fragment_triples import fragment_triples
from kg.fragments import FOLDER, nquads_files, read_index
from kg.graph_cache import CachedGraph
from kg.iris import Iris
from kg.proof import prove, source_names
from kg.rdf_input import read_untrusted
from kg.report import Report, Violation
from kg.settings import Settings
from kg.shacl_terms import TermCheck, check_terms, check_triples, joined
from kg.store import KgStore
from kg.textfiles import line_blocks
from kg.union_store import LeanGraph
from kg.validate import Engine, validate, validate_focus
from kg.vocab import KG

SHARED = ("reference", "ontology")


@dataclass(frozen=True)
class _Setup:
    """What every part reads: set before the worker processes are forked, so each inherits it."""

    shapes: Graph
    shared: Graph
    shared_text: bytes  # the N-Triples of ``shared``, for the pyoxigraph store of each part
    shared_lean: LeanGraph  # ``shared`` in the store of the parts' graphs
    covered: frozenset[str]  # the nodes validated in the programs' part: the capped programs and their caps
    sources: Path
    engine: Engine
    shared_terms: TermCheck  # what kg.shacl_terms finds in the literals of ``shared``


_SETUP: _Setup | None = None


def _ntriples(fragment: Path) -> str:
    """A fragment's N-Quads as N-Triples: each line without its graph name (its last term, an IRI)."""
    return _without_graph(fragment.read_text(encoding="utf-8"))


def _without_graph(nquads: str) -> str:
    return "".join(line[: line.rindex(" <")] + " .\n" for line in nquads.splitlines() if line.strip())


def _texts(graph: Graph, folder: Path) -> dict[str, bytes]:
    texts = {}
    for name in source_names(graph).values():
        # A file name, never a path: a graph cannot make `kg validate` read outside the sources folder.
        if name and name == Path(name).name and (folder / name).is_file():
            texts[name] = (folder / name).read_bytes()
    return texts


def _part(fragment: Path) -> tuple[Violation, ...]:
    """Validate and prove one release graph (in a worker process)."""
    setup = _SETUP
    assert setup is not None
    text = fragment.read_text(encoding="utf-8")
    own = list(fragment_triples(text))
    # The release's graph and the reference (the proofs read its names), its own triples first as rdflib's
    # parse had them; a lean graph (kg.union_store): rdflib's Memory store took as long to fill as the
    # fragment to parse, and the part reads it through few patterns, each once or twice (no cache needed).
    data = LeanGraph()
    for triple in own:
        data.add(triple)
    data.extend(setup.shared_lean)
    # A capped program and its caps are validated in the program's part, with what every graph says of them.
    focus = {s for s, _, _ in own if isinstance(s, URIRef) and str(s) not in setup.covered}
    # Its literals are read for kg.shacl_terms here; the reference graph's once, in validate_build.
    terms = joined(check_triples(own), setup.shared_terms) if setup.engine == "oxigraph" else None
    results = prove(data, _texts(data, setup.sources))
    if not focus:
        return results
    store = _store([_without_graph(text).encode("utf-8"), setup.shared_text], setup)
    report = validate_focus(data, focus, setup.shapes, engine=setup.engine, store=store, terms=terms)
    return report.results + results


def _programs(nquads: Sequence[Path], caps: Mapping[str, frozenset[str]]) -> tuple[Violation, ...]:
    """Validate each capped program with what every graph says of it, its caps and the grants of every
    release that fund it: the rule across releases, once for the whole build (here, while the workers
    validate the release graphs)."""
    setup = _SETUP
    assert setup is not None
    if not caps:
        return ()
    graph = KgStore()
    graph.load_nquads(nquads)
    results: list[Violation] = []
    for program in sorted(caps):
        query = (
            f"CONSTRUCT {{ ?program ?q ?v . ?v a ?t . ?cap ?p ?o . ?o a ?u }} "
            f"WHERE {{ VALUES ?program {{ <{program}> }} {{ ?program ?q ?v OPTIONAL {{ ?v a ?t }} }} "
            f"UNION {{ ?program kg:annualCap ?cap . ?cap ?p ?o OPTIONAL {{ ?o a ?u }} }} }}"
        )
        data = CachedGraph()
        data += _construct(graph, query)
        data += _construct(graph, _grants_query([URIRef(program)], ""))
        store = _store([data.serialize(format="nt", encoding="utf-8"), setup.shared_text], setup)
        data += setup.shared
        focus = {URIRef(node) for node in (program, *caps[program])}
        results += validate_focus(data, focus, setup.shapes, engine=setup.engine, store=store).results
    return tuple(results)


def _capped(nquads: Sequence[Path]) -> dict[str, frozenset[str]]:
    """The capped programs of the N-Quads files ``nquads`` (``kg.nq``, or the fragments it joins:
    ``kg.fragments.nquads_files``) and their caps (``kg:annualCap``).

    Read from the text, a statement a line as kg writes it: the lines holding the predicate's IRI are found
    by search and parsed (``kg.fragment_triples``). Loading the file into a store to ask it took 4.5 s at
    10^6 triples before any part could start; the search takes a tenth of it.
    """
    needle = f" <{KG.annualCap}> ".encode()
    caps: dict[str, set[str]] = {}
    for block in line_blocks(nquads):
        found = block.find(needle)
        while found != -1:
            start, end = block.rfind(b"\n", 0, found) + 1, block.find(b"\n", found)
            end = len(block) if end == -1 else end
            for s, p, o in fragment_triples(block[start:end].decode("utf-8")):
                if p == KG.annualCap and isinstance(s, URIRef) and isinstance(o, URIRef):
                    caps.setdefault(str(s), set()).add(str(o))
            found = block.find(needle, end)
    return {program: frozenset(found) for program, found in caps.items()}


def _lean(graph: Graph) -> LeanGraph:
    lean = LeanGraph()
    for triple in graph:
        lean.add(triple)
    return lean


def _run(path: str) -> tuple[Violation, ...]:
    return _part(Path(path))


def _store(texts: Iterable[bytes], setup: _Setup) -> KgStore | None:
    """The pyoxigraph store of a part's SHACL-SPARQL constraints, loaded from the texts its graph was parsed
    from (faster than serialising the graph again); None, and the graph is serialised, if Oxigraph refuses."""
    if setup.engine != "oxigraph":
        return None
    store = KgStore()
    try:
        for text in texts:
            store.load(text, RdfFormat.NTRIPLES)
    except StoreError:
        return None
    return store


def validate_build(
    build: Path, sources: Path, base_iri: str, *, jobs: int | None = None, engine: Engine = "oxigraph"
) -> Report:
    """Validate the build in folder ``build`` (its ``graphs/`` fragments) by release graph, in parallel; the
    SHACL-SPARQL constraints on pyoxigraph, or in pyshacl with ``engine="pyshacl"`` (``kg.validate``)."""
    global _SETUP
    index = read_index(build)
    if index is None:
        raise BuildError(f"{build}: no graphs/ index (built by an older kg): run `kg build`")
    iris = Iris(base_iri)
    shared_iris = {str(iris.graph(key)) for key in SHARED}
    shared = CachedGraph()
    shared_text = ""
    for graph in sorted(shared_iris & set(index)):
        shared_text += _ntriples(build / FOLDER / index[graph].file)
    shared.parse(data=shared_text, format="nt")
    nquads = nquads_files(build)
    caps = _capped(nquads)
    _SETUP = _Setup(
        load_shapes(),
        shared,
        shared_text.encode("utf-8"),
        _lean(shared),
        frozenset(caps).union(*caps.values()),
        sources,
        engine,
        check_terms(shared),
    )
    tasks = [str(build / FOLDER / index[g].file) for g in sorted(index) if g not in shared_iris]
    try:
        # The reference and ontology graphs' own report, and the programs', are found here while the workers
        # validate the release graphs.
        base, results = _run_parts(
            tasks,
            jobs or os.cpu_count() or 1,
            lambda: (_shared_report(shared, sources), _programs(nquads, caps)),
        )
    finally:
        _SETUP = None
    return base.joined(_once(r for part in results for r in part))


def validate_graph(graph: Graph, sources: Path) -> Report:
    """Validate ``graph`` whole (RDF files given to ``kg validate``) and prove it against ``sources``."""
    return validate(graph).joined(prove(graph, _texts(graph, sources)))


def load_dataset(settings: Settings, files: Sequence[Path]) -> Dataset:
    """The build's ``kg.nq`` (without ``files``), or anyone's RDF ``files`` (checked and parsed in a child
    process, ``kg.rdf_input``), as one dataset."""
    dataset = Dataset()
    if not files:  # the build's own dump, written by kg
        built = settings.dist_dir / "kg.nq"
        if not built.is_file():
            raise BuildError(f"{built}: no such file (run `kg build` first)")
        dataset.parse(built, format=RdfFormat.NQUADS.rdflib_name, publicID=settings.base_iri)
    for path in files:
        nquads = read_untrusted(path, base_iri=settings.base_iri)
        dataset.parse(data=nquads.decode("utf-8"), format=RdfFormat.NQUADS.rdflib_name)
    return dataset


def _shared_report(shared: Graph, sources: Path) -> Report:
    """The reference and ontology graphs' own nodes (the report the parts' results are joined to)."""
    setup = _SETUP
    assert setup is not None
    focus = {s for s in shared.subjects() if isinstance(s, URIRef)}
    store = _store([setup.shared_text], setup)
    report = validate_focus(shared + Graph(), focus, setup.shapes, engine=setup.engine, store=store)
    return report.joined(prove(shared, _texts(shared, sources)))


_Meanwhile = Callable[[], tuple[Report, tuple[Violation, ...]]]


def _run_parts(
    fragments: Sequence[str], jobs: int, meanwhile: _Meanwhile
) -> tuple[Report, list[tuple[Violation, ...]]]:
    """The results of the release graphs' ``fragments``, in ``jobs`` processes, with the report and the
    results of ``meanwhile()``, run here while they run."""
    if jobs <= 1 or len(fragments) <= 1:
        base, extra = meanwhile()
        return base, [extra, *(_run(fragment) for fragment in fragments)]
    # fork: the workers inherit _SETUP (shapes, reference graph, caps) instead of reading them again.
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(fragments))) as pool:
        # Small chunks: a part takes about 0.1 s, and with 8 chunks per worker one worker could wait for
        # the other's last chunk for seconds (at 10^6 triples a chunk was 34 parts).
        chunks = max(1, min(4, len(fragments) // (jobs * 8)))
        pending = pool.map_async(_run, fragments, chunksize=chunks)
        base, extra = meanwhile()
        return base, [extra, *pending.get()]


def _once(results: Iterable[Violation]) -> tuple[Violation, ...]:
    seen: dict[Violation, None] = {}
    for result in results:
        seen.setdefault(result, None)
    return tuple(sorted(seen, key=lambda r: (r.focus, r.path or "", r.message)))


__all__ = ["load_dataset", "validate_build", "validate_graph"]
