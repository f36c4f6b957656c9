"""Turn the build's N-Quads dump into an on-disk store that query workers open read-only.

One directory per dataset version (``build_version``: of a build, its fragment index's version; of a file,
its SHA-256), written under a temporary name and renamed into
place, so a reader never sees a half-loaded store and several server processes can share one. A store that
already exists for the version is reused as it is. Loading holds an advisory lock on ``store_root``: the
gunicorn recipe's workers start together, and without it each bulk-loaded its own copy of the store and
three of four threw theirs away (20.8 s and 2.6 GB at 10^6 triples, issue 12); now one loads, the others
wait and open its store.

A build's graphs come with their fragments (``kg.fragments``: one N-Quads file and its SHA-256 per named
graph). Given them, a new store is made from the last one when little changed, as after a ``kg add``: a
RocksDB checkpoint of the old store (hard links, milliseconds), the graphs that changed or went removed,
the changed graphs' fragments loaded (issue 12.3: the cost grows with the change, not the graph). Each
store records its graphs' fragment hashes (``kg-graphs.json`` inside it) for the next one to compare with,
and the builds folder it was made for (``kg-builds``): ``retire_stores`` deletes a project's stores that no
build of it has any longer, and no other project's.
"""

from __future__ import annotations

import concurrent.futures
import fcntl
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError
from kg.fragments import FOLDER, NQUADS, index_version, nquads_files, read_index
from kg.store import KgStore

_CHUNK = 1 << 20
GRAPHS_FILE = "kg-graphs.json"
OWNER_FILE = "kg-builds"
"""Inside a store prepared for a build: the builds folder (``.dist.builds``) of that build's project."""
APART_FROM_BYTES = 16 << 20
"""The N-Quads size from which a server loads its store in a child process (``prepare_build_store_apart``)."""
MAX_CHANGED_SHARE = 0.2
"""Above this share of the dump's bytes changed, a fresh bulk load (compacted) is worth its time."""


@dataclass(frozen=True)
class GraphPart:
    """One named graph of a build: its N-Quads fragment file, the file's SHA-256 and size in bytes."""

    file: Path
    sha256: str
    size: int


def dataset_version(nquads: Path) -> str:
    """The sha256 (hex) of a dump file: the version of the data it holds."""
    digest = hashlib.sha256()
    with nquads.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def build_parts(build: Path) -> dict[str, GraphPart] | None:
    """A build's named graphs as its fragments (``kg.fragments``); None for a build without them."""
    index = read_index(build)
    if index is None:
        return None
    return {
        graph: GraphPart(path, fragment.sha256, _size(path))
        for graph, fragment in index.items()
        for path in (build / FOLDER / fragment.file,)
    }


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def prepared_store(store_root: Path, version: str) -> Path | None:
    """The store already prepared (complete) for the dump whose SHA-256 is ``version``, if there is one."""
    final = store_root / f"kg-{version}"
    return final if final.is_dir() else None


def prepare_store(
    nquads: Path,
    store_root: Path,
    parts: Mapping[str, GraphPart] | None = None,
    *,
    version: str | None = None,
) -> tuple[Path, str]:
    """Load ``nquads`` into ``store_root/kg-<sha256>`` unless it is there already.

    ``parts``: the named graphs ``nquads`` is the concatenation of (a build's fragments), if known; then a
    store of an earlier build that differs in few graphs is updated rather than ``nquads`` loaded whole.
    ``version``: the SHA-256 of ``nquads`` when the caller has it (a build's manifest), not computed again.

    :returns: the store directory and the dataset version (the sha256 of ``nquads``).
    :raises StoreError: the file cannot be read or parsed, or the store cannot be written.
    """
    if version is None:
        try:
            version = dataset_version(nquads)
        except OSError as exc:
            raise StoreError(f"cannot read {nquads}: {exc.strerror or exc}") from exc
    return _prepared([nquads], store_root, parts, version)


def build_version(build: Path) -> str:
    """The version of a build's data: its fragment index's (``kg.fragments.index_version``: known without
    ``kg.nq``, which a ``kg add`` leaves to ``kg build --finish``), or for a build without fragments (an
    older kg's), its ``kg.nq``'s SHA-256.

    :raises StoreError: a build without fragments whose ``kg.nq`` cannot be read.
    """
    index = read_index(build)
    if index is not None:
        return index_version(index)
    try:
        return dataset_version(build / NQUADS)
    except OSError as exc:
        raise StoreError(f"cannot read {build / NQUADS}: {exc.strerror or exc}") from exc


