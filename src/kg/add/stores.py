"""The on-disk stores ``kg add`` reads and leaves: the linked build's, as ``kg serve`` prepared it, and the
next build's, made from it (issue 12.3: the cost of adding grows with the release, not the graph).

A server keeps its build's graph in an on-disk store (``kg.sparql.prepare``, under ``Settings.store_dir``).
When the linked build has one, ``kg add`` checks the release against it, opened read-only, instead of
loading ``kg.nq`` into memory (4.1 s of a 10 s ``kg add`` at 10^6 triples, and growing with the graph), and
makes the new build's store from it (a RocksDB checkpoint with the release's graph loaded:
``prepare_store``) for the catalog's figures; the server then finds its next store ready. When the linked
build has none (no server has run on it), both stay in memory, as before.
"""

from __future__ import annotations

from pathlib import Path

from kg.dumps import linked_build
from kg.errors import StoreError
from kg.settings import Settings
from kg.sparql.prepare import build_version, prepare_build_store, prepared_store
from kg.store import KgStore


def _prepared(settings: Settings, build: Path) -> Path | None:
    """The store a server prepared for ``build`` (keyed by its version), if there is one."""
    try:
        return prepared_store(settings.store_dir, build_version(build))
    except StoreError:  # an older kg's build whose kg.nq is gone: no store can be its
        return None


def linked_store(settings: Settings) -> KgStore | None:
    """The linked build's prepared store, opened read-only; None when it has none."""
    build = linked_build(settings.dist_dir)
    path = _prepared(settings, build) if build is not None else None
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


__all__ = ["linked_store", "next_store"]
