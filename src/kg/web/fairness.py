"""Share the query workers fairly between clients: each may run a few heavy queries at once, no more.

Without a share, one client sending as many slow queries as there are workers held every worker for the
whole deadline and every other SPARQL user got 503 (issue 12). Here a client (the remote address, or the
forwarded one only behind ``KG_TRUSTED_PROXIES``, ``kg.web.origin``) holds at most ``per_client`` worker
slots and may queue as many more, each waiting at most one query deadline for one of its own slots (never
for another client's); past that, its next query is refused at once with 429 and ``Retry-After`` (RFC 6585
§4) instead of queueing in front of others. Cached answers and the lean path (``kg.sparql.lean``) take no
slot: they never reach a worker. The counts live in dicts under one lock; an entry is removed when its count
falls to zero, so idle clients cost nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


def default_share(workers: int) -> int:
    """Half the workers, at least one: with the default two, one client can never hold both."""
    return max(1, workers // 2)


class ClientShares:
    """How many worker slots each client holds now; ``take`` grants one if the client is under its share.

    A client at its share may have as many more queries waiting for one of its own slots (at most
    ``wait_s`` each, e.g. one query deadline); past that, it is refused at once.
    """

    def __init__(self, per_client: int, wait_s: float = 0.0) -> None:
        if per_client < 1:
            raise ValueError("each client needs a share of at least one query")
        self.per_client = per_client
        self.wait_s = wait_s
        self._held: dict[str, int] = {}
        self._waiting: dict[str, int] = {}
        self._freed = threading.Condition()
        self.refused = 0

    @contextmanager
    def take(self, client: str) -> Iterator[bool]:
        """Yield True with a slot held for ``client`` until the block ends, or False (nothing held)."""
        granted = self._acquire(client)
        try:
            yield granted
        finally:
            if granted:
                with self._freed:
                    left = self._held[client] - 1
                    if left:
                        self._held[client] = left
                    else:
                        del self._held[client]
                    self._freed.notify_all()

    def _acquire(self, client: str) -> bool:
        with self._freed:
            if self._held.get(client, 0) < self.per_client:
                self._held[client] = self._held.get(client, 0) + 1
                return True
            if self._waiting.get(client, 0) >= self.per_client or self.wait_s <= 0:
                self.refused += 1
                return False
            self._waiting[client] = self._waiting.get(client, 0) + 1
            try:
                got = self._freed.wait_for(lambda: self._held.get(client, 0) < self.per_client, self.wait_s)
                if got:
                    self._held[client] = self._held.get(client, 0) + 1
                else:
                    self.refused += 1
                return got
            finally:
                self._waiting[client] -= 1
                if not self._waiting[client]:
                    del self._waiting[client]

    def held(self, client: str) -> int:
        """Slots ``client`` holds now (for tests and the health page)."""
        with self._freed:
            return self._held.get(client, 0)

    def clients(self) -> int:
        """Clients holding at least one slot now."""
        with self._freed:
            return len(self._held)
