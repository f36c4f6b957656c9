"""``kg add``, the new build made from the one it replaces: its cost grows with the release, not the graph.

The new build holds every fragment of the linked build (``kg.fragments``) but the release's, which is new,
and the reference graph's, rewritten only when the release proposes entries; the others are hard-linked.
Then ``context.jsonld``, the DCAT catalog and the portal record (which describe ``kg.nq``), and a manifest
listing as ``pending`` every other file a whole build has: ``kg.nq`` itself (the fragments joined: writing
and hashing it was half of a ``kg add`` at 10^7 triples; the data's version is the fragment index's,
``kg.fragments.index_version``, and until the file is written, readers read the fragments,
``kg.fragments.nquads_files``, and a server serves them joined, with the size the manifest states), the
other syntaxes, the gzipped copies, the tables and the IATI file (the search index is the linked build's,
extended with the release's projects: ``kg.search_index``). Those are written later by ``kg build
--finish`` (``kg.finish``), which ``kg add`` starts in the background, into a further build linked in one
step: every build on disk stays whole as its manifest lists it, and its files never change, so a server's
ETags always match its bytes (issue 12.3). The catalog's figures are the linked build's (kept in it,
``kg.catalog_stats.STATS_FILE``) with what the release's graph adds, counted on that graph alone.

``stage_incremental`` returns None when only the whole rebuild gives the right graph: the linked build has
no fragments (an older kg wrote it), or the release restates a program's cap that a later release states
(``kg.mapping`` keeps a cap's triples in the earliest release's graph, so they would move into this one).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from kg.add.candidate import Candidate
from kg.add.stores import next_store
from kg.assets import load_ontology
from kg.browse.records import BrowseData, browse_data
from kg.catalog_stats import (
    STATS_FILE,
    CatalogStats,
    added_stats,
    read_stats_json,
    store_stats,
    without_graphs,
)
from kg.dumps import (
    CHECKSUMS_FILE,
    CONTEXT_FILE,
    DUMP_STEM,
    MANIFEST_FILE,
    DumpInfo,
    file_info,
    jsonld_context,
    linked_build,
    manifest_triples,
    new_build,
    sync_build,
    write_manifest,
)
from kg.errors import BuildError
from kg.exports.files import portal_files
from kg.formats import RdfFormat
from kg.fragments import (
    dataset_fragments,
    link_fragments,
    nquads_files,
    read_index,
    write_fragments,
    write_index,
)
from kg.iris import Iris
from kg.mapping import build_dataset
from kg.search_index import extend_build
from kg.settings import Settings
from kg.sources import Reference, read_release
from kg.store import KgStore
from kg.vocab import KG, PROV

NQUADS = f"{DUMP_STEM}.{RdfFormat.NQUADS.extension}"
_UNION_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
# The triples of the new graphs that no other graph states: what they add to the union.
_ADDED = """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?g { %s } GRAPH ?g { ?s ?p ?o }
  FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } FILTER(?h NOT IN (%s)) } } }"""
_CAP_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { <%s> <%s> <%s> } }"


def stage_incremental(
    settings: Settings, candidate: Candidate, store: KgStore, reference: Reference
) -> Path | None:
    """Write the new build (not linked) from the linked one and the release; None: rebuild it whole.

    ``store`` holds the linked build's graph (the one ``kg add`` checked the release against); the release's
    graph is loaded into it for the catalog's figures. ``reference`` includes the release's proposals.
    """
    base = linked_build(settings.dist_dir)
    index = read_index(base) if base is not None else None
    if base is None or index is None or not (base / MANIFEST_FILE).is_file():
        return None
    release = candidate.release
    iris = Iris(settings.base_iri)
    translations = {release.id: tuple(t for t, _ in candidate.translations)}
    dataset = build_dataset([(release, candidate.source)], reference, load_ontology(), iris, translations)
    graph = dataset.graph(iris.graph(release.id))
    for program, cap in list(graph.subject_objects(KG.annualCap)):
        holders = store.query(_CAP_GRAPHS % (program, KG.annualCap, cap)).records()
        for holder in (row["g"] for row in holders):
            parsed = iris.parse(holder)
            record = settings.releases_dir / f"{parsed[1] if parsed else ''}.yaml"
            if not record.is_file() or read_release(record).order >= release.order:
                return None  # the cap's triples would move into this release's graph
        if holders:  # stated by an earlier release: its graph keeps them (as kg.mapping does)
            graph.remove((program, KG.annualCap, cap))
            for predicate, value in list(graph.predicate_objects(cap)):
                if predicate != PROV.wasDerivedFrom:
                    graph.remove((cap, predicate, value))
    fragments = dataset_fragments(dataset)
    browse = browse_data(graph + dataset.graph(iris.graph("reference")))
    build = new_build(settings.dist_dir)
    try:
        _write(settings, base, build, fragments, store, browse)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return build


def _write(
    settings: Settings,
    base: Path,
    build: Path,
    fragments: dict[str, bytes],
    store: KgStore,
    browse: BrowseData,
) -> None:
    old = read_index(base) or {}
    changed = {
        graph: data
        for graph, data in fragments.items()
        if graph not in old or (base / "graphs" / old[graph].file).read_bytes() != data
    }
    kept = {graph: fragment for graph, fragment in old.items() if graph not in changed}
    try:
        linked = link_fragments(base, build, kept)
        written = write_fragments(build, changed)
        full = {**kept, **written}
        write_index(build, full)
        (build / CONTEXT_FILE).write_text(json.dumps(jsonld_context(), indent=2) + "\n", encoding="utf-8")
        infos = [file_info(build / CONTEXT_FILE, "application/ld+json")]
        nquads = nquads_files(build)  # the fragments kg.nq will join (kg build --finish writes it)
        # The reference graph is replaced when the record proposes entries: what it counted in the graph the
        # release was checked against is taken away, before that store changes.
        replaced = sorted(set(changed) & set(old))
        before, taken = _stats(base), _added(store, replaced)
        if before is not None and replaced:
            before = without_graphs(before, store, replaced)
        if (prepared := next_store(settings, base, build)) is not None:
            store = prepared  # the new build's on-disk store, made from the linked build's (kg.add.stores)
        elif store.read_only:  # an on-disk store the next could not be made from: the new graph, whole
            store = KgStore()
            store.load_nquads(nquads)
        else:  # the store the release was checked against, in memory: the changed graphs loaded into it
            for graph in changed:
                store.delete_graph(graph)
                store.load(changed[graph], RdfFormat.NQUADS)
        size = _union_size(store, base, sorted(changed), taken)
        when = datetime.now(UTC).replace(microsecond=0)
        stats = (
            store_stats(store, size) if before is None else added_stats(store, list(changed), before, size)
        )
        # kg.nq is served joined from the fragments until `kg build --finish` writes it (kg.web.downloads):
        # the catalog describes it with its size, without the checksum only that step computes.
        size_nq = sum(path.stat().st_size for path in nquads)
        joined = DumpInfo(NQUADS, RdfFormat.NQUADS.media_type, size_nq, None)
        infos += portal_files(settings, build, [joined], stats, when)
        # The search index of the linked build, with the release's projects (kg.search_index).
        if (index_info := extend_build(base, build, browse)) is not None:
            infos.append(index_info)
        present = {info.name for info in infos}
        previous = json.loads((base / MANIFEST_FILE).read_text(encoding="utf-8"))
        names = [entry["name"] for entry in previous["files"]] + list(previous.get("pending", []))
        pending = sorted({name for name in names if name not in present and name != CHECKSUMS_FILE})
        write_manifest(build, infos, pending, triples=size, joined=[joined])
        sync_build(build, on_disk=linked)
    except OSError as exc:
        raise BuildError(f"cannot write the build in {build}: {exc.strerror or exc}") from exc


def _stats(build: Path) -> CatalogStats | None:
    """The catalog's figures of ``build`` as it kept them; None when it has none (an older kg's)."""
    try:
        return read_stats_json((build / STATS_FILE).read_text(encoding="utf-8"))
    except OSError:
        return None


def _union_size(store: KgStore, base: Path, new: list[str], taken: int) -> int:
    """The size of the union of the graphs in ``store``, which now holds the ``new`` graphs too; ``taken``:
    what those of them that replaced a graph added to the union before (``_added``).

    The last build's manifest states its size: what the new graphs add is counted on their own triples (an
    index look-up each), not on the whole union again (a COUNT DISTINCT of every triple took 3 s at 10^6
    triples and grows with the graph; issue 12), less what the replaced graphs added before. A manifest
    without the figure (an older kg's) is counted whole.
    """
    before = manifest_triples(base)
    if before is None:
        return int(store.query(_UNION_SIZE).records()[0]["n"])
    return before + _added(store, new) - taken


def _added(store: KgStore, graphs: list[str]) -> int:
    """The triples of the named ``graphs`` of ``store`` that none of its other graphs states."""
    if not graphs:
        return 0
    iris = [f"<{graph}>" for graph in graphs]
    return int(store.query(_ADDED % (" ".join(iris), ", ".join(iris))).records()[0]["n"])


__all__ = ["stage_incremental"]
