"""``kg build --finish``: write the files a ``kg add`` left pending, into a new build linked in one step.

A ``kg add`` publishes a build with its N-Quads (joined from per-graph fragments), the catalog and a
manifest whose ``pending`` list names the rest: the other syntaxes, the gzipped copies, the tables, the
IATI file (``kg.add.incremental``). This writes a whole build from it: the fragments, ``kg.nq`` and
``context.jsonld`` hard-linked, everything else written, the catalog describing every file. It works
without the project's lock (which ``kg add`` and ``kg build`` hold), pinning both builds so no ``prune``
removes them, and links the new build only if ``dist`` still links the one it started from; otherwise a
newer build has replaced it (and its own ``--finish`` follows), and this one is deleted. A crash leaves an
unlinked build, which the next command's ``recover`` removes: ``dist/`` is whole at every moment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from kg.dumps import (
    MANIFEST_FILE,
    builds_dir,
    link_dist,
    linked_build,
    manifest_triples,
    new_build,
    write_fragments_build,
)
from kg.errors import BuildError
from kg.exports.files import union_exports
from kg.fragment_files import FragmentFiles
from kg.fragment_triples import fragment_triples
from kg.fragments import FOLDER
from kg.publication import locked, pin, prune
from kg.settings import Settings
from kg.union_store import union_graph

LOG = "finish.log"


def pending(build: Path | None) -> list[str]:
    """The files the manifest of ``build`` lists as still to be written (none for a whole build)."""
    if build is None:
        return []
    try:
        manifest = json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(name) for name in manifest.get("pending", [])]


def finish(settings: Settings) -> bool:
    """Write the pending files of the linked build into a new build and link it; True if it was linked."""
    with locked(settings):
        base = linked_build(settings.dist_dir)
        if base is None or not pending(base):
            return False
        base_pin = pin(base)
        build = new_build(settings.dist_dir)
        build_pin = pin(build)
    try:
        try:
            _write(settings, base, build)
        except OSError as exc:
            raise BuildError(f"cannot write the build in {build}: {exc.strerror or exc}") from exc
        with locked(settings):
            linked = linked_build(settings.dist_dir) == base  # or a newer build replaced it meanwhile
            if linked:
                link_dist(settings.dist_dir, build)
            else:
                shutil.rmtree(build, ignore_errors=True)
            base_pin.close()
            prune(settings)
        return linked
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    finally:
        build_pin.close()
        base_pin.close()


def _write(settings: Settings, base: Path, build: Path) -> None:
    """The whole build from the fragments of ``base``, written as ``kg build`` writes one (``kg.dump_lanes``:
    the dumps in child processes while the tables are written here); it took 87 s at 10^6 triples when it
    wrote every dump in turn, in this process, and parsed the union with rdflib's N-Triples parser."""
    # The fragments are read from their files when they are used, one at a time: all of them were 2.6 GB
    # of this process at 10^7 triples, beside the union graph.
    fragments = FragmentFiles.of(base)
    if fragments is None:
        raise BuildError(f"{base}: no graphs/ index to finish the build from")
    when = datetime.now(UTC).replace(microsecond=0)
    beside, extra = union_exports([_union(fragments)], settings, when)
    write_fragments_build(fragments, build, extra=extra, beside=beside, triples=manifest_triples(base))


def _union(fragments: Mapping[str, bytes]) -> Graph:
    """The union of the graphs in the exports' lean store (``kg.union_store``), as ``kg build`` keeps it.

    Read in ``kg.nq``'s order (the first value an export takes depends on it), fragment by fragment
    (``kg.fragment_triples``), each line in the graph it names. An rdflib ``Dataset`` of the whole dump, as
    this read before, held 3.5 GB at 10^6 triples.

    Each term is held once, as in ``kg build``'s union: each fragment's terms are new objects, and the
    union kept an IRI or a literal once per fragment it is in (a third more memory at 10^6 triples).
    """
    union = union_graph()
    terms: dict[Node, Node] = {}
    term = terms.setdefault
    for graph in sorted(fragments):
        suffix = f" <{graph}> .".encode()
        fragment = fragments[graph]
        if not all(line.endswith(suffix) for line in fragment.split(b"\n") if line):
            raise BuildError(f"the fragment of <{graph}>: a line is not in that graph")
        for s, p, o in fragment_triples(fragment.decode("utf-8")):
            union.add((term(s, s), term(p, p), term(o, o)))
    return union


def finish_pending(settings: Settings) -> None:
    """The files a ``kg add`` left pending: written in the background (``KG_FINISH=background``, the
    default), before returning (``wait``), or left to a later ``kg build --finish`` (``off``)."""
    mode = os.environ.get("KG_FINISH", "background")
    if mode == "off" or not pending(linked_build(settings.dist_dir)):
        return
    if mode == "wait":
        finish(settings)
    else:
        start_finish(settings)


def start_finish(settings: Settings) -> None:
    """Run ``kg build --finish`` in a process of its own that outlives this one; its output goes to
    ``finish.log`` beside the builds."""
    log = builds_dir(settings.dist_dir) / LOG
    command = [sys.executable, "-m", "kg", "--base-iri", settings.base_iri]
    command += [
        "--data-dir",
        str(settings.data_dir),
        "--dist-dir",
        str(settings.dist_dir),
        "build",
        "--finish",
    ]
    with log.open("ab") as out:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)


__all__ = ["FOLDER", "finish", "finish_pending", "pending", "start_finish"]
