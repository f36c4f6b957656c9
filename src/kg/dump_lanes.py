"""The RDF dumps of a whole build, written by three processes at once while the exports are written.

This process writes ``kg.nq`` (the fragments joined, ``kg.fragments``) and ``kg.nt`` (the union's lines,
``kg.fragments.write_union``), from the fragments' files when a build has them (``kg.fragment_files``),
compresses both in threads and runs the ``beside`` step (the exports); two spawned processes make the
other syntaxes from those two files, each parsed as it is read and written as it is made, taking them one
at a time, the longest first (JSON-LD, compacted in Python). The children start first: their
imports overlap the writing of the two files, which they wait for.

Spawned, not forked: a forked child would keep every page of this process's heap (the union graph of the
exports, half a gigabyte at a million triples) after this process frees it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

from kg.dump_files import DumpInfo, compress, dump_path, file_info, write_file_dumps
from kg.errors import BuildError
from kg.formats import RdfFormat
from kg.fragment_files import FragmentFiles, write_joined_files, write_union_files
from kg.fragments import joined, write_union

CHILD_FORMATS = (RdfFormat.JSONLD, RdfFormat.TRIG, RdfFormat.RDFXML, RdfFormat.TURTLE)
"""The syntaxes the child processes write, the longest to write first: each child takes the next one when it
is done with its last, so they end together."""
CHILDREN = 2


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
            nquads, union = dump_path(build, RdfFormat.NQUADS), dump_path(build, RdfFormat.NTRIPLES)
            if isinstance(fragments, FragmentFiles):  # each fragment read from its file as it is written
                write_joined_files(fragments, nquads)
                compressed = [pool.submit(compress, nquads, RdfFormat.NQUADS)]
                write_union_files(fragments, union)
            else:
                nquads.write_bytes(joined(fragments))
                compressed = [pool.submit(compress, nquads, RdfFormat.NQUADS)]
                write_union(fragments, union)
            ready.set()
            compressed.append(pool.submit(compress, union, RdfFormat.NTRIPLES))
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
        gz = path.with_name(f"{path.name}.gz")
        infos += [file_info(path, fmt.media_type), file_info(gz, fmt.media_type, "gzip")]
    order = list(RdfFormat)
    return sorted(infos, key=lambda info: order.index(RdfFormat.from_path(info.name)))


def _write_lane(build: Path, tasks: Queue[RdfFormat | None], ready: Event) -> None:
    parent = os.getppid()
    while not ready.wait(1.0):  # however long kg.nq and kg.nt take, but not past the build's process
        if os.getppid() != parent:
            return  # the build died (killed): nothing is published from its folder, nothing to write
    while (fmt := tasks.get()) is not None:
        write_file_dumps(build, [fmt])


__all__ = ["CHILD_FORMATS", "write_lanes"]
