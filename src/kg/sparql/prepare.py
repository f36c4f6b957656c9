"""Turn the build's N-Quads dump into an on-disk store that query workers open read-only.

One directory per dataset version (the sha256 of the dump), written under a temporary name and renamed into
place, so a reader never sees a half-loaded store and several server processes can share one. A store that
already exists for the version is reused as it is. Loading holds an advisory lock on ``store_root``: the
gunicorn recipe's workers start together, and without it each bulk-loaded its own copy of the store and
three of four threw theirs away (20.8 s and 2.6 GB at 10^6 triples, issue 12); now one loads, the others
wait and open its store.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreError
from kg.store import KgStore

_CHUNK = 1 << 20


def dataset_version(nquads: Path) -> str:
    """The sha256 (hex) of a dump file: the version of the data it holds."""
    digest = hashlib.sha256()
    with nquads.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_store(nquads: Path, store_root: Path) -> tuple[Path, str]:
    """Load ``nquads`` into ``store_root/kg-<sha256>`` unless it is there already.

    :returns: the store directory and the dataset version (the sha256 of ``nquads``).
    :raises StoreError: the file cannot be read or parsed, or the store cannot be written.
    """
    try:
        version = dataset_version(nquads)
    except OSError as exc:
        raise StoreError(f"cannot read {nquads}: {exc.strerror or exc}") from exc
    final = store_root / f"kg-{version}"
    if final.is_dir():
        return final, version
    try:
        store_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot write the store under {store_root}: {exc.strerror or exc}") from exc
    with _locked(store_root):
        if final.is_dir():  # another process loaded it while this one waited
            return final, version
        return _load_new(nquads, store_root, final, version)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``folder`` itself (no lock file to leave behind); released on close,
    so a process that dies while loading frees it."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _load_new(nquads: Path, store_root: Path, final: Path, version: str) -> tuple[Path, str]:
    loading = Path(tempfile.mkdtemp(prefix=f".loading-{version[:12]}-", dir=store_root))
    try:
        _load(loading, nquads)
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


def _load(directory: Path, nquads: Path) -> None:
    # The store is closed when this function returns (its only reference goes), before the rename.
    store = KgStore.open(directory)
    store.bulk_load_file(nquads)
    # Read-only from now on: compact it once, as `oxigraph optimize` does before `serve-read-only`.
    store.optimize()
