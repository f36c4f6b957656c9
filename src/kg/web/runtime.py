"""Get a dataset ready to serve: the on-disk store the query workers share, and what the pages need.

``prepare_release`` serves the last ``kg build`` (``dist/kg.nq``, or the fragments it joins, and its
manifest); ``prepare_files`` serves any RDF files, each in a named graph of its own (``{base}graph/{file
name}``). Both load into an on-disk store (``kg.sparql.prepare_store``) keyed by a SHA-256: of the build's
fragment index for a build (``kg.sparql.build_version``), of the files' contents for files (a store
already there is opened without parsing them again), so several server processes, and the next start,
share one store, each opening it read-only.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kg import __version__
from kg.dumps import MANIFEST_FILE, read_manifest
from kg.errors import BuildError
from kg.formats import RdfFormat
from kg.fragments import nquads_files
from kg.iris import slugify
from kg.publication import Pin, pin
from kg.settings import Settings
from kg.sparql import build_version, prepare_store
from kg.sparql.prepare import prepare_build_store_apart, prepared_store
from kg.store import KgStore, Store
from kg.store.remote import RemoteStore
from kg.web.config import Dataset, WebOptions

NQUADS_DUMP = "kg.nq"


@dataclass(frozen=True)
class Prepared:
    """A store ready to serve: its path (for query workers; None for a remote store), an open read-only
    handle, its description."""

    store_path: Path | None
    store: Store
    dataset: Dataset
    pin: Pin | None = None
    """Holds the build folder (``kg.publication.pin``); closing it lets ``kg build`` delete that build."""


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(int(path.stat().st_mtime), UTC)


def prepare_release(settings: Settings, options: WebOptions) -> Prepared:
    """Serve ``dist/``: the N-Quads dump becomes the store; the manifest lists the downloads.

    :raises BuildError: when ``dist/`` holds no complete build.
    """
    # dist/ links to the build folder; serving from that folder (pinned, so no `kg build` deletes it) keeps
    # each download's bytes the ones its manifest entry, and so its ETag, describes.
    folder = settings.dist_dir.resolve()
    held = pin(folder)
    try:
        dumps = read_manifest(folder)
        if not nquads_files(folder):  # kg.nq, or the fragments it joins before `kg build --finish`
            raise BuildError(f"{folder / NQUADS_DUMP}: no such file (run `kg build` first)")
        store: Store
        if options.store:  # served by a remote store that `kg build` / `kg add` loaded (KG_STORE)
            version, store_path, store = build_version(folder), None, remote_store(settings, options)
        else:
            store_path, version = prepare_build_store_apart(folder, options.store_dir)
            store = KgStore.open_served(store_path, options.memory_copy_mb)
        public = frozenset(store.graphs())
    except BaseException:
        held.close()
        raise
    dataset = Dataset(
        version=version,
        modified=_modified(folder / MANIFEST_FILE),
        dumps=tuple(dumps),
        dist_dir=folder,
        sources_dir=settings.sources_dir if settings.sources_dir.is_dir() else None,
        public_graphs=public,
    )
    return Prepared(store_path, store, dataset, held)


def remote_store(settings: Settings, options: WebOptions) -> RemoteStore:
    """The remote store of ``options.store``: page lookups wait at most 5 s, queries the query time limit."""
    return RemoteStore(
        options.store,
        graph_prefix=f"{settings.base_iri}graph/",
        timeout_s=options.timeout,
        lookup_timeout_s=min(5.0, options.timeout),
        allow_remote=bool(options.store_allow_remote),
    )


def graph_names(files: Sequence[Path], base_iri: str) -> list[str]:
    """One graph IRI per file, from its name: ``data/Grants 2024.ttl.gz`` -> ``{base}graph/grants-2024``."""
    names: list[str] = []
    for path in files:
        stem = path.name.removesuffix(".gz").rsplit(".", 1)[0]
        slug = slugify(stem) or "file"
        name, n = slug, 1
        while f"{base_iri}graph/{name}" in names:
            n += 1
            name = f"{slug}-{n}"
        names.append(f"{base_iri}graph/{name}")
    return names


def prepare_files(files: Sequence[Path], settings: Settings, options: WebOptions) -> Prepared:
    """Serve RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; ``.gz`` too).

    Triples, and the default graph of dataset files, go to the file's own named graph; named graphs of
    TriG/N-Quads files keep their names. Relative IRIs resolve against the base IRI, never ``file:``.
    """
    from kg.rdf_input import read_untrusted  # here, not at the top: only `kg serve FILE` needs it

    if options.store:
        raise BuildError("kg serve FILE... serves files from the embedded store; unset KG_STORE (--store)")

    graphs = graph_names(files, settings.base_iri)
    version = _inputs_version(files, graphs, settings.base_iri)
    if (ready := prepared_store(options.store_dir, version)) is not None:
        return _files_served(files, ready, version, options)  # the same bytes served before: nothing to parse
    memory = KgStore()
    for path, graph in zip(files, graphs, strict=True):
        # Anyone's files: checked and parsed in a child process with a deadline (kg.rdf_input).
        memory.load(read_untrusted(path, graph=graph, base_iri=settings.base_iri), RdfFormat.NQUADS)
    options.store_dir.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".inputs-", suffix=".nq", dir=options.store_dir)
    nquads = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(memory.dump(RdfFormat.NQUADS))
        store_path, version = prepare_store(nquads, options.store_dir, version=version)
    finally:
        nquads.unlink(missing_ok=True)
    return _files_served(files, store_path, version, options)


def _inputs_version(files: Sequence[Path], graphs: Sequence[str], base_iri: str) -> str:
    """The store key of RDF files: a SHA-256 of their contents (decompressed, checked and bounded by
    ``kg.rdf_input.read_checked``), graph names, the base IRI and kg's version.

    Not the hash of the N-Quads they parse to: a file with blank nodes parses to other labels each time, so
    each start (and each server process of ``kg serve --processes``) loaded a store of its own.

    :raises SourceError: a file that cannot be served (missing, too large, not UTF-8...), named.
    """
    from kg.rdf_input import read_checked

    digest = hashlib.sha256(f"kg {__version__}\n{base_iri}\n".encode())
    for path, graph in zip(files, graphs, strict=True):
        _, data = read_checked(path)
        digest.update(f"{graph}\n".encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _files_served(files: Sequence[Path], store_path: Path, version: str, options: WebOptions) -> Prepared:
    store = KgStore.open_served(store_path, options.memory_copy_mb)
    newest = max(files, key=lambda p: p.stat().st_mtime)
    dataset = Dataset(
        version=version,
        modified=_modified(newest),
        public_graphs=frozenset(store.graphs()),
        title=", ".join(p.name for p in files[:5]) + (" ..." if len(files) > 5 else ""),
    )
    return Prepared(store_path, store, dataset)
