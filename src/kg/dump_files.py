"""The RDF dump files of a build: each syntax from ``kg.nq``'s bytes (or its file), plain and gzipped.

``kg.dumps`` assembles a build from these; ``kg.dump_lanes`` writes them in child processes beside the
exports.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.formats import RdfFormat
from kg.store import fragment_dumps, write_file_dump
from kg.vocab import PREFIXES

DUMP_STEM = "kg"
_DIGESTS: dict[tuple[int, int, int, int], str] | None = None  # while one_digest_per_file
CONTEXT_PREFIXES = dict(sorted(PREFIXES.items()))
"""The prefixes of the published ``@context``, which the dumps use too."""


@dataclass(frozen=True)
class DumpInfo:
    """One file of ``dist/``: what a downloads page and a DCAT distribution say about it."""

    name: str
    media_type: str
    size: int
    sha256: str | None  # None: ``kg.nq`` not written yet, served as its fragments joined (``joined``)
    encoding: str | None = None  # "gzip" for the compressed copies


def dump_path(build: Path, fmt: RdfFormat) -> Path:
    return build / f"{DUMP_STEM}.{fmt.extension}"


def sorted_lines(data: bytes) -> bytes:
    """Line-based formats are sorted, so dumps of the same graph are byte-for-byte the same."""
    return b"\n".join(sorted(line for line in data.splitlines() if line.strip())) + b"\n"


def finished(fmt: RdfFormat, out: bytes) -> bytes:
    return sorted_lines(out) if fmt in (RdfFormat.NQUADS, RdfFormat.NTRIPLES) else out


def dumps_from_nquads(
    nquads: bytes, fmts: Iterable[RdfFormat], *, union: bytes | None = None
) -> Iterator[tuple[RdfFormat, bytes]]:
    """The other dumps of a build from its ``kg.nq`` (the joined fragments, ``kg.fragments``); ``union``:
    the union's lines when the caller has them (``kg.fragments.union_ntriples``)."""
    for fmt, out in fragment_dumps(nquads, list(fmts), prefixes=CONTEXT_PREFIXES, union=union):
        # The N-Triples are the union's lines, sorted already.
        yield fmt, out if fmt is RdfFormat.NTRIPLES else finished(fmt, out)


def file_info(path: Path, media_type: str, encoding: str | None = None) -> DumpInfo:
    """A file's manifest entry, hashed as it is read, never held whole in memory (a dump of 10^7 triples
    is over a gigabyte); inside ``one_digest_per_file``, hashed once."""
    stat = path.stat()
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    digest = _DIGESTS.get(key) if _DIGESTS is not None else None
    if digest is None:
        with path.open("rb") as data:
            digest = hashlib.file_digest(data, "sha256").hexdigest()
        if _DIGESTS is not None:
            _DIGESTS[key] = digest
    return DumpInfo(path.name, media_type, stat.st_size, digest, encoding)


@contextmanager
def one_digest_per_file() -> Iterator[None]:
    """While a build is written, each file's digest is read once (by device, inode, size and modification
    time): a build lists each dump when it is written and again in its catalog, hundreds of megabytes at
    10^6 triples. A build's files are never changed once written, which a cache that outlived it could not
    rely on."""
    global _DIGESTS
    outer, _DIGESTS = _DIGESTS, {} if _DIGESTS is None else _DIGESTS
    try:
        yield
    finally:
        _DIGESTS = outer


def write_dump(staging: Path, fmt: RdfFormat, data: bytes, *, exists: bool = False) -> list[DumpInfo]:
    """One dump and its gzipped copy (no timestamp in it, so equal dumps compress to equal bytes);
    ``exists``: the dump is already in ``staging`` (linked from another build, or written first), only its
    copy is written."""
    path = dump_path(staging, fmt)
    if not exists:
        path.write_bytes(data)
    gz = staging / f"{path.name}.gz"
    with gz.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(data)
    return [file_info(path, fmt.media_type), file_info(gz, fmt.media_type, "gzip")]


def write_rdf_dumps(build: Path, nquads: bytes, fmts: list[RdfFormat]) -> list[DumpInfo]:
    """The dumps ``fmts`` (and their gzipped copies) from ``kg.nq``'s bytes, in ``RdfFormat`` order."""
    others = [fmt for fmt in fmts if fmt is not RdfFormat.NQUADS]
    return _written(build, fmts, nquads, dumps_from_nquads(nquads, others))


def write_file_dumps(build: Path, fmts: list[RdfFormat]) -> list[DumpInfo]:
    """The dumps ``fmts`` but ``kg.nq`` and ``kg.nt`` from those two files, already in ``build``: each written
    to its file as it is made, then compressed from it (``compress``), never held whole; in ``RdfFormat``
    order."""
    nquads, ntriples = dump_path(build, RdfFormat.NQUADS), dump_path(build, RdfFormat.NTRIPLES)
    infos = []
    for fmt in [fmt for fmt in RdfFormat if fmt in fmts]:
        write_file_dump(nquads, ntriples, fmt, dump_path(build, fmt), prefixes=CONTEXT_PREFIXES)
        infos += compress(dump_path(build, fmt), fmt)
    return infos


def compress(path: Path, fmt: RdfFormat) -> list[DumpInfo]:
    """The gzipped copy of a dump written already, read a chunk at a time: the same bytes as ``write_dump``
    writes from the whole dump (deflate does not depend on how its input comes); both files' infos."""
    gz = path.with_name(f"{path.name}.gz")
    with (
        path.open("rb") as source,
        gz.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out,
    ):
        shutil.copyfileobj(source, out, 1 << 20)
    return [file_info(path, fmt.media_type), file_info(gz, fmt.media_type, "gzip")]


def _written(
    build: Path, fmts: list[RdfFormat], nquads: bytes | None, made: Iterator[tuple[RdfFormat, bytes]]
) -> list[DumpInfo]:
    # zlib and SHA-256 let go of the GIL: each dump is compressed in a thread while the next is made.
    with ThreadPoolExecutor(max_workers=2) as pool:
        written: dict[RdfFormat, Future[list[DumpInfo]]] = {}
        if RdfFormat.NQUADS in fmts and nquads is not None:
            written[RdfFormat.NQUADS] = pool.submit(write_dump, build, RdfFormat.NQUADS, nquads)
        for fmt, data in made:
            # One dump waits for its file at most: at a million triples, each is hundreds of megabytes.
            for pending in written.values():
                pending.result()
            written[fmt] = pool.submit(write_dump, build, fmt, data)
            del data
        return [info for fmt in RdfFormat if fmt in written for info in written[fmt].result()]


__all__ = [
    "CONTEXT_PREFIXES",
    "DUMP_STEM",
    "DumpInfo",
    "compress",
    "dump_path",
    "dumps_from_nquads",
    "file_info",
    "finished",
    "one_digest_per_file",
    "sorted_lines",
    "write_dump",
    "write_file_dumps",
    "write_rdf_dumps",
]
