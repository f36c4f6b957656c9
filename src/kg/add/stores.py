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

from kg.dumps import DUMP_STEM, linked_build, read_manifest
from kg.errors import BuildError, StoreError
from kg.formats import RdfFormat
from kg.settings import Settings
from kg.sparql.prepare import build_parts, prepare_store, prepared_store
from kg.store import KgStore

NQUADS = f"{DUMP_STEM}.{RdfFormat.NQUADS.extension}"


def dump_version(build: Path) -> str | None:
    """The SHA-256 of a build's ``kg.nq`` as its manifest states it (the store's key), without hashing it."""
    try:
        files = read_manifest(build)
    except BuildError:
        return None
    return next((info.sha256 for info in files if info.name == NQUADS), None)


def linked_store(settings: Settings) -> KgStore | None:
    """The linked build's prepared store, opened read-only; None when it has none."""
    build = linked_build(settings.dist_dir)
    version = dump_version(build) if build is not None else None
    path = prepared_store(settings.store_dir, version) if version else None
    if path is None:
        return None
    try:
        return KgStore.open(path, read_only=True)
    except StoreError:  # removed meanwhile (a server retires old stores), or not a store: load kg.nq
        return None


def next_store(settings: Settings, base: Path, build: Path, version: str) -> KgStore | None:
    """The store of ``build`` (its ``kg.nq`` hashes to ``version``), made from the prepared store of the
    build ``base`` it replaces and opened read-only; None when ``base`` has none or it cannot be made."""
    old = dump_version(base)
    if old is None or prepared_store(settings.store_dir, old) is None:
        return None
    try:
        path, _ = prepare_store(build / NQUADS, settings.store_dir, build_parts(build), version=version)
        return KgStore.open(path, read_only=True)
    except StoreError:
        return None


__all__ = ["dump_version", "linked_store", "next_store"]
