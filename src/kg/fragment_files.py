"""A build's fragments (``kg.fragments``) as the files of its ``graphs/`` folder, written as they are made and
read back one at a time: ``kg build`` holds no fragment once it is written.

At 10^7 triples the fragments are 2.6 GB; ``kg build`` kept them all as ``bytes`` until the dumps were written
from them, beside the union graph of the exports, and ``kg build --finish`` read them all into memory too.
Here ``kg.nq`` is copied from the files and ``kg.nt`` merged from them, a line at a time.
"""

from __future__ import annotations

import hashlib
import heapq
import resource
import shutil
import tempfile
from collections.abc import Generator, Iterator, MutableMapping
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from kg.errors import BuildError
from kg.fragments import FOLDER, Fragment, fragment_name, read_index

MAX_OPEN: int | None = None
"""Fragments merged at once into ``kg.nt``, or None for half the soft limit of open files (often 1,024; 20,000
here): past it, groups are merged into runs first, one more pass over the union's lines (0.5 s of CPU at
10^6 triples in groups of 512)."""


class FragmentFiles(MutableMapping[str, bytes]):
    """The fragments in ``build/graphs/``, by graph IRI: setting one writes its file, reading one reads it.

    ``index`` is what ``graphs/index.json`` lists of them (``kg.fragments.write_index``).
    """

    def __init__(self, build: Path, index: dict[str, Fragment] | None = None) -> None:
        self.folder = build / FOLDER
        self.index: dict[str, Fragment] = {} if index is None else index

    @classmethod
    def of(cls, build: Path) -> FragmentFiles | None:
        """The fragments a build lists in its index, or None when it has none (a build of an older kg)."""
        index = read_index(build)
        return None if index is None else cls(build, index)

    def path(self, graph: str) -> Path:
        return self.folder / self.index[graph].file

    def __getitem__(self, graph: str) -> bytes:
        return self.path(graph).read_bytes()

    def __setitem__(self, graph: str, data: bytes) -> None:
        """Write and index a fragment, as ``kg.fragments.write_fragments`` does.

        :raises BuildError: when it cannot be written (a full disk): the caller removes the build.
        """
        name = fragment_name(graph)
        try:
            self.folder.mkdir(exist_ok=True)
            (self.folder / name).write_bytes(data)
        except OSError as exc:
            build, reason = self.folder.parent, exc.strerror or exc
            raise BuildError(f"cannot write the build in {build}: {reason}") from exc
        self.index[graph] = Fragment(name, hashlib.sha256(data).hexdigest(), data.count(b"\n"))

    def __delitem__(self, graph: str) -> None:
        self.path(graph).unlink()
        del self.index[graph]

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


def write_joined_files(fragments: FragmentFiles, target: Path) -> None:
    """``kg.nq`` (``kg.fragments.joined``) from the files, in graph IRI order, a block at a time."""
    with target.open("wb") as out:
        for graph in sorted(fragments):
            with fragments.path(graph).open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)


def write_union_files(fragments: FragmentFiles, target: Path) -> None:
    """``kg.nt`` (``kg.fragments.write_union``) from the files: their triples' lines merged as they are read.

    A fragment's lines, without the graph name before the final dot, are a sorted run of the union's lines
    (``kg.fragments``); past ``MAX_OPEN`` runs, they are merged in groups into temporary runs first.
    """
    runs = [_triple_lines(fragments.path(graph), graph) for graph in sorted(fragments)]
    at_once = MAX_OPEN or _open_files() // 2
    with target.open("wb") as out:
        if len(runs) <= at_once:
            written = _merge(runs, out)
        else:
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".union-") as folder:
                merged = []
                for start in range(0, len(runs), at_once):
                    merged.append(Path(folder) / f"{start}.nt")
                    with merged[-1].open("wb") as run:
                        _merge(runs[start : start + at_once], run)
                written = _merge([_lines(path) for path in merged], out)
        if not written:
            out.write(b"\n")  # an empty graph's N-Triples, as the line-sorted dumps write it


def _open_files() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 1 << 16 if soft == resource.RLIM_INFINITY else max(soft, 32)


def _triple_lines(path: Path, graph: str) -> Generator[bytes, None, None]:
    """A fragment's lines, each without its graph name: `` <graph> .\\n`` ends every line (a newline is
    never inside a literal, where it is escaped). The file is opened when the merge first reads it."""
    cut = -(len(graph.encode()) + 6)
    with path.open("rb") as file:
        for line in file:
            yield line[:cut] + b" .\n"


def _lines(path: Path) -> Generator[bytes, None, None]:
    with path.open("rb") as file:
        yield from file


def _merge(runs: list[Generator[bytes, None, None]], out: BinaryIO) -> bool:
    """Write the lines of sorted ``runs`` in order, each once (a triple in two graphs comes from each, one
    after the other); whether there was any. Every run's file is closed when it ends, however it ends."""
    with ExitStack() as stack:
        for run in runs:
            stack.callback(run.close)
        previous = None
        for line in heapq.merge(*runs):
            if line != previous:
                out.write(line)
                previous = line
    return previous is not None


__all__ = ["MAX_OPEN", "FragmentFiles", "write_joined_files", "write_union_files"]