def prepare_build_store(build: Path, store_root: Path) -> tuple[Path, str]:
    """``prepare_store`` for the build in folder ``build``, keyed by ``build_version``: loaded from its
    ``kg.nq``, or from its fragments while ``kg build --finish`` has not written that file (or made from
    the prepared store of a build that differs in few graphs).

    :raises StoreError: the build has no N-Quads, or they cannot be read or parsed, or the store written.
    """
    files = nquads_files(build)
    if not files:
        raise StoreError(f"{build / NQUADS}: no such file (run `kg build` first)")
    return _prepared(files, store_root, build_parts(build), build_version(build), _owner(build))


def prepare_build_store_apart(build: Path, store_root: Path) -> tuple[Path, str]:
    """``prepare_build_store`` for a process that lives on (a server): a store that must be loaded is loaded
    in a child process.

    A bulk load leaves the heap of the process that ran it larger, and a server would hold that for its
    life: a Python process held 351 MB after loading 10^6 triples against 41 MB before, and ``kg serve
    --processes 2`` idled at 602 MB after preparing its own store against 302 MB on a prepared one.

    A graph under ``APART_FROM_BYTES`` of N-Quads is loaded here: what it leaves is small, and starting a
    child process costs about half a second.

    :raises StoreError: as ``prepare_build_store``, or when the child process dies.
    """
    small = sum(_size(path) for path in nquads_files(build)) < APART_FROM_BYTES
    if small or prepared_store(store_root, build_version(build)) is not None:
        return prepare_build_store(build, store_root)  # a store there already: at most its owner recorded
    context = multiprocessing.get_context("spawn")  # a server has threads: no fork
    try:
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as child:
            return child.submit(prepare_build_store, build, store_root).result()
    except concurrent.futures.process.BrokenProcessPool as exc:  # killed: out of memory, a signal
        raise StoreError(f"the process loading the store under {store_root} died: {exc}") from exc


def prepare_published(dist_dir: Path, store_root: Path) -> Path:
    """``kg build --store``: ``prepare_build_store`` for the build ``dist_dir`` links to, then
    ``retire_stores`` for the builds of its project that are gone.

    :raises StoreError: as ``prepare_build_store``.
    """
    build = dist_dir.resolve()
    path, _ = prepare_build_store(build, store_root)
    if (builds := _owner(build)) is not None:
        retire_stores(store_root, builds)
    return path


def _owner(build: Path) -> Path | None:
    """The builds folder of ``build`` (``dist`` links to ``.dist.builds/<id>``: ``kg.dumps.builds_dir``);
    None for an older kg's ``dist/`` folder, not in one."""
    folder = build.resolve().parent
    return folder if folder.name.endswith(".builds") else None


def _prepared(
    files: Sequence[Path],
    store_root: Path,
    parts: Mapping[str, GraphPart] | None,
    version: str,
    owner: Path | None = None,
) -> tuple[Path, str]:
    final = store_root / f"kg-{version}"
    if final.is_dir() and (owner is None or str(owner) in _owners(final)):
        return final, version
    try:
        store_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot write the store under {store_root}: {exc.strerror or exc}") from exc
    with _locked(store_root):
        if final.is_dir():  # loaded by another process (for another project with the same data, maybe)
            if owner is not None and str(owner) not in (owners := _owners(final)):
                # A store folder one may read and not write: the store is served all the same.
                with suppress(StoreError):
                    _write_owners(final, [*owners, str(owner)])
            return final, version
        return _load_new(files, store_root, final, version, parts, owner)


def _owners(store: Path) -> list[str]:
    """The builds folders a store was prepared for (``OWNER_FILE``, a path a line): more than one when
    copies of a project share a store folder; none for a store of a file, or of an older kg."""
    try:
        return (store / OWNER_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _write_owners(store: Path, owners: Sequence[str]) -> None:
    text = "".join(f"{owner}\n" for owner in owners)
    try:
        temporary = store / f".{OWNER_FILE}.new"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, store / OWNER_FILE)
    except OSError as exc:
        raise StoreError(f"cannot write {store / OWNER_FILE}: {exc.strerror or exc}") from exc


