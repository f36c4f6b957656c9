"""Parse RDF files that kg did not write (`kg validate FILE`, `kg query --data`, `kg serve FILE`) safely.

The one module that reads untrusted RDF files; its callers get N-Quads that kg wrote itself. It applies the
upload controls of ``shared/reference/security.md`` §0.4 to files (docs/security.md lists the attacks):

* a whitelist of formats, chosen by the file's extension (``RdfFormat.from_path``), never sniffed;
* at most ``max_bytes`` after decompression (a gzip bomb stops at the limit), strict UTF-8;
* RDF/XML: no ``<!DOCTYPE`` or ``<!ENTITY`` (an 816-byte entity bomb ran for minutes in rdflib's expat and
  grew pyoxigraph 0.5.13 to 969 MB), no XML declaration of another encoding (markup hidden from the check);
* JSON-LD: nesting at most ``max_depth`` (pyoxigraph 0.5.13 segfaults at 10,000 nested objects); no string
  ``@context`` (rdflib 7.6 fetches ``http:`` contexts and opens ``file:`` ones) and no ``@import``;
* the parse itself runs in a child process (``python -m kg.rdf_input``) with a wall-clock limit, a memory cap
  and no core file, on pyoxigraph, which loads no remote document; relative IRIs resolve against the
  project's base IRI, never ``file:``. The parent reads back canonical N-Quads.

Every refusal is a ``SourceError`` naming the file (and the line when there is one).
"""

from __future__ import annotations

import gzip
import json
import re
import resource
import signal
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import SourceError, StoreError
from kg.formats import RdfFormat

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)", re.IGNORECASE)
_SAFE_XML_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


@dataclass(frozen=True)
class InputLimits:
    """What reading one untrusted RDF file may cost.

    :param max_bytes: largest file accepted, after gunzip.
    :param max_depth: deepest JSON nesting (``{`` and ``[``) of a JSON-LD file.
    :param timeout_s: wall-clock limit of the parse (the child process is killed at it).
    :param memory_mb: address-space limit of the child process.
    """

    max_bytes: int = 256 * 1024 * 1024
    max_depth: int = 64
    timeout_s: float = 120.0
    memory_mb: int = 4096


def read_untrusted(
    path: Path, *, base_iri: str, graph: str | None = None, limits: InputLimits = InputLimits()
) -> bytes:
    """The N-Quads of an RDF file, checked and parsed in a child process; triples go to ``graph``.

    :raises SourceError: the file is missing, too large, of an unknown format, refused by a check, or its
        parse fails, crashes or runs past the time limit; the message names the file.
    """
    fmt, data = read_checked(path, limits)
    header = json.dumps(
        {"format": fmt.name, "base_iri": base_iri, "graph": graph, "memory_mb": limits.memory_mb}
    )
    try:
        done = subprocess.run(  # our own interpreter and module, no shell
            [sys.executable, "-m", "kg.rdf_input"],
            input=header.encode() + b"\n" + data,
            capture_output=True,
            timeout=limits.timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        raise SourceError(
            f"parsing took longer than {limits.timeout_s:g} s and was stopped", path=path
        ) from None
    if done.returncode == 0:
        return done.stdout
    message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if done.returncode == 2 and message:
        raise SourceError(message[-1], path=path)
    raise SourceError(f"the {fmt.label} parser failed ({_exit_detail(done.returncode)})", path=path)


def read_checked(path: Path, limits: InputLimits = InputLimits()) -> tuple[RdfFormat, bytes]:
    """The format (from the extension) and the bytes of a file that passed every check, not parsed yet.

    :raises SourceError: see :func:`read_untrusted`.
    """
    try:
        fmt = RdfFormat.from_path(path.name)
    except ValueError as exc:
        raise SourceError(
            f"{exc} (use .ttl, .nt, .nq, .trig, .jsonld or .rdf, optionally .gz)", path=path
        ) from None
    data = _read_bounded(path, limits.max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError("not UTF-8 text", path=path, line=data.count(b"\n", 0, exc.start) + 1) from None
    if fmt is RdfFormat.RDFXML:
        _check_xml(data, path)
    elif fmt is RdfFormat.JSONLD:
        _check_jsonld(text, path, limits.max_depth)
    return fmt, data


def _read_bounded(path: Path, limit: int) -> bytes:
    if not path.is_file():
        raise SourceError("no such file", path=path)
    try:
        with path.open("rb") as raw:
            if path.name.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    data = unzipped.read(limit + 1)
            else:
                data = raw.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"cannot read: {exc}", path=path) from None
    if len(data) > limit:
        raise SourceError(f"larger than the {limit // 2**20} MB an input file may be", path=path)
    return data


def _check_xml(data: bytes, path: Path) -> None:
    if found := _DOCTYPE.search(data):
        raise SourceError(
            f"RDF/XML with a document type or entity declaration ({found.group(0).decode()}) is not accepted",
            path=path,
            line=data.count(b"\n", 0, found.start()) + 1,
        )
    declared = _XML_ENCODING.match(data)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in _SAFE_XML_ENCODINGS:
        raise SourceError(
            f"RDF/XML must be UTF-8, not {declared.group(1).decode('ascii', 'replace')!r}", path=path, line=1
        )


def _json_depth(text: str, limit: int) -> int | None:
    """The line where JSON nesting first goes deeper than ``limit``, or None (one pass, strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, index) + 1
        elif char in "]}":
            depth -= 1
    return None


def _check_jsonld(text: str, path: Path, max_depth: int) -> None:
    if (line := _json_depth(text, max_depth)) is not None:
        raise SourceError(f"JSON nested deeper than {max_depth} levels", path=path, line=line)
    try:
        document = json.loads(text)
    except ValueError as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise SourceError(f"not JSON: {exc}", path=path, line=line) from None
    if (refused := _remote_context(document)) is not None:
        key, value = refused
        shown = value if len(value) <= 80 else value[:79] + "…"
        needle = json.dumps(value)
        at = text.find(needle)
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        raise SourceError(
            f'JSON-LD "{key}": {shown!r} is not loaded: remote and file contexts are refused; '
            "put the context in the document",
            path=path,
            line=line,
        )


def _remote_context(document: Any) -> tuple[str, str] | None:
    """The first ``@context`` that names a document (a string, alone or in a list), or any ``@import``."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack += value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "@import":
                    return key, str(item)
                if key == "@context":
                    for context in item if isinstance(item, list) else [item]:
                        if isinstance(context, str):
                            return key, context
                stack.append(item)
    return None


def _exit_detail(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _child() -> None:
    """``python -m kg.rdf_input``: a JSON header line, then the checked bytes on stdin; N-Quads on stdout."""
    from kg.store import parse_to_nquads  # only here: the parent never parses untrusted RDF itself

    header = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = int(header["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        fmt = RdfFormat[header["format"]]
        out = parse_to_nquads(data, fmt, graph=header["graph"], base_iri=header["base_iri"])
    except StoreError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        sys.exit(2)
    except MemoryError:
        print(f"parsing needed more than {header['memory_mb']} MB", file=sys.stderr)
        sys.exit(2)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    _child()
