"""Write the exports and the catalog into a build: the ``extra`` step of ``kg.dumps.write_dumps``.

This is the IO edge of the exports (it writes files; the modules it calls are pure). The files land in the
same staging directory as the RDF dumps, so they are swapped into ``dist/`` together and listed in its
manifest.
The build-time catalog uses ``{base IRI}sparql`` and ``{base IRI}downloads/``; a server that knows its own
URLs calls ``kg.catalog.catalog_graph`` again with them.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rdflib import Dataset, Graph

from kg import __version__
from kg.browse.records import browse_data
from kg.catalog import catalog_graph
from kg.catalog_stats import STATS_FILE, CatalogStats, stats_json, stats_statements, store_stats
from kg.catalog_terms import OGL
from kg.dumps import DUMP_STEM, DumpInfo, file_info, serialize, union_view
from kg.exports import csvw, iati, opencanada
from kg.formats import JSON, RdfFormat
from kg.search_index import INDEX_FILE, write_index
from kg.search_index import MEDIA_TYPE as INDEX_MEDIA_TYPE
from kg.settings import Settings
from kg.store import KgStore
from kg.textfiles import line_blocks

CATALOG_STEM = "catalog"
CATALOG_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSONLD)


def _info(path: Path, media_type: str, encoding: str | None = None) -> DumpInfo:
    return file_info(path, media_type, encoding)  # a dump's is known since it was written (kg.dumps)


def _write(staging: Path, name: str, data: bytes, media_type: str) -> DumpInfo:
    path = staging / name
    path.write_bytes(data)
    return _info(path, media_type)


def _rdf_dumps(staging: Path) -> list[DumpInfo]:
    """The RDF dumps already in the staging directory (``kg.*``), plain and gzipped."""
    infos = []
    for path in sorted(staging.glob(f"{DUMP_STEM}.*")):
        fmt = RdfFormat.from_path(path.name)
        infos.append(_info(path, fmt.media_type, "gzip" if path.name.endswith(".gz") else None))
    return infos


def _store(dataset: Dataset | None, staging: Path) -> KgStore:
    """The dataset in a store, for the catalog's figures: from the N-Quads dump when it is already written,
    only the statements they are counted from (``stats_statements``)."""
    store = KgStore()
    dump = staging / f"{DUMP_STEM}.{RdfFormat.NQUADS.extension}"
    if dump.is_file() or dataset is None:  # read a block at a time: kg.nq is 2.6 GB at 10^7 triples
        store.load(stats_statements(line_blocks(dump)), RdfFormat.NQUADS)
    else:
        store.load(serialize(dataset, RdfFormat.NQUADS), RdfFormat.NQUADS)
    return store


def kg_stats(staging: Path, triples: int, *, dataset: Dataset | None = None) -> CatalogStats:
    """The catalog's figures, counted on ``kg.nq`` of ``staging`` (on ``dataset`` when there is none yet);
    ``triples``: the size of the union graph."""
    return store_stats(_store(dataset, staging), triples)


def export_files(dataset: Dataset, settings: Settings, staging: Path, *, when: datetime) -> list[DumpInfo]:
    """Write the CSVW tables, the IATI file, the open.canada.ca record and the DCAT catalog to ``staging``."""
    return export_union(union_view(dataset), settings, staging, when=when, dataset=dataset)


def export_union(
    graph: Graph, settings: Settings, staging: Path, *, when: datetime, dataset: Dataset | None = None
) -> list[DumpInfo]:
    """``export_files`` from the union of the named graphs, after the dumps: the catalog's figures are
    counted on ``kg.nq`` of ``staging`` (on ``dataset`` when there is none yet)."""
    tables = export_tables(graph, settings, staging, when=when)
    return export_portal(tables, len(graph), settings, staging, when=when, dataset=dataset)


@dataclass(frozen=True)
class Tables:
    """What ``export_tables`` wrote: the tables and the IATI file, and the search index."""

    written: list[DumpInfo]
    index: DumpInfo


def export_tables(graph: Graph, settings: Settings, staging: Path, *, when: datetime) -> Tables:
    """The files read from the union graph alone: they can be written while the dumps are (``kg.dumps``)."""
    base = settings.base_iri
    written: list[DumpInfo] = []
    tables = csvw.csvw_export(graph, base, licence=str(OGL))
    for name, text in tables.tables.items():
        written.append(_write(staging, name, text.encode("utf-8"), csvw.CSV_MEDIA_TYPE))
    metadata = tables.metadata_json().encode("utf-8")
    written.append(_write(staging, csvw.METADATA_FILE, metadata, csvw.METADATA_MEDIA_TYPE))
    query = csvw.SUBGRAPH_QUERY.encode("utf-8")
    written.append(_write(staging, csvw.QUERY_FILE, query, csvw.QUERY_MEDIA_TYPE))
    activities = iati.iati_activities(graph, base, generated=when)
    written.append(_write(staging, iati.FILE_NAME, activities, iati.MEDIA_TYPE))
    # The search index and the projects list (kg.search_index): not a distribution of the data, so the
    # catalog does not describe it; it is in the manifest, published with the dumps it indexes.
    write_index(browse_data(graph), staging / INDEX_FILE)
    return Tables(written, _info(staging / INDEX_FILE, INDEX_MEDIA_TYPE))


def export_portal(
    tables: Tables,
    triples: int,
    settings: Settings,
    staging: Path,
    *,
    when: datetime,
    dataset: Dataset | None = None,
    stats: CatalogStats | None = None,
) -> list[DumpInfo]:
    """The catalog and the portal record, once every dump is in ``staging``; with ``tables``' files, in the
    order of the manifest. ``triples``: the size of the union graph; ``stats``: its figures, when counted
    already (``kg_stats``)."""
    written = list(tables.written)
    # The catalog and the portal record describe the data files: the dumps, the tables, the IATI file.
    described = [*_rdf_dumps(staging), *[w for w in written if w.name != csvw.QUERY_FILE]]
    if stats is None:
        stats = kg_stats(staging, triples, dataset=dataset)
    written += portal_files(settings, staging, described, stats, when)
    written.append(tables.index)
    return written


def union_exports(
    union: list[Graph], settings: Settings, when: datetime
) -> tuple[Callable[[Path], None], Callable[[Path], list[DumpInfo]]]:
    """The ``beside`` and ``extra`` steps of ``kg.dumps.write_dumps`` for a build's union graph (the one
    item of ``union``, taken out of it): the tables while the dumps are written, then the graph is freed;
    the catalog, which describes both, after them. ``kg.nq`` is written before ``beside`` runs
    (``kg.dump_lanes``): the catalog's figures are counted then too, while the other dumps are written."""
    triples = len(union[0])
    tables: list[Tables] = []
    stats: list[CatalogStats] = []

    def beside(staging: Path) -> None:
        tables.append(export_tables(union.pop(), settings, staging, when=when))
        gc.collect()  # a graph and its namespace manager point to each other: free it now
        stats.append(kg_stats(staging, triples))

    def extra(staging: Path) -> list[DumpInfo]:
        return export_portal(tables[0], triples, settings, staging, when=when, stats=stats[0])

    return beside, extra


