"""Write the dumps of a build into ``dist/``: every format, gzipped too, with a SHA-256 manifest.

Each build is written whole into a folder of its own (``.dist.builds/<id>``, files readable as the umask
says), synced to disk, and only then published: ``dist`` is a symbolic link replaced in one ``rename``. So
``dist/`` is always one whole build, old or new, and the files of a build never change once it is linked
(a server serves its downloads from the build it loaded: their ETags always match their bytes). Locking,
the journal that joins ``data/`` to the same step, and the cleanup of old builds are ``kg.publication``'s.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import overload

from rdflib import Dataset, Graph
from rdflib.graph import (
    _TripleOrTriplePathType,
    _TriplePathPatternType,
    _TriplePathType,
    _TriplePatternType,
    _TripleSelectorType,
    _TripleType,
)
from rdflib.paths import Path as PropertyPath

from kg.dump_files import CONTEXT_PREFIXES as _CONTEXT_PREFIXES
from kg.dump_files import DUMP_STEM as DUMP_STEM  # the names kg.dumps gave these before
from kg.dump_files import DumpInfo as DumpInfo
from kg.dump_files import file_info as file_info
from kg.dump_files import finished as _finish
from kg.dump_files import one_digest_per_file, write_rdf_dumps
from kg.dump_lanes import write_lanes
from kg.errors import BuildError
from kg.formats import JSON, RdfFormat
from kg.fragment_files import FragmentFiles
from kg.fragments import FOLDER as FRAGMENTS
from kg.fragments import dataset_fragments, joined, write_fragments, write_index
from kg.store import canonical_dumps
from kg.vocab import PREFIXES

CONTEXT_FILE = "context.jsonld"
MANIFEST_FILE = "manifest.json"
CHECKSUMS_FILE = "SHA256SUMS"


def jsonld_context() -> dict[str, object]:
    """The published ``@context``: our prefixes, so compacted JSON-LD reads ``schema:name``."""
    return {"@context": dict(_CONTEXT_PREFIXES)}


def union_graph(dataset: Dataset) -> Graph:
    """A new graph holding the union of the named graphs (a copy: use ``union_view`` to only read it)."""
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


class _UnionView(Graph):
    """The union of a dataset's named graphs, read in place: nothing is copied, and it must not be written.

    rdflib's memory store indexes each triple once, whatever graphs hold it, and answers a pattern without a
    graph from every graph: that is the union, each triple once. Copying it into a new ``Graph`` took 5 s at
    a thousand projects, and a build made four copies.
    """

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(store=dataset.store)

    @overload
    def triples(self, triple: _TriplePatternType) -> Generator[_TripleType, None, None]: ...

    @overload
    def triples(self, triple: _TriplePathPatternType) -> Generator[_TriplePathType, None, None]: ...

    @overload
    def triples(self, triple: _TripleSelectorType) -> Generator[_TripleOrTriplePathType, None, None]: ...

    def triples(self, triple: _TripleSelectorType) -> Generator[_TripleOrTriplePathType, None, None]:
        s, p, o = triple
        if isinstance(p, PropertyPath):  # rdflib evaluates a path through triples(): on this view
            yield from super().triples(triple)
            return
        for found, _ in self.store.triples((s, p, o), context=None):
            yield found

    def __len__(self) -> int:
        return self.store.__len__(context=None)  # type: ignore[call-arg]  # rdflib's stub omits context


def union_view(dataset: Dataset) -> Graph:
    """The union of the named graphs (each triple once) as a read-only graph over the dataset's store."""
    return _UnionView(dataset)


def serialize(dataset: Dataset, fmt: RdfFormat, *, nquads: bytes | None = None) -> bytes:
    """One dump: dataset formats keep the named graphs, triple formats carry their union.

    rdflib writes N-Quads (pass ``nquads`` to reuse them); pyoxigraph canonicalises them and writes the
    syntaxes, and ``kg.jsonld`` the compacted JSON-LD (``canonical_dumps``).
    """
    if fmt is RdfFormat.NQUADS and nquads is None:  # as a build writes kg.nq: its graphs' fragments, joined
        return joined(dataset_fragments(dataset))
    data = nquads if nquads is not None else dataset.serialize(format="nquads").encode()
    return _finish(fmt, canonical_dumps(data, (fmt,), prefixes=_CONTEXT_PREFIXES)[fmt])


def serialize_all(dataset: Dataset) -> Iterator[tuple[RdfFormat, bytes]]:
    """Every dump, as ``serialize`` writes it, with the N-Quads parsed and sorted once; JSON-LD comes last."""
    nquads = dataset.serialize(format="nquads").encode()
    for fmt, out in canonical_dumps(nquads, list(RdfFormat), prefixes=_CONTEXT_PREFIXES).items():
        yield fmt, _finish(fmt, out)


