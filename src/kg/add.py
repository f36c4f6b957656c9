"""``kg add``: check one new release against the graph; merge it into ``data/`` and ``dist/`` only if it fits.

1. Read and check the record (``read_release`` + ``check_release``) and build its named graph.
2. Refuse it when it would reuse what another release already defined: its release id, a project id, an
   event (any resource the release mints that the built store already describes), or when it states a
   program's cap other than the one in the graph (``kg.add_caps``; restating the same cap is fine).
3. Validate it with the shapes, on its own nodes only (``kg.validate.validate_focus``). The data graph is the
   new release's graph + the reference graph + the ontology + the few existing nodes the cross-record rules
   read: the yearly cap of each program it funds and that program's grants of the same calendar year
   (``kgsh:ProgramYearWithinCap``), fetched from the built store with a SPARQL CONSTRUCT made only of IRIs
   minted here. Its size, and so the time, does not grow with the graph.
4. Merge only when it conforms: the source text is copied into ``data/sources/``, ``dist/`` is rebuilt
   (atomically, ``kg.dumps.write_dumps``) and the record is renamed into ``data/releases/`` last. If anything
   fails before that rename, the copies are removed: no half-added record is left behind.

The built store is ``dist/kg.nq`` (``load_store``): ``kg add`` trusts it to reflect ``data/``, as ``kg build``
leaves it. Pure orchestration: no click, no printing.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.add_caps import cap_problems, is_program_cap, restated_caps
from kg.add_publish import Publish, merge, publish
from kg.assets import load_ontology
from kg.build import Resolver
from kg.build.reference import build_reference
from kg.build.release import build_release
from kg.build.terms import decimal
from kg.build.translations import build_translation
from kg.dumps import serialize
from kg.errors import SourceError
from kg.extract import ExtractResult, extract_file
from kg.formats import RdfFormat
from kg.iris import Iris
from kg.project import build_project
from kg.report import Report
from kg.settings import Settings
from kg.sources import (
    Reference,
    Release,
    SourceText,
    check_release,
    read_reference,
    read_release,
    read_source_text,
)
from kg.sources.translations import ReleaseTranslation, check_translation, read_translation
from kg.store import KgStore
from kg.validate import validate_focus
from kg.vocab import KG, PREFIXES, PROV, XSD

NQUADS_DUMP = "kg.nq"
# The kinds of resource a release mints for itself: none of them may exist already.
OWN_KINDS = frozenset(
    {"release", "source", "backgrounder", "project", "grant", "amount", "evidence", "correction", "event"}
)


@dataclass(frozen=True)
class Candidate:
    """A release record that has been read and checked, with its source text and its named graph."""

    release: Release
    source: SourceText
    record_bytes: bytes
    source_bytes: bytes
    graph: Graph
    translations: tuple[tuple[ReleaseTranslation, bytes], ...] = ()
    """The kg project's translations of the release (its English, for a French release), with their bytes."""


@dataclass(frozen=True)
class Check:
    """What ``check_candidate`` found: duplicates (checked first), else the focus-node validation report."""

    duplicates: tuple[str, ...]
    report: Report | None
    focus_nodes: int = 0
    data_triples: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.duplicates and self.report is not None and self.report.conforms


@dataclass(frozen=True)
class AddResult:
    release_id: str
    projects: int
    check: Check
    record_path: Path | None = None  # where the record was merged, when it was
    source_path: Path | None = None
    language: str = "en"  # the release's

    @property
    def added(self) -> bool:
        return self.record_path is not None