@contextmanager
def _locked(folder: Path, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive advisory lock on ``folder`` itself (no lock file to leave behind); released on close,
    so a process that dies while loading frees it. ``wait=False``: yields False at once when another
    process holds it."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(handle)


def _load_new(
    files: Sequence[Path],
    store_root: Path,
    final: Path,
    version: str,
    parts: Mapping[str, GraphPart] | None,
    owner: Path | None,
) -> tuple[Path, str]:
    loading = Path(tempfile.mkdtemp(prefix=f".loading-{version[:12]}-", dir=store_root))
    try:
        base = _nearest(store_root, parts, sum(_size(path) for path in files)) if parts else None
        if base is None or not _updated(base, loading, parts or {}):
            _load(loading, files)
        if parts:
            hashes = {graph: part.sha256 for graph, part in sorted(parts.items())}
            (loading / GRAPHS_FILE).write_text(json.dumps(hashes, indent=0), encoding="utf-8")
        if owner is not None:
            _write_owners(loading, [str(owner)])
        os.rename(loading, final)
    except OSError as exc:
        shutil.rmtree(loading, ignore_errors=True)
        if final.is_dir():  # another process won the race: its store is as good as ours
            return final, version
        raise StoreError(f"cannot write the store under {store_root}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(loading, ignore_errors=True)
        raise
    return final, version


def _load(directory: Path, files: Sequence[Path]) -> None:
    # The store is closed when this function returns (its only reference goes), before the rename.
    # Both bulk loads compact the store (read-only from now on), as `oxigraph optimize` does before
    # `serve-read-only`.
    store = KgStore.open(directory)
    if len(files) == 1:
        store.bulk_load_file(files[0])
    else:  # a build's fragments, read as the kg.nq they join into
        store.load_nquads(files, bulk=True)


def store_graphs(store: Path) -> dict[str, str] | None:
    """The fragment hash of each named graph of a prepared store, or None when it did not record them."""
    try:
        data = json.loads((store / GRAPHS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def _changes(old: Mapping[str, str], parts: Mapping[str, GraphPart]) -> tuple[list[str], list[str]]:
    """The graphs to load (new or with another fragment) and those to remove (gone), from ``old``."""
    changed = sorted(g for g, part in parts.items() if old.get(g) != part.sha256)
    return changed, sorted(set(old) - set(parts))


def _nearest(
    store_root: Path, parts: Mapping[str, GraphPart], total: int
) -> tuple[Path, dict[str, str]] | None:
    """The prepared store needing the fewest bytes loaded to become this build's, if few enough."""
    best: tuple[int, Path, dict[str, str]] | None = None
    for store in store_root.glob("kg-*"):
        old = store_graphs(store) if store.is_dir() else None
        if old is None:
            continue
        changed, _ = _changes(old, parts)
        cost = sum(parts[g].size for g in changed)
        if cost <= total * MAX_CHANGED_SHARE and (best is None or cost < best[0]):
            best = (cost, store, old)
    return None if best is None else (best[1], best[2])


def _updated(base: tuple[Path, dict[str, str]], directory: Path, parts: Mapping[str, GraphPart]) -> bool:
    """Make the empty ``directory`` a checkpoint of the store ``base`` with the graphs that differ replaced;
    False (``directory`` empty again) when that fails, e.g. a server retired ``base`` meanwhile."""
    store_path, old = base
    changed, removed = _changes(old, parts)
    try:
        directory.rmdir()  # the checkpoint makes the folder
        KgStore.open(store_path, read_only=True).backup(directory)
        store = KgStore.open(directory)
        for graph in [*removed, *changed]:
            store.delete_graph(graph)
        for graph in changed:
            store.load_file(parts[graph].file)  # N-Quads: its statements name their graph
        store.flush()
    except (StoreError, OSError):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir()
        return False
    return True


def retire_stores(store_root: Path, builds: Path) -> list[Path]:
    """Delete the stores prepared for the builds of the folder ``builds`` (a project's ``.dist.builds``)
    whose version no build there has any longer; returns them.

    A build a server holds is still there (``kg.publication.prune`` keeps it), so its store stays. The
    stores of other projects, of files (``kg serve FILE``) and of an older kg (no ``kg-builds`` inside) are
    not this project's to delete; a store another project was prepared for too only loses this owner.
    Nothing is deleted while a build there has no fragment index (an older kg's: its version would cost a
    hash of its ``kg.nq``). Runs under the lock loading takes, so no store goes while another is made from
    it, and not at all while another process holds that lock.
    """
    try:
        folders = [path for path in builds.iterdir() if path.is_dir()]
        owner = str(builds.resolve())
    except OSError:
        return []
    versions: set[str] = set()
    for build in folders:
        index = read_index(build)
        if index is None:
            return []
        versions.add(index_version(index))
    if not store_root.is_dir():
        return []
    # A server may be loading a store for minutes: then nothing is retired now (the next time will).
    with _locked(store_root, wait=False) as locked:
        if not locked:
            return []
        gone = [s for s in sorted(store_root.glob("kg-*")) if s.name.removeprefix("kg-") not in versions]
        return [store for store in gone if owner in _owners(store) and _release(store, owner)]


def release_store(store: Path, builds: Path) -> bool:
    """A server is done with ``store``, prepared for a build of the folder ``builds``: delete it unless it
    was prepared for another project's build too (then only drop this owner). True when deleted."""
    with _locked(store.parent):
        return _release(store, str(builds.resolve()))


def _release(store: Path, owner: str) -> bool:
    if others := [other for other in _owners(store) if other != owner]:
        _write_owners(store, others)  # still another project's (a copy with the same data)
        return False
    shutil.rmtree(store, ignore_errors=True)
    return True
