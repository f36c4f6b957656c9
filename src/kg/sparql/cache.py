"""A thread-safe LRU cache of query answers, bounded by entry count and by total body bytes.

Keys carry the dataset version, so answers from an older build are never served after a new one is loaded
(they simply age out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from kg.sparql.types import QueryAnswer


class AnswerCache:
    """Least-recently-used answers; ``max_entries == 0`` or ``max_bytes == 0`` disables caching."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._items: OrderedDict[Hashable, QueryAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> QueryAnswer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Hashable, answer: QueryAnswer) -> None:
        size = len(answer.body)
        if size > self._max_bytes or self._max_entries == 0:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = answer
            self._bytes += size
            while len(self._items) > self._max_entries or self._bytes > self._max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