def read_candidate(
    record: Path,
    source: Path | None,
    reference: Reference,
    iris: Iris,
    sources_dir: Path | None = None,
    translations: Sequence[Path] = (),
) -> Candidate:
    """Read and check a record against the reference data and its source text, then build its graph.

    The source text is ``source``, else the file the record names next to the record, else the one in
    ``sources_dir``. ``translations`` are the project's translation files of this release (as in
    ``data/translations/{lang}/``); their texts join the graph. Raises ``SourceError`` naming the file and
    line of the first problem.
    """
    release = read_release(record)
    candidates = [source] if source is not None else [record.parent / release.source]
    if source is None and sources_dir is not None:
        candidates.append(sources_dir / release.source)
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        raise SourceError(f"source text {release.source!r} not found (give it with --source)", path=record)
    # The text is published under the name the record gives it, whatever the file is called here.
    text = replace(read_source_text(found), name=release.source)
    check_release(release, reference, text)
    resolve = Resolver(iris, reference)
    graph = build_release(release, text, resolve)
    read: list[tuple[ReleaseTranslation, bytes]] = []
    for path in translations:
        translation = read_translation(path)
        if translation.release != release.id:
            raise SourceError(f"translates release {translation.release!r}, not {release.id!r}", path=path)
        if any(t.language == translation.language for t, _ in read):
            raise SourceError(f"a second {translation.language!r} translation of {release.id!r}", path=path)
        check_translation(translation, release)
        graph += build_translation(release, translation, resolve)
        read.append((translation, path.read_bytes()))
    return Candidate(release, text, record.read_bytes(), found.read_bytes(), graph, tuple(read))


def load_store(settings: Settings) -> KgStore:
    """The built store: ``dist/kg.nq``, or (before any build) the graph of the records, kept in memory."""
    store = KgStore()
    dump = settings.dist_dir / NQUADS_DUMP
    if dump.is_file():
        store.load_file(dump, base_iri=settings.base_iri)
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
    year = candidate.release.published.year
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
        VALUES ?figure {{ schema:value schema:minValue }}
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
        reference = read_reference(settings.reference_dir)
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


@contextmanager
def _locked(settings: Settings) -> Iterator[None]:
    """One ``kg add`` at a time per project: an advisory lock on the releases folder (no lock file)."""
    settings.releases_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(settings.releases_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def add_release(
    settings: Settings,
    record: Path,
    source: Path | None = None,
    *,
    store: KgStore | None = None,
    setup: Setup | None = None,
    publish: Publish = publish,
    translations: Sequence[Path] = (),
) -> AddResult:
    """Check one release record (with the project's translations of it) and merge it when it conforms; a
    refusal changes nothing on disk."""
    setup = setup or Setup.load(settings)
    candidate = read_candidate(
        record, source, setup.reference, setup.iris, settings.sources_dir, translations
    )
    projects = len(candidate.release.projects)
    with _locked(settings):
        check = check_candidate(candidate, store or load_store(settings), setup, settings)
        language = candidate.release.language
        if not check.ok:
            return AddResult(candidate.release.id, projects, check, language=language)
        record_path, source_path = merge(settings, candidate, publish)
    return AddResult(candidate.release.id, projects, check, record_path, source_path, language)


def add_release_text(
    settings: Settings,
    path: Path,
    *,
    store: KgStore | None = None,
    setup: Setup | None = None,
    publish: Publish = publish,
    translations: Sequence[Path] = (),
) -> tuple[ExtractResult, AddResult | None]:
    """``kg add RELEASE.txt|.html``: extract the draft record; add it only when it has no problem to review.

    The draft and its text (for HTML, the text extracted from the page, in which its offsets count) are
    written to a temporary folder and added from there, exactly as a reviewed record would be.
    """
    setup = setup or Setup.load(settings)
    draft = extract_file(path, setup.reference)
    if draft.problems:
        return draft, None
    with tempfile.TemporaryDirectory(prefix="kg-add-") as folder:
        record = Path(folder) / "draft.yaml"
        text = Path(folder) / draft.source_name
        record.write_bytes(draft.to_yaml().encode("utf-8"))
        text.write_bytes(draft.source_text.encode("utf-8"))
        added = add_release(
            settings, record, text, store=store, setup=setup, publish=publish, translations=translations
        )
        return draft, added


__all__ = [
    "AddResult",
    "Candidate",
    "Check",
    "Setup",
    "add_release",
    "add_release_text",
    "check_candidate",
    "context_graph",
    "find_duplicates",
    "focus_nodes",
    "load_store",
    "merge",
    "publish",
    "read_candidate",
]