def write_manifest(
    build: Path,
    infos: list[DumpInfo],
    pending: list[str] | None = None,
    *,
    triples: int | None = None,
    joined: list[DumpInfo] | None = None,
) -> None:
    """``SHA256SUMS`` and ``manifest.json``; ``pending`` names the files a later step adds (``kg.finish``);
    ``triples``, the size of the union of the graphs, lets ``kg add`` count only what a release adds;
    ``joined`` describes the pending ``kg.nq`` a server serves meanwhile as the build's fragments joined
    (its size; its SHA-256 is not known before the file is written)."""
    (build / CHECKSUMS_FILE).write_text("".join(f"{i.sha256}  {i.name}\n" for i in infos), encoding="utf-8")
    manifest: dict[str, object] = {"files": [asdict(i) for i in infos], "media_type": JSON}
    if pending:
        manifest["pending"] = pending
    if joined:
        manifest["joined"] = [asdict(i) for i in joined]
    if triples is not None:
        manifest["triples"] = triples
    (build / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def umask_mode(kind: int = 0o777) -> int:
    """The mode the umask gives a new file (``0o666``) or folder (``0o777``): ``mkdtemp``'s 0700 is not it."""
    mask = os.umask(0)
    os.umask(mask)
    return kind & ~mask


def builds_dir(dist_dir: Path) -> Path:
    """Where the builds live: ``dist`` is a symbolic link to one of them (``.dist.builds/<id>``)."""
    return dist_dir.with_name(f".{dist_dir.name}.builds")


def new_build(dist_dir: Path) -> Path:
    """A fresh, empty build folder beside ``dist_dir`` (readable as the umask says); nothing links to it yet.

    Its name starts with the time, so the builds sort oldest first.
    """
    folder = builds_dir(dist_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        build = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=folder))
        build.chmod(umask_mode())
    except OSError as exc:
        raise BuildError(f"cannot write a build next to {dist_dir}: {exc.strerror or exc}") from exc
    return build


def write_build(
    dataset: Dataset, build: Path, *, extra: Callable[[Path], list[DumpInfo]] | None = None
) -> list[DumpInfo]:
    """Write every dump, the ``extra`` files and the manifest into the empty folder ``build``, synced to disk.

    :raises BuildError: when a file cannot be written (a full disk): the caller removes ``build``.
    """
    triples = len(union_view(dataset))
    return write_fragments_build(dataset_fragments(dataset), build, extra=extra, triples=triples)


def write_fragments_build(
    fragments: Mapping[str, bytes],
    build: Path,
    *,
    extra: Callable[[Path], list[DumpInfo]] | None = None,
    beside: Callable[[Path], None] | None = None,
    triples: int | None = None,
) -> list[DumpInfo]:
    """``write_build`` from the fragments of the named graphs (``kg.fragments``), by graph IRI.

    ``beside`` writes files into ``build`` while child processes write the dumps (``kg.dump_lanes``; then
    ``extra`` lists them): every core does its share of what one did in turn. ``triples``, the size of the
    union, goes into the manifest (``write_manifest``).
    """
    try:
        with one_digest_per_file():
            infos = _write_files(fragments, build, extra=extra, beside=beside)
        write_manifest(build, infos, triples=triples)
        sync_build(build)
    except OSError as exc:
        raise BuildError(f"cannot write the build in {build}: {exc.strerror or exc}") from exc
    return infos


def _write_files(
    fragments: Mapping[str, bytes],
    build: Path,
    *,
    extra: Callable[[Path], list[DumpInfo]] | None = None,
    beside: Callable[[Path], None] | None = None,
) -> list[DumpInfo]:
    # One fragment per named graph (kg.fragments); kg.nq is their concatenation, so `kg add` can rewrite
    # one graph's fragment and link the others. Fragments in this build's files already (`kg build`) are
    # not written again; the lanes read them from their files, one at a time.
    if isinstance(fragments, FragmentFiles) and fragments.folder == build / FRAGMENTS:
        index = fragments.index
    else:
        index = write_fragments(build, fragments)
    write_index(build, index)
    if beside is None:
        infos = write_rdf_dumps(build, joined(fragments), list(RdfFormat))
    else:
        infos = write_lanes(build, FragmentFiles(build, index), beside)
    context = build / CONTEXT_FILE
    context.write_text(json.dumps(jsonld_context(), indent=2) + "\n", encoding="utf-8")
    infos.append(file_info(context, "application/ld+json"))
    if extra is not None:
        infos += extra(build)
    return infos


