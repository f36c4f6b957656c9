"""The on-disk stores ``kg add`` reads and leaves: the linked build's, as ``kg serve`` prepares it, and the
next build's, made from it (issue 12.3: the cost of adding grows with the release, not the graph).

A server keeps its build's graph in an on-disk store (``kg.sparql.prepare``, under ``Settings.store_dir``).
``kg add`` checks the release against the linked build's store, opened read-only, instead of loading
``kg.nq`` into memory (4.1 s of a 10 s ``kg add`` at 10^6 triples; 141 s at 10,001 releases), and makes the
new build's store from it (a RocksDB checkpoint with the release's graph loaded: ``prepare_store``) for the
catalog's figures; the server, and the next ``kg add``, then find it ready.

When no server has prepared that store, the first ``kg add`` prepares it, as ``kg serve`` would, for a graph
of ``PREPARE_FROM_BYTES`` of N-Quads or more: that add takes the time of a server's cold start once (about
3 minutes at 17 million triples), every later one seconds. A smaller graph is loaded into memory (about a
second) and leaves no store behind. Once the new build is published, ``retire_stores`` deletes the stores of
this project's builds that are gone, so adds without a server do not pile up stores (a server keeps its
build, and so its store, until it lets go).
"""

from __future__ import annotations

from pathlib import Path

from kg.dumps import builds_dir, linked_build
from kg.errors import StoreError
from kg.fragments import nquads_files
from kg.settings import Settings
from kg.sparql.prepare import build_version, prepare_build_store, prepared_store, retire_stores
from kg.store import KgStore

PREPARE_FROM_BYTES = 64 << 20
"""The N-Quads size (bytes; about 250,000 triples) from which ``kg add`` prepares the linked build's
on-disk store when none is there; below it, loading the graph into memory takes about a second."""


def _prepared(settings: Settings, build: Path) -> Path | None:
    """The store a server prepared for ``build`` (keyed by its version), if there is one."""
    try:
        return prepared_store(settings.store_dir, build_version(build))
    except StoreError:  # an older kg's build whose kg.nq is gone: no store can be its
        return None


def _prepare(settings: Settings, build: Path) -> Path | None:
    """The store ``kg serve`` would prepare for ``build``, made now when its graph is large enough to be
    worth it; None otherwise, or when it cannot be made (the graph is then loaded into memory)."""
    files = nquads_files(build)
    try:
        if sum(path.stat().st_size for path in files) < PREPARE_FROM_BYTES:
            return None
        return prepare_build_store(build, settings.store_dir)[0]
    except (OSError, StoreError):  # e.g. no room or no right under store_dir: kg add works without it
        return None


def linked_store(settings: Settings) -> KgStore | None:
    """The linked build's on-disk store, prepared if needed (see above) and opened read-only; None when it
    has none."""
    build = linked_build(settings.dist_dir)
    if build is None:
        return None
    path = _prepared(settings, build) or _prepare(settings, build)
    if path is None:
        return None
    try:
        return KgStore.open(path, read_only=True)
    except StoreError:  # removed meanwhile (a server retires old stores), or not a store: load kg.nq
        return None


def next_store(settings: Settings, base: Path, build: Path) -> KgStore | None:
    """The store of ``build``, made from the prepared store of the build ``base`` it replaces and opened
    read-only; None when ``base`` has none or it cannot be made."""
    if _prepared(settings, base) is None:
        return None
    try:
        path, _ = prepare_build_store(build, settings.store_dir)
        return KgStore.open(path, read_only=True)
    except StoreError:
        return None


def retire_old_stores(settings: Settings) -> list[Path]:
    """After a publication: delete the stores of this project's builds that are gone (``retire_stores``).
    A failure is not the add's: it is published, and what is left is deleted next time."""
    try:
        return retire_stores(settings.store_dir, builds_dir(settings.dist_dir))
    except OSError:
        return []


__all__ = ["PREPARE_FROM_BYTES", "linked_store", "next_store", "retire_old_stores"]
