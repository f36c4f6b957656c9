"""The small text files the commands read and write (query files, derived source texts), each error naming
the file (``SourceError``, printed on one line by the CLI)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.errors import SourceError


def read_utf8(
    path: Path,
    limit: int,
    *,
    too_large: str,
    unreadable: str = "cannot read",
    not_utf8: str = "not UTF-8 text",
) -> str:
    """A text file of at most ``limit`` bytes, never reading more than one byte past it.

    :raises SourceError: ``unreadable: <reason>``, ``too_large``, or ``not_utf8`` at its line.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"{unreadable}: {exc.strerror or exc}", path=path) from None
    if len(data) > limit:
        raise SourceError(too_large, path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(not_utf8, path=path, line=data.count(b"\n", 0, exc.start) + 1) from None


def read_query_file(path: Path) -> str:
    """A ``.rq`` file as text: UTF-8, at most the endpoint's query size (one-line errors)."""
    from kg.sparql import QueryLimits  # here: the query service's imports are not every command's

    limit = QueryLimits().max_query_bytes
    return read_utf8(path, limit, too_large=f"larger than the {limit} bytes a query may be")


def write_text_once(path: Path, text: str) -> None:
    """Write a derived text file, but never over a different file of the same name."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() != data:
        raise SourceError(
            "a different file of this name exists; not overwritten (use -o elsewhere)", path=path
        )
    path.write_bytes(data)


__all__ = ["ChainedFiles", "line_blocks", "open_chained", "read_query_file", "write_text_once"]


class ChainedFiles(io.RawIOBase):
    """Files read one after the other as one binary stream, each opened only when its turn comes: a build's
    N-Quads fragments read as the ``kg.nq`` they join into (``kg.fragments.nquads_files``), by a parser
    that takes a stream (pyoxigraph's), without writing that file."""

    def __init__(self, paths: Sequence[Path]) -> None:
        super().__init__()
        self._paths = list(paths)
        self._next = 0
        self._file: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while True:
            if self._file is None:
                if self._next == len(self._paths):
                    return 0
                self._file = self._paths[self._next].open("rb")
                self._next += 1
            count = self._file.readinto(buffer)
            if count:
                return count
            self._file.close()
            self._file = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


def open_chained(paths: Sequence[Path]) -> io.BufferedReader:
    """``ChainedFiles`` buffered: the binary file object parsers take (``IO[bytes]``)."""
    return io.BufferedReader(ChainedFiles(paths), buffer_size=1 << 20)


def line_blocks(path: Path | Sequence[Path], size: int = 1 << 24) -> Iterator[bytes]:
    """The file at ``path`` (or the files, one after the other) in blocks of whole lines (of about ``size``
    bytes; a line longer than that is a block of its own), each ending with its line feed but the last if it
    has none: the big dumps of a build (``kg.nq``, ``kg.nt``) are read without holding them whole, and a
    block splits where a line does."""
    rest = b""
    with ChainedFiles([path] if isinstance(path, Path) else path) as file:
        while chunk := file.read(size):
            text = rest + chunk
            cut = text.rfind(b"\n") + 1
            if cut:
                yield text[:cut]
            rest = text[cut:]
    if rest:
        yield rest
