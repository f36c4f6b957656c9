"""The wire of ``RemoteStore``: a query sent by the SPARQL 1.1 Protocol and a request sent at all, with the
store marked down for ``retry_after_s`` when it refuses the connection or misses a lookup's deadline
(calls in that window fail at once with ``StoreUnavailable``: 503 + ``Retry-After``, never a hang)."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from kg.errors import QueryError, QueryTimeout, StoreUnavailable
from kg.store.endpoints import Endpoints
from kg.store.http import Reply, StoreTimeout, call
from kg.store.replies import refusal
from kg.store.terms import wire_bindings

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


class Wire:
    """What ``RemoteStore`` sends and how a failure marks the store down."""

    endpoints: Endpoints
    url: str
    connect_timeout_s: float
    retry_after_s: int
    _down_until: float
    _lock: threading.Lock

    def _select(
        self, text: str, params: Sequence[tuple[str, str]], timeout_s: float, limit: int = 0
    ) -> list[dict[str, Any]]:
        """Rows of a lookup; ``limit``: its LIMIT (a store's row limit that high is no cut)."""
        doc = self._json(self._query(text, params, JSON, timeout_s, True, 1 << 28, max(0, limit - 1)))
        return wire_bindings(doc)[1]

    def _query(
        self,
        text: str,
        params: Sequence[tuple[str, str]],
        accept: str,
        timeout_s: float,
        trips: bool,
        max_bytes: int = 1 << 28,
        max_rows: int = 0,
    ) -> Reply:
        """Run a query; ``max_rows``: the rows kept of its answer (one more is read to tell it was cut),
        0 when every row is needed."""
        fields = [("query", text), *params]
        if self.endpoints.kind == "virtuoso":  # its own limit, in ms: it stops the work (docs/serving.md)
            # Its anytime queries overran their limit about twice (2.1 s for 1 s): ask for half the deadline.
            fields.append(("timeout", str(max(1, int(timeout_s * 500)))))
            if max_rows:  # it stops at the rows kept (and the one that tells the answer was cut)
                fields.append(("maxrows", str(max_rows + 1)))
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode(fields, quote_via=quote).encode()
        started = time.monotonic()
        try:
            reply = self._send("POST", self.endpoints.query, body, headers, timeout_s, trips, max_bytes)
        except StoreTimeout:
            if trips:
                raise
            raise QueryTimeout(
                f"the query ran longer than {timeout_s:g} s and was stopped; simplify it or add a LIMIT"
            ) from None
        problem = refusal(reply, self.endpoints.kind, timeout_s, time.monotonic() - started, max_rows)
        if isinstance(problem, StoreUnavailable):
            self._mark_down()
            raise StoreUnavailable(str(problem), retry_after_s=self.retry_after_s)
        if problem is not None:
            raise problem
        return reply

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        timeout_s: float,
        trips: bool,
        max_bytes: int = 1 << 28,
    ) -> Reply:
        with self._lock:
            left = self._down_until - time.monotonic()
        if left > 0:
            raise StoreUnavailable(
                f"the store at {self.url} is unavailable; retrying in {math.ceil(left)} s",
                retry_after_s=max(1, math.ceil(left)),
            )
        try:
            return call(
                method,
                url,
                body=body,
                headers=headers,
                timeout_s=timeout_s,
                connect_timeout_s=self.connect_timeout_s,
                max_bytes=max_bytes,
            )
        except StoreTimeout as exc:
            if trips:
                self._mark_down()
                raise StoreTimeout(str(exc), retry_after_s=self.retry_after_s) from None
            raise
        except StoreUnavailable as exc:
            self._mark_down()
            raise StoreUnavailable(str(exc), retry_after_s=self.retry_after_s) from None

    def _mark_down(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_after_s

    @staticmethod
    def _json(reply: Reply) -> Any:
        try:
            return json.loads(reply.body)
        except ValueError:
            raise QueryError(f"the store sent no SPARQL JSON ({reply.media_type or 'no type'})") from None
