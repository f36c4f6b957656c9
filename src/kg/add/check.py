"""Steps 2 and 3 of ``kg add``: duplicates against the built store, then the shapes on the new nodes only."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from kg.add.candidate import Candidate, Check
from kg.add.caps import cap_problems, is_program_cap, restated_caps
from kg.add.stores import linked_store
from kg.assets import load_ontology
from kg.dumps import serialize
from kg.formats import RdfFormat
from kg.fragments import nquads_files
from kg.iris import Iris
from kg.mapping import Resolver
from kg.mapping.reference import build_reference
from kg.mapping.terms import decimal
from kg.project import build_project
from kg.settings import Settings
from kg.sources import (
    Reference,
    read_reference,
)
from kg.store import KgStore
from kg.validate import validate_focus
from kg.vocab import KG, PREFIXES, PROV, XSD

# The kinds of resource a release mints for itself: none of them may exist already.
OWN_KINDS = frozenset(
    {"release", "source", "backgrounder", "project", "grant", "amount", "evidence", "correction", "event"}
)


def load_store(settings: Settings) -> KgStore:
    """The built store: the linked build's on-disk store, as a server or an earlier ``kg add`` prepared it,
    or prepared now for a large graph (``kg.add.stores``); else ``dist/kg.nq`` (or its fragments), or
    (before any build) the graph of the records, kept in memory."""
    files = nquads_files(settings.dist_dir)  # kg.nq, or the fragments it joins before `kg build --finish`
    if files and (prepared := linked_store(settings)) is not None:
        return prepared
    store = KgStore()
    if files:
        store.load_nquads(files)
    else:
        store.load(serialize(build_project(settings), RdfFormat.NQUADS), RdfFormat.NQUADS)
    return store


def _subjects(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef)})


def find_duplicates(candidate: Candidate, store: KgStore, iris: Iris, settings: Settings) -> list[str]:
    """What the release would define a second time: files in ``data/``, or resources already in the store."""
    release = candidate.release
    problems = []
    record = settings.releases_dir / f"{release.id}.yaml"
    if record.exists():
        problems.append(f"release id {release.id!r}: {record} already exists")
    for translation, _ in candidate.translations:
        path = settings.data_dir / "translations" / translation.language / f"{release.id}.yaml"
        if path.exists():
            problems.append(f"release id {release.id!r}: {path} already exists")
    source = settings.sources_dir / release.source
    if source.exists() and source.read_bytes() != candidate.source_bytes:
        problems.append(
            f"a different source text named {release.source!r} is already in {settings.sources_dir}"
        )
    clashes: dict[str, list[tuple[str, str]]] = {}
    for subject in _subjects(candidate.graph):
        kind_key = iris.parse(subject)
        if kind_key is None or kind_key[0] not in OWN_KINDS or is_program_cap(subject, iris):
            continue  # a program's cap may be restated by any release: cap_problems compares it
        graphs = sorted({getattr(q.graph_name, "value", "default graph") for q in store.quads(str(subject))})
        if graphs:
            clashes.setdefault(kind_key[0], []).append((kind_key[1], ", ".join(graphs)))
    for proposed in candidate.proposed:  # a reference entry the record proposes must be new to the graph
        kind, key = iris.parse(proposed) or ("resource", str(proposed))
        if graphs := sorted(
            {getattr(q.graph_name, "value", "default graph") for q in store.quads(str(proposed))}
        ):
            problems.append(f"{kind} {key!r} is already in the graph ({', '.join(graphs)})")
    for kind, label in (("release", "release id"), ("project", "project id"), ("event", "event id")):
        problems += [
            f"{label} {key!r} is already in the graph ({where})" for key, where in clashes.pop(kind, [])
        ]
    problems += cap_problems(candidate.graph, store, iris)
    if not problems and clashes:
        first = min(key for items in clashes.values() for key, _ in items)
        count = sum(len(items) for items in clashes.values())
        problems.append(f"{count} resources of this release are already in the graph, for example {first!r}")
    return problems


def _construct(store: KgStore, query: str) -> Graph:
    """Run a CONSTRUCT on the store and hand its triples over to rdflib (through N-Triples).

    The store keeps decimals as numbers and writes them back in their XSD 1.1 form ("15000000"); they are
    written again as the build writes them ("15000000.0"), so messages read as in a whole-graph validation.
    """
    result = store.query(query, prefixes=PREFIXES)
    parsed = Graph()
    if result.triples:
        parsed.parse(data=result.serialize(RdfFormat.NTRIPLES).decode("utf-8"), format="nt")
    graph = Graph()
    for s, p, o in parsed:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = decimal(Decimal(str(o)))
        graph.add((s, p, o))
    return graph


_SAFE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def _values(nodes: Sequence[URIRef]) -> str:
    """IRIs for a VALUES clause: only IRIs minted by ``kg.iris`` (slug keys) reach here; checked again."""
    for node in nodes:
        if not _SAFE_IRI.match(node):
            raise ValueError(f"refusing to put {node!r} in a query")
    return " ".join(f"<{node}>" for node in nodes)


def context_graph(candidate: Candidate, store: KgStore) -> Graph:
    """The existing nodes the shapes read about a new release: programs' caps and same-year grants."""
    programs = sorted(
        {p for p in candidate.graph.objects(None, KG.fundingProgram) if isinstance(p, URIRef)}
        | {p for p in candidate.graph.objects(None, KG.program) if isinstance(p, URIRef)}
    )
    if not programs:
        return Graph()
    context = _construct(
        store,
        f"CONSTRUCT {{ ?program kg:annualCap ?cap . ?cap ?p ?o }} "
        f"WHERE {{ VALUES ?program {{ {_values(programs)} }} ?program kg:annualCap ?cap . ?cap ?p ?o }}",
    )
    capped = {p for p in programs if (p, KG.annualCap, None) in context}
    introduced = {p for p in programs if (p, KG.annualCap, None) in candidate.graph} - capped
    year = candidate.release.day.year
    # A cap already in the graph was checked on every other year: only this release's year can change.
    # A cap this release introduces applies to every year of the program's grants.
    if capped:
        context += _construct(store, _grants_query(sorted(capped), f"FILTER(YEAR(?published) = {int(year)})"))
    if introduced:
        context += _construct(store, _grants_query(sorted(introduced), ""))
    return context


