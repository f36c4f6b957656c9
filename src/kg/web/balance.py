"""Connections spread evenly over the processes of ``kg serve --processes N`` (issue 12).

Every server process waits on the one listening socket, and the kernel hands a new connection to whichever
process accepts first. Clients keep their connections open (``kg.web.keepalive``), so that first choice
lasts: four keep-alive clients of a two-process server landed three on one process and one on the other in
3 of 5 runs (``ss -tnp``), and one core served three clients while the other waited on its one client.

Each process counts its open connections in a table in shared memory, made by the parent before it forks.
A process that holds more connections than the least loaded one leaves a waiting connection to it (least
connections, as a load balancer would do) and looks again a millisecond later; after ``MAX_DEFER_S`` it
accepts anyway, so a sibling that is stuck or slow to take it delays a connection by that much at most.
A process counts only from when it serves (``serving``) until it ends (``retire``, called by the parent):
one that is starting or restarting is not waited for. The listening socket is non-blocking, because a
sibling may take a connection between a process's wake-up and its ``accept``.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import threading
import time
from socket import socket
from typing import TYPE_CHECKING

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

NOT_SERVING = 1 << 30
MAX_DEFER_S = 0.05
DEFER_PAUSE_S = 0.001
_SAME_WAIT_S = 0.01  # deferrals this close together are one connection being left to a sibling


class ConnectionTable:
    """Open connections of each server process, in memory shared across ``fork``."""

    def __init__(self, count: int) -> None:
        self._counts = multiprocessing.RawArray(ctypes.c_long, [NOT_SERVING] * count)

    def serving(self, index: int) -> None:
        self._counts[index] = 0

    def retire(self, index: int) -> None:
        """Process ``index`` ended (the parent says so): nobody leaves it a connection until it serves."""
        self._counts[index] = NOT_SERVING

    def add(self, index: int, delta: int) -> None:
        """Count connections opened (``+1``) or closed (``-1``); only process ``index`` writes its slot."""
        self._counts[index] += delta

    def count(self, index: int) -> int:
        return int(self._counts[index])

    def others_less_busy(self, index: int) -> bool:
        mine = self._counts[index]
        return any(other < mine for other in self._counts)


class BalancedServer(ThreadedWSGIServer):
    """Werkzeug's threaded server as process ``index`` of ``table``: it accepts a connection only when no
    sibling holds fewer (or after ``MAX_DEFER_S``)."""

    def __init__(
        self,
        host: str,
        port: int,
        app: WSGIApplication,
        handler: type[WSGIRequestHandler],
        *,
        fd: int,
        table: ConnectionTable,
        index: int,
    ) -> None:
        super().__init__(host, port, app, handler, fd=fd)
        self.socket.setblocking(False)  # a sibling may accept first: then accept says so, never blocks
        self.table = table
        self.index = index
        self._lock = threading.Lock()
        self._first_defer = self._last_defer = 0.0
        table.serving(index)

    def get_request(self) -> tuple[socket, object]:
        # socketserver reads an OSError here as "no connection after all" and waits for the next one.
        if self._defer():
            raise BlockingIOError("left to a server process with fewer connections")
        request, address = super().get_request()
        with self._lock:
            self.table.add(self.index, 1)
        return request, address

    def shutdown_request(self, request: socket) -> None:  # type: ignore[override]
        """Close a connection this process accepted (socketserver calls it once per accepted one)."""
        try:
            super().shutdown_request(request)
        finally:
            with self._lock:
                self.table.add(self.index, -1)

    def _defer(self) -> bool:
        if not self.table.others_less_busy(self.index):
            return False
        now = time.monotonic()
        if now - self._last_defer > _SAME_WAIT_S:
            self._first_defer = now  # a new connection waiting
        self._last_defer = now
        if now - self._first_defer >= MAX_DEFER_S:
            return False
        time.sleep(DEFER_PAUSE_S)
        return True
