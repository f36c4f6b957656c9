"""Share the query workers fairly between clients: each may run a few heavy queries at once, no more.

Without a share, one client sending as many slow queries as there are workers held every worker for the
whole deadline and every other SPARQL user got 503 (issue 12). Here a client (the remote address, or the
forwarded one only behind ``KG_TRUSTED_PROXIES``, ``kg.web.origin``) holds at most ``per_client`` worker
slots; its next heavy query is refused at once with 429 and ``Retry-After`` (RFC 6585 §4) instead of
queueing in front of others. Cached answers and the lean path (``kg.sparql.lean``) take no slot: they never
reach a worker. The counts live in one dict under one lock; an entry is removed when its count falls to
zero, so idle clients cost nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


def default_share(workers: int) -> int:
    """Half the workers, at least one: with the default two, one client can never hold both."""
    return max(1, workers // 2)


class ClientShares:
    """How many worker slots each client holds now; ``take`` grants one if the client is under its share."""

    def __init__(self, per_client: int) -> None:
        if per_client < 1:
            raise ValueError("each client needs a share of at least one query")
        self.per_client = per_client
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()
        self.refused = 0

    @contextmanager
    def take(self, client: str) -> Iterator[bool]:
        """Yield True with a slot held for ``client`` until the block ends, or False (nothing held)."""
        with self._lock:
            held = self._held.get(client, 0)
            granted = held < self.per_client
            if granted:
                self._held[client] = held + 1
            else:
                self.refused += 1
        try:
            yield granted
        finally:
            if granted:
                with self._lock:
                    left = self._held[client] - 1
                    if left:
                        self._held[client] = left
                    else:
                        del self._held[client]

    def held(self, client: str) -> int:
        """Slots ``client`` holds now (for tests and the health page)."""
        with self._lock:
            return self._held.get(client, 0)

    def clients(self) -> int:
        """Clients holding at least one slot now."""
        with self._lock:
            return len(self._held)