def _grants_query(programs: Sequence[URIRef], condition: str) -> str:
    """The grants of ``programs`` (with their figure and date): what ``kgsh:ProgramYearWithinCap`` sums."""
    return f"""CONSTRUCT {{
        ?grant a kg:Contribution ; kg:fundingProgram ?program ; schema:amount ?amount ;
            kg:announcedIn ?release .
        ?amount ?figure ?value .
        ?release schema:datePublished ?published .
    }} WHERE {{
        VALUES ?program {{ {_values(programs)} }}
        ?grant kg:fundingProgram ?program ; a kg:Contribution ; schema:amount ?amount ;
            kg:announcedIn ?release .
        ?release schema:datePublished ?published .
        {condition}
        VALUES ?figure {{ schema:value schema:minValue schema:maxValue }}  # what kgsh:ProgramCapRule sums
        ?amount ?figure ?value .
    }}"""


def focus_nodes(candidate: Candidate) -> list[URIRef]:
    """Every node the release defines, and every program it funds (the yearly cap rule targets programs)."""
    graph = candidate.graph
    programs = set(graph.objects(None, KG.fundingProgram)) | set(graph.objects(None, KG.program))
    return sorted(set(_subjects(graph)) | {p for p in programs if isinstance(p, URIRef)})


@dataclass(frozen=True)
class Setup:
    """What every check of one project shares: parsed once (the shapes, ontology and reference graph)."""

    iris: Iris
    reference: Reference
    reference_graph: Graph
    ontology: Graph
    shapes: Graph | None = None

    @classmethod
    def load(cls, settings: Settings, shapes: Graph | None = None) -> Setup:
        iris = Iris(settings.base_iri)
        reference = read_reference(settings)  # data/reference/ and the records' reference: sections
        return cls(iris, reference, build_reference(Resolver(iris, reference)), load_ontology(), shapes)


def check_candidate(candidate: Candidate, store: KgStore, setup: Setup, settings: Settings) -> Check:
    """Duplicates first; then the shapes, on the release's own nodes against the data they need."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    duplicates = find_duplicates(candidate, store, setup.iris, settings)
    timings["duplicates"] = time.perf_counter() - start
    if duplicates:
        return Check(tuple(duplicates), None, timings=timings)
    start = time.perf_counter()
    data = Graph()
    restated = restated_caps(candidate.graph, store)  # the store's triples stand for these (context_graph)
    for part in (candidate.graph, setup.reference_graph, setup.ontology, context_graph(candidate, store)):
        for triple in part:
            if part is candidate.graph and triple[0] in restated and triple[1] != PROV.wasDerivedFrom:
                continue
            data.add(triple)
    timings["context"] = time.perf_counter() - start
    focus = focus_nodes(candidate)
    start = time.perf_counter()
    report = validate_focus(data, focus, setup.shapes)
    timings["validate"] = time.perf_counter() - start
    return Check((), report, len(focus), len(data), timings)
