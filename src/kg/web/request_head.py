"""The header section of an HTTP/1.1 request (RFC 9112 §5), read without the ``email`` package.

``http.server`` reads the header lines itself, then hands them to ``email.parser`` (policy ``compat32``) to
build a ``Message``: about a tenth of a point lookup's CPU in ``kg serve`` (issue 12), for what is here a
regular expression per line and a list. The fields keep their order and repetitions; names compare without
case (RFC 9110 §5.1). Stricter than ``email`` where RFC 9112 asks a server to be: a line that is not
``field-name ":" OWS field-value OWS`` is a 400, where ``email`` took it, and every line after it, for the
start of a body and dropped them silently. That covers whitespace between the name and the colon (§5.1,
"MUST reject"), an obs-fold continuation line (§5.2, reject or replace: rejected) and a CR or NUL in a value
(RFC 9110 §5.5). Two ``Content-Length`` fields that differ are a 400 too (RFC 9112 §6.3 item 5); the same
value repeated is one length.

The limits are gunicorn's (``kg.web.serve``): a field line over ``max_line`` bytes with its CRLF, or more
than ``max_fields`` fields, is a 431.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol, overload

# RFC 9110 §5.6.2 token; the value is any VCHAR, obs-text, SP or HTAB (§5.5), without its surrounding OWS.
_FIELD = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\r\n\x00]*?)[ \t]*\r?\n")
_END = (b"\r\n", b"\n", b"")


class _Lines(Protocol):
    def readline(self, size: int = ..., /) -> bytes: ...


class HeadError(Exception):
    """A request head refused: the status to answer and why, for the error page."""

    def __init__(self, status: int, message: str, explain: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message  # the status line's reason: never the client's bytes
        self.explain = explain


class Fields:
    """A request's header fields in the order received; lookups ignore case. It answers what
    ``http.server``, Werkzeug and this package ask of ``email.message.Message``: ``get`` (the first field of
    that name), ``get_all``, ``items``, ``keys``, ``values``, ``in``, ``len`` and iteration over names."""

    __slots__ = ("_fields",)

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None:
        wanted = name.lower()
        for field, value in self._fields:
            if field.lower() == wanted:
                return value
        return default

    def __getitem__(self, name: str) -> str | None:
        return self.get(name)  # None when absent, as ``Message`` answers

    def get_all(self, name: str, default: list[str] | None = None) -> list[str] | None:
        wanted = name.lower()
        found = [value for field, value in self._fields if field.lower() == wanted]
        return found or default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)

    def keys(self) -> list[str]:
        return [field for field, _ in self._fields]

    def values(self) -> list[str]:
        return [value for _, value in self._fields]

    def __len__(self) -> int:
        return len(self._fields)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())


def read_fields(stream: _Lines, *, max_line: int, max_fields: int) -> Fields:
    """Read header field lines up to the empty line that ends them (or the end of the stream).

    :raises HeadError: 431 for a line or a count over the limits, 400 for a malformed line.
    """
    fields: list[tuple[str, str]] = []
    lengths: set[str] = set()
    while True:
        line = stream.readline(max_line + 1)
        if line in _END:
            break
        if len(line) > max_line:
            raise HeadError(431, "Header field too long")
        if len(fields) == max_fields:
            raise HeadError(431, "Too many header fields")
        match = _FIELD.fullmatch(line)
        if match is None:
            raise HeadError(400, "Malformed header field", f"Not a header field: {_shown(line)}")
        name, value = match.group(1).decode("ascii"), match.group(2).decode("iso-8859-1")
        if name.lower() == "content-length":
            lengths.add(value)
            if len(lengths) > 1:
                raise HeadError(400, "Conflicting Content-Length fields")
        fields.append((name, value))
    return Fields(fields)


def _shown(line: bytes) -> str:
    """The start of a refused line, printable, for the error message."""
    text = line[:40].decode("iso-8859-1").rstrip("\r\n")
    return repr(text) + (" (cut)" if len(line) > 40 else "")
