"""An in-process cache of rendered resource documents (``/{kind}/{key}.ttl``, ``.html``...).

A resource document is a pure function of the dataset version and the request: the path, the query string,
the chosen format, the page language, whether it was negotiated (``Vary``) and the server's origin and root
(links). The key holds all of them, starting with the dataset version, so a new build never meets an old
entry (old entries simply age out). Least recently used entries go first once the bodies and headers held
pass ``max_bytes``; a document larger than ``max_bytes // 8`` is never kept (a whole graph's dump).

The answer is kept as its status, body and headers *as the view made them*: the ``after_request`` hooks
(security headers, CORS) run on a cached answer exactly as on a fresh one, and conditional requests are
decided before the cache is asked, from the same validators. Safe to share between threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Response

_ENTRY_OVERHEAD = 200  # bytes counted per entry besides body and headers (key, objects)


@dataclass(frozen=True)
class CachedDocument:
    """A finished answer: status, body and headers, ready to be sent again."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, response: Response) -> CachedDocument:
        # Content-Length stays in its place: the new response overwrites its value where it stands.
        return cls(response.status_code, response.get_data(), tuple(response.headers.items()))

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + _ENTRY_OVERHEAD

    def response(self) -> Response:
        return Response(self.body, status=self.status, headers=list(self.headers))


class DocumentCache:
    """A thread-safe LRU of :class:`CachedDocument` bounded by bytes; ``max_bytes == 0`` disables it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self._items: OrderedDict[Hashable, CachedDocument] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedDocument | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, document: CachedDocument) -> None:
        size = document.size
        if size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._items[key] = document
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.size

    @property
    def bytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "entries": len(self._items),
                "bytes": self._bytes,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
            }
