"""One N-Quads fragment per named graph in every build: ``kg.nq`` is their concatenation, in graph order.

N-Quads is line based (N-Quads §2: a document is a sequence of statements), so documents concatenate into
one, provided no blank-node label appears in two of them (labels are scoped to their document). Each graph
is canonicalised on its own (RDFC-1.0, through ``kg.store.canonical_nquads``) and its ``_:c14nN`` labels get
a prefix derived from the graph's IRI; its lines are sorted. So the fragment of a graph depends on that
graph alone, and ``kg add`` of one release writes one fragment (and the reference graph's when it changes)
and hard-links the others from the build it replaces (a build's files never change once written, so
sharing them is safe): the cost of the dump grows with the change, not with the graph (issue 12.3).

A blank node shared by two graphs would become two nodes; the mapping never makes one (its blank nodes
are the ontology's own, inside its graph).

``graphs/index.json`` lists the fragments: graph IRI -> file name, SHA-256 and statement count. Its
``index_version`` is the version of the data (the key of the server's store and of its caches): it names
``kg.nq``'s bytes as well as their SHA-256 does, and is known without that file, which ``kg add`` leaves to
``kg build --finish`` (writing and hashing it was half of a ``kg add`` at 10^7 triples).
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, URIRef

from kg.store import canonical_nquads

FOLDER = "graphs"
INDEX = "index.json"
NQUADS = "kg.nq"
_CHUNK = 1 << 20
# A canonical label as subject (line start) or as object (after a subject and a predicate IRI): never
# inside a literal, which only an object can be and which starts with a quote.
_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}-[0-9a-f]{10}\.nq")  # what fragment_name writes
_SUBJECT_LABEL = re.compile(rb"^_:c14n", re.MULTILINE)
_OBJECT_LABEL = re.compile(rb"^(\S+ <[^>\s]*> )_:c14n", re.MULTILINE)


@dataclass(frozen=True)
class Fragment:
    """One graph's fragment file in a build's ``graphs/`` folder."""

    file: str
    sha256: str
    statements: int


def fragment_name(graph: str) -> str:
    """The fragment's file name: the graph IRI's last segment when it is a plain slug, and a hash besides
    (two IRIs never share a file)."""
    tail = graph.rstrip("/").rsplit("/", 1)[-1]
    slug = tail if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", tail) else "graph"
    return f"{slug}-{hashlib.sha256(graph.encode()).hexdigest()[:10]}.nq"


def graph_fragment(graph: str, ntriples: bytes) -> bytes:
    """The canonical N-Quads of one named graph, from its triples (N-Triples, any order, any labels)."""
    return _fragment(graph, canonical_nquads(ntriples))


PlainNode = str | tuple[str] | tuple[str, str | None, str | None]
"""A term as plain data: an IRI its string, a blank node ``(label,)``, a literal ``(lexical form, language,
datatype)`` (what rdflib's own pickling keeps of each)."""


def plain_fragment(graph: str, triples: Iterable[tuple[PlainNode, PlainNode, PlainNode]]) -> bytes:
    """``graph_fragment`` of triples given as plain terms (each once or more): the same bytes, from
    N-Triples written here, which rdflib's writer took four times as long to write."""
    text = "".join(f"{_term(s)} {_term(p)} {_term(o)} .\n" for s, p, o in triples)
    return _fragment(graph, canonical_nquads(text.encode()))


def _term(term: PlainNode) -> str:
    if isinstance(term, str):
        return f"<{term}>"
    if len(term) == 1:
        return f"_:{term[0]}"
    lexical, language, datatype = term
    # N-Triples §2.4: a backslash, a quote and the line ends are escaped (as rdflib's writer does).
    quoted = lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if language:
        return f'"{quoted}"@{language}'
    return f'"{quoted}"^^<{datatype}>' if datatype else f'"{quoted}"'


def _fragment(graph: str, canonical: bytes) -> bytes:
    if b"_:" in canonical:
        prefix = b"_:g" + hashlib.sha256(graph.encode()).hexdigest()[:12].encode() + b"c14n"
        canonical = _SUBJECT_LABEL.sub(prefix, canonical)
        canonical = _OBJECT_LABEL.sub(rb"\1" + prefix, canonical)
    lines = sorted({line for line in canonical.splitlines() if line.strip()})
    suffix = b" <" + graph.encode() + b"> ."
    # Each canonical line is a triple ending in " ."; the graph name goes before that dot.
    return b"".join(line[:-2].rstrip() + suffix + b"\n" for line in lines)


def dataset_fragments(dataset: Dataset) -> dict[str, bytes]:
    """The fragment of every non-empty named graph of ``dataset``, by graph IRI."""
    out: dict[str, bytes] = {}
    for graph in dataset.graphs():
        if not isinstance(graph.identifier, URIRef) or not len(graph):
            continue
        if str(graph.identifier).startswith("urn:x-rdflib:"):  # rdflib's default graph: unused by kg
            continue
        out[str(graph.identifier)] = graph_fragment(
            str(graph.identifier), graph.serialize(format="nt").encode()
        )
    return out


def write_fragments(build: Path, fragments: Mapping[str, bytes]) -> dict[str, Fragment]:
    """Write each fragment into ``build/graphs/`` (not synced: the build syncs its files before linking)."""
    folder = build / FOLDER
    folder.mkdir(exist_ok=True)
    index: dict[str, Fragment] = {}
    for graph, data in fragments.items():
        name = fragment_name(graph)
        (folder / name).write_bytes(data)
        index[graph] = Fragment(name, hashlib.sha256(data).hexdigest(), data.count(b"\n"))
    return index


def link_fragments(old: Path, new: Path, fragments: Mapping[str, Fragment]) -> set[Path]:
    """Hard-link the listed fragments of build ``old`` into build ``new`` (copy where links fail); the
    files that are links, so already on disk with ``old`` (``sync_build`` need not flush them again)."""
    folder = new / FOLDER
    folder.mkdir(exist_ok=True)
    linked = set()
    for fragment in fragments.values():
        source, target = old / FOLDER / fragment.file, folder / fragment.file
        try:
            os.link(source, target)
            linked.add(target)
        except OSError:  # another file system, or no hard links: a copy holds the same bytes
            target.write_bytes(source.read_bytes())
    return linked


def write_index(build: Path, index: Mapping[str, Fragment]) -> None:
    data = {graph: asdict(index[graph]) for graph in sorted(index)}
    (build / FOLDER / INDEX).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# The indexes read last, by path, with the identity of the file (inode, size, time of change): a `kg add`
# reads the index of two builds several times over (5,493 entries at 10^7 triples), and a written index
# never changes (a build's files are written once).
_READ: dict[Path, tuple[tuple[int, int, int], dict[str, Fragment]]] = {}


def read_index(build: Path) -> dict[str, Fragment] | None:
    """The fragments of a build, or None when it has none (a build of an older kg)."""
    path = build / FOLDER / INDEX
    try:
        stat = path.stat()
        identity = (stat.st_ino, stat.st_size, stat.st_ctime_ns)
        known = _READ.get(path)
        if known is not None and known[0] == identity:
            return dict(known[1])
        data = json.loads(path.read_text(encoding="utf-8"))
        index = {graph: Fragment(**entry) for graph, entry in data.items()}
    except (OSError, ValueError, TypeError):
        return None
    if not all(_FILE_NAME.fullmatch(fragment.file) for fragment in index.values()):
        return None  # a file name kg does not write (``../``, a path): not read, nor served joined
    if len(_READ) >= 4:
        _READ.pop(next(iter(_READ)))
    _READ[path] = (identity, index)
    return dict(index)


def index_version(index: Mapping[str, Fragment]) -> str:
    """The version of the N-Quads the fragments join into: a SHA-256 of each graph's IRI and its fragment's
    SHA-256, in ``kg.nq``'s order. Two builds have the same version exactly when their ``kg.nq`` would have
    the same bytes."""
    digest = hashlib.sha256(b"kg fragments 1\n")
    for graph in sorted(index):
        digest.update(f"{graph} {index[graph].sha256}\n".encode())
    return digest.hexdigest()


def nquads_files(build: Path) -> list[Path]:
    """The files that, read one after the other, are the build's N-Quads: its ``kg.nq``, or while ``kg build
    --finish`` has not written it, its fragments in graph order; none when the build has neither."""
    if (build / NQUADS).is_file():
        return [build / NQUADS]
    index = read_index(build)
    return [] if index is None else [build / FOLDER / index[graph].file for graph in sorted(index)]


def concatenate(build: Path, index: Mapping[str, Fragment], target: Path) -> tuple[int, str]:
    """Write ``target`` as the fragments of ``build`` one after the other, in graph IRI order; its size and
    SHA-256, hashed as it is written (not read again: half the time of this step in a `kg add`)."""
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for graph in sorted(index):
            with (build / FOLDER / index[graph].file).open("rb") as part:
                while chunk := part.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
    return size, digest.hexdigest()


def joined(fragments: Mapping[str, bytes]) -> bytes:
    """The fragments as one N-Quads document, in graph IRI order (what ``concatenate`` writes)."""
    return b"".join(fragments[graph] for graph in sorted(fragments))


def union_ntriples(fragments: Mapping[str, bytes]) -> bytes:
    """The union of the fragments' graphs as N-Triples, each triple once, its lines sorted as bytes: the
    bytes of ``kg.nt`` (``write_union`` writes them to a file)."""
    out = io.BytesIO()
    _write_union(fragments, out)
    return out.getvalue()


def write_union(fragments: Mapping[str, bytes], target: Path) -> None:
    """Write ``union_ntriples`` to ``target``, a line at a time: no copy of the union is held."""
    with target.open("wb") as out:
        _write_union(fragments, out)


def _write_union(fragments: Mapping[str, bytes], out: BinaryIO) -> None:
    # A fragment's lines are its triples' canonical lines, sorted, each with the graph's name put before
    # its final dot: without it, each fragment is a sorted run of the union's lines, which are merged.
    previous = None
    for line in heapq.merge(*(_triple_lines(graph, fragment) for graph, fragment in fragments.items())):
        if line != previous:  # a triple in two graphs comes from each, one after the other
            out.write(line)
            previous = line
    if previous is None:
        out.write(b"\n")  # an empty graph's N-Triples, as the line-sorted dumps write it


def _triple_lines(graph: str, fragment: bytes) -> Iterator[bytes]:
    """The fragment's lines, each without its graph name: `` <graph> .\\n`` ends every line (a newline
    is never inside a literal, where it is escaped)."""
    cut = len(graph.encode()) + 5
    start, end = 0, fragment.find(b"\n")
    while end != -1:
        yield fragment[start : end - cut] + b" .\n"
        start, end = end + 1, fragment.find(b"\n", end + 1)


def graph_files(build: Path, index: Mapping[str, Fragment]) -> Iterable[Path]:
    return [build / FOLDER / f.file for f in index.values()] + [build / FOLDER / INDEX]


__all__ = [
    "FOLDER",
    "Fragment",
    "PlainNode",
    "concatenate",
    "dataset_fragments",
    "fragment_name",
    "graph_files",
    "graph_fragment",
    "index_version",
    "joined",
    "link_fragments",
    "nquads_files",
    "plain_fragment",
    "read_index",
    "union_ntriples",
    "write_fragments",
    "write_index",
    "write_union",
]
