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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import BuildError
from kg.formats import JSON, RdfFormat
from kg.store import canonical_nquads, reserialize
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


def jsonld_context() -> dict[str, object]:
    """The published ``@context``: our prefixes, so compacted JSON-LD reads ``schema:name``."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def union_graph(dataset: Dataset) -> Graph:
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _sorted_lines(data: bytes) -> bytes:
    # Line-based formats are sorted, so dumps of the same graph are byte-for-byte the same.
    return b"\n".join(sorted(line for line in data.splitlines() if line.strip())) + b"\n"


def serialize(dataset: Dataset, fmt: RdfFormat, *, nquads: bytes | None = None) -> bytes:
    """One dump: dataset formats keep the named graphs, triple formats carry their union.

    rdflib writes N-Quads once (pass ``nquads`` to reuse them) and pyoxigraph writes the other syntaxes:
    rdflib's Turtle and TriG writers took minutes at a thousand projects. Only compacted JSON-LD, which
    pyoxigraph cannot write, stays with rdflib.
    """
    if fmt is RdfFormat.JSONLD:
        context = jsonld_context()["@context"]
        union = union_graph(dataset)
        return union.serialize(format="json-ld", context=context, auto_compact=True, indent=1).encode()
    data = nquads if nquads is not None else canonical_nquads(dataset.serialize(format="nquads").encode())
    out = reserialize(data, fmt, prefixes=PREFIXES)
    return _sorted_lines(out) if fmt in (RdfFormat.NQUADS, RdfFormat.NTRIPLES) else out


def _info(path: Path, media_type: str, encoding: str | None = None) -> DumpInfo:
    data = path.read_bytes()
    return DumpInfo(path.name, media_type, len(data), hashlib.sha256(data).hexdigest(), encoding)


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
        infos: list[DumpInfo] = []
        nquads = canonical_nquads(dataset.serialize(format="nquads").encode())
        for fmt in RdfFormat:
            path = staging / f"{DUMP_STEM}.{fmt.extension}"
            data = serialize(dataset, fmt, nquads=nquads)
            path.write_bytes(data)
            gz = staging / f"{path.name}.gz"
            with gz.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
                out.write(data)
            infos += [_info(path, fmt.media_type), _info(gz, fmt.media_type, "gzip")]
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
