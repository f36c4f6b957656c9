"""Write the dumps of a build into ``dist/``: every format, gzipped too, with a SHA-256 manifest.

The new dumps are written to a temporary sibling directory and swapped in only when all of them are
complete, so a failed build never leaves ``dist/`` half-written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
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

from kg.errors import BuildError
from kg.formats import JSON, RdfFormat
from kg.store import canonical_dumps
from kg.vocab import PREFIXES

DUMP_STEM = "kg"
CONTEXT_FILE = "context.jsonld"
MANIFEST_FILE = "manifest.json"
CHECKSUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class DumpInfo:
    """One file of ``dist/``: what a downloads page and a DCAT distribution say about it."""

    name: str
    media_type: str
    size: int
    sha256: str
    encoding: str | None = None  # "gzip" for the compressed copies


_CONTEXT_PREFIXES = dict(sorted(PREFIXES.items()))


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


def _sorted_lines(data: bytes) -> bytes:
    # Line-based formats are sorted, so dumps of the same graph are byte-for-byte the same.
    return b"\n".join(sorted(line for line in data.splitlines() if line.strip())) + b"\n"


def serialize(dataset: Dataset, fmt: RdfFormat, *, nquads: bytes | None = None) -> bytes:
    """One dump: dataset formats keep the named graphs, triple formats carry their union.

    rdflib writes N-Quads (pass ``nquads`` to reuse them); pyoxigraph canonicalises them and writes the
    syntaxes, and ``kg.jsonld`` the compacted JSON-LD (``canonical_dumps``).
    """
    data = nquads if nquads is not None else dataset.serialize(format="nquads").encode()
    return _finish(fmt, canonical_dumps(data, (fmt,), prefixes=_CONTEXT_PREFIXES)[fmt])


def _finish(fmt: RdfFormat, out: bytes) -> bytes:
    return _sorted_lines(out) if fmt in (RdfFormat.NQUADS, RdfFormat.NTRIPLES) else out


def serialize_all(dataset: Dataset) -> Iterator[tuple[RdfFormat, bytes]]:
    """Every dump, as ``serialize`` writes it, with the N-Quads parsed and sorted once; JSON-LD comes last."""
    nquads = dataset.serialize(format="nquads").encode()
    for fmt, out in canonical_dumps(nquads, list(RdfFormat), prefixes=_CONTEXT_PREFIXES).items():
        yield fmt, _finish(fmt, out)


def _info(path: Path, media_type: str, encoding: str | None = None) -> DumpInfo:
    data = path.read_bytes()
    return DumpInfo(path.name, media_type, len(data), hashlib.sha256(data).hexdigest(), encoding)


def _write_dump(staging: Path, fmt: RdfFormat, data: bytes) -> list[DumpInfo]:
    """One dump and its gzipped copy (no timestamp in it, so equal dumps compress to equal bytes)."""
    path = staging / f"{DUMP_STEM}.{fmt.extension}"
    path.write_bytes(data)
    gz = staging / f"{path.name}.gz"
    with gz.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(data)
    return [_info(path, fmt.media_type), _info(gz, fmt.media_type, "gzip")]


def write_dumps(
    dataset: Dataset,
    dist_dir: Path,
    *,
    extra: Callable[[Path], list[DumpInfo]] | None = None,
) -> list[DumpInfo]:
    """Write every dump to a fresh directory, then replace ``dist_dir`` with it in one step."""
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dist_dir.name}-", dir=dist_dir.parent))
    try:
        # zlib and SHA-256 let go of the GIL: each dump is compressed in a thread while the next is written.
        with ThreadPoolExecutor(max_workers=2) as pool:
            written = {
                fmt: pool.submit(_write_dump, staging, fmt, data) for fmt, data in serialize_all(dataset)
            }
            infos = [info for fmt in RdfFormat for info in written[fmt].result()]
        context = staging / CONTEXT_FILE
        context.write_text(json.dumps(jsonld_context(), indent=2) + "\n", encoding="utf-8")
        infos.append(_info(context, "application/ld+json"))
        if extra is not None:
            infos += extra(staging)
        (staging / CHECKSUMS_FILE).write_text(
            "".join(f"{i.sha256}  {i.name}\n" for i in infos), encoding="utf-8"
        )
        manifest = {"files": [asdict(i) for i in infos], "media_type": JSON}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap(staging, dist_dir)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BuildError(f"cannot write dumps to {dist_dir}: {exc}") from exc
        raise
    return infos


def _swap(staging: Path, dist_dir: Path) -> None:
    """Replace ``dist_dir`` by ``staging``: two renames, so readers see the old or the new dumps, whole."""
    old = None
    if dist_dir.exists():
        old = dist_dir.with_name(f".{dist_dir.name}-old-{os.getpid()}")
        dist_dir.rename(old)
    staging.rename(dist_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(dist_dir: Path) -> list[DumpInfo]:
    """The files of the last build, as written in its manifest."""
    path = dist_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"no readable build manifest at {path}: run `kg build` first") from exc
    return [DumpInfo(**entry) for entry in data["files"]]