def write_dumps(
    dataset: Dataset | Mapping[str, bytes],
    dist_dir: Path,
    *,
    extra: Callable[[Path], list[DumpInfo]] | None = None,
    beside: Callable[[Path], None] | None = None,
    triples: int | None = None,
) -> list[DumpInfo]:
    """Write every dump to a new build folder, then point ``dist_dir`` at it in one step (``link_dist``);
    ``dataset`` is the dataset or the fragments of its named graphs (``kg.build_parts``), ``extra`` and
    ``beside`` as ``write_fragments_build`` takes them.

    The caller holds the project's lock (``kg.publication.locked``) when others may write the same ``dist/``.
    """
    with staged_build(dist_dir) as build:
        fragments: Mapping[str, bytes]
        if isinstance(dataset, Dataset):
            fragments, triples = dataset_fragments(dataset), len(union_view(dataset))
        else:
            fragments = dataset
        return write_fragments_build(fragments, build, extra=extra, beside=beside, triples=triples)


@contextmanager
def staged_build(dist_dir: Path) -> Iterator[Path]:
    """A new build folder (``new_build``) to write a build into, linked as ``dist_dir`` when the block ends
    (``link_dist``) and removed when it fails: ``kg build`` writes its fragments into it as it makes them."""
    build = new_build(dist_dir)
    try:
        yield build
        link_dist(dist_dir, build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise


def sync_build(build: Path, *, on_disk: Collection[Path] = ()) -> None:
    """Flush every file of ``build`` (and its ``graphs/``) to disk: a build is linked only once it is on
    disk, so a power cut keeps it whole.

    ``on_disk``: hard links to files of a build that was synced (a ``kg add`` links every fragment of the
    last build), so only their new names need flushing, which the folders' own flush does. Flushing each
    again cost ``kg add`` 2 s at 550 releases (issue 12: cost with the change, not with the graph).
    """
    for folder in (build / FRAGMENTS, build):
        if folder.is_dir():
            for path in folder.iterdir():
                if path not in on_disk:
                    _fsync(path)
    _fsync(build)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def linked_build(dist_dir: Path) -> Path | None:
    """The build folder ``dist_dir`` links to, or None (no ``dist``, or a plain folder of an older kg)."""
    try:
        target = os.readlink(dist_dir)
    except OSError:
        return None
    return dist_dir.parent / target


def link_dist(dist_dir: Path, build: Path) -> None:
    """Point ``dist_dir`` at ``build``: one ``rename`` of a new symbolic link over the old one, so a reader
    always finds a whole build, old or new, and each build's files never change once linked."""
    swap_link(new_link(dist_dir, build), dist_dir)


def new_link(dist_dir: Path, build: Path) -> Path:
    """A hidden symbolic link to ``build`` beside ``dist_dir``, for ``swap_link``: made first, it proves
    that the folder of ``dist`` can be written before anything is committed."""
    link = dist_dir.with_name(f".{dist_dir.name}.link-{os.getpid()}")
    try:
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(build, dist_dir.parent), link)
    except OSError as exc:
        raise BuildError(f"cannot link {dist_dir} to a new build: {exc.strerror or exc}") from exc
    return link


def swap_link(link: Path, dist_dir: Path) -> None:
    """Replace ``dist_dir`` by the symbolic ``link``: one ``rename``, the moment the new build is published.

    A plain ``dist/`` folder (written by an older kg) is moved into the builds first: the one moment without
    ``dist``, once per project; the next run links the newest build if a crash falls there.
    """
    try:
        if dist_dir.is_dir() and not dist_dir.is_symlink():
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(dist_dir.stat().st_mtime))
            os.rename(dist_dir, tempfile.mkdtemp(prefix=f"{stamp}-", dir=builds_dir(dist_dir)))
        os.replace(link, dist_dir)
        _fsync(dist_dir.parent)
    except OSError as exc:
        link.unlink(missing_ok=True)
        raise BuildError(f"cannot link {dist_dir} to the new build: {exc.strerror or exc}") from exc


def manifest_triples(build: Path) -> int | None:
    """The union's size as a build's manifest states it; None for a manifest without it (an older kg)."""
    try:
        value = json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8")).get("triples")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and value >= 0 else None


def read_manifest(dist_dir: Path) -> list[DumpInfo]:
    """The downloads of the last build, as written in its manifest: its files, and the ``kg.nq`` a server
    joins from its fragments until ``kg build --finish`` writes it (``sha256`` None)."""
    path = dist_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"no readable build manifest at {path}: run `kg build` first") from exc
    joined = [DumpInfo(**{**entry, "sha256": None}) for entry in data.get("joined", [])]
    return [DumpInfo(**entry) for entry in data["files"]] + joined
