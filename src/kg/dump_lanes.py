"""The RDF dumps of a whole build, written by three processes at once while the exports are written.

This process writes ``kg.nq`` (the fragments joined, ``kg.fragments``) and ``kg.nt`` (the union's lines,
``kg.fragments.write_union``), compresses both in threads and runs the ``beside`` step (the exports);
two spawned processes make the other syntaxes from those two files, each parsed as it is read, taking
them one at a time, the longest first (JSON-LD, compacted in Python). The children start first: their
imports overlap the writing of the two files, which they wait for.

Spawned, not forked: a forked child would keep every page of this process's heap (the union graph of the
exports, half a gigabyte at a million triples) after this process frees it.
"""

from __future__ import annotations

import gzip
import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

from kg.dump_files import DumpInfo, dump_path, file_info, write_file_dumps
from kg.errors import BuildError
from kg.formats import RdfFormat
from kg.fragments import write_union

CHILD_FORMATS = (RdfFormat.JSONLD, RdfFormat.TRIG, RdfFormat.RDFXML, RdfFormat.TURTLE)
"""The syntaxes the child processes write, the longest to write first: each child takes the next one when it
is done with its last, so they end together."""
CHILDREN = 2
_CHUNK = 1 << 20


def write_lanes(
    build: Path, fragments: Mapping[str, bytes], beside: Callable[[Path], None]
) -> list[DumpInfo]:
    """Every RDF dump of the graphs whose ``fragments`` (by graph IRI) ``build`` holds, plain and gzipped,
    while ``beside`` writes into ``build``; their infos in ``RdfFormat`` order."""
    context = multiprocessing.get_context("spawn")
    ready, tasks = context.Event(), context.Queue()
    for fmt in [*CHILD_FORMATS, *[None] * CHILDREN]:  # a None tells a child that nothing is left
        tasks.put(fmt)
    children = [context.Process(target=_write_lane, args=(build, tasks, ready)) for _ in range(CHILDREN)]
    for child in children:
        child.start()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            nquads = dump_path(build, RdfFormat.NQUADS)
            with nquads.open("wb") as out:
                for graph in sorted(fragments):
                    out.write(fragments[graph])
            compressed = [pool.submit(_compress, nquads, RdfFormat.NQUADS)]
            union = dump_path(build, RdfFormat.NTRIPLES)
            write_union(fragments, union)
            ready.set()
            compressed.append(pool.submit(_compress, union, RdfFormat.NTRIPLES))
            beside(build)
            infos = [info for future in compressed for info in future.result()]
    except BaseException:
        for child in children:
            child.terminate()
        raise
    finally:
        for child in children:
            child.join()
    if failed := [child.exitcode for child in children if child.exitcode != 0]:
        raise BuildError(f"cannot write the dumps in {build}: their process exited with {failed[0]}")
    for fmt in CHILD_FORMATS:
        path = dump_path(build, fmt)
        infos += [file_info(path, fmt.media_type), file_info(_gz(path), fmt.media_type, "gzip")]
    order = list(RdfFormat)
    return sorted(infos, key=lambda info: order.index(RdfFormat.from_path(info.name)))


def _write_lane(build: Path, tasks: Queue[RdfFormat | None], ready: Event) -> None:
    parent = os.getppid()
    while not ready.wait(1.0):  # however long kg.nq and kg.nt take, but not past the build's process
        if os.getppid() != parent:
            return  # the build died (killed): nothing is published from its folder, nothing to write
    while (fmt := tasks.get()) is not None:
        write_file_dumps(build, [fmt])


def _gz(path: Path) -> Path:
    return path.with_name(f"{path.name}.gz")


def _compress(path: Path, fmt: RdfFormat) -> list[DumpInfo]:
    """The gzipped copy of a dump written already, read a chunk at a time: the same bytes as
    ``kg.dump_files.write_dump`` writes from the whole dump (deflate does not depend on how its input
    comes)."""
    with (
        path.open("rb") as source,
        _gz(path).open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out,
    ):
        while chunk := source.read(_CHUNK):
            out.write(chunk)
    return [file_info(path, fmt.media_type), file_info(_gz(path), fmt.media_type, "gzip")]


__all__ = ["CHILD_FORMATS", "write_lanes"]