def portal_files(
    settings: Settings, staging: Path, described: list[DumpInfo], stats: CatalogStats, when: datetime
) -> list[DumpInfo]:
    """The open.canada.ca record and the DCAT catalog (Turtle, JSON-LD) describing the ``described`` files."""
    base = settings.base_iri
    written: list[DumpInfo] = []
    downloads = f"{base}downloads/"
    record = opencanada.opencanada_record(
        stats,
        described,
        endpoint_url=f"{base}sparql",
        download_base=downloads,
        published=when.date(),
        modified=when.date(),
    )
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    written.append(_write(staging, opencanada.FILE_NAME, text.encode("utf-8"), JSON))
    catalog = catalog_graph(
        settings,
        described,
        stats,
        endpoint_url=f"{base}sparql",
        landing_url=base,
        issued=when.date(),
        modified=when.date(),
        version=__version__,
        download_base=downloads,
    )
    for fmt in CATALOG_FORMATS:
        data = catalog.serialize(format=fmt.rdflib_name).encode("utf-8")
        written.append(_write(staging, f"{CATALOG_STEM}.{fmt.extension}", data, fmt.media_type))
    # The figures, for the next `kg add` to count only what it adds (kg.catalog_stats.added_stats).
    (staging / STATS_FILE).write_text(stats_json(stats), encoding="utf-8")
    return written
