"""Start, use and kill query worker processes (the parent side of ``worker``'s pipe protocol).

Workers are started with the ``spawn`` context: a fresh interpreter, never a fork of a threaded server
process. A query past its deadline is answered by SIGKILL, not by a request to stop: pyoxigraph cannot be
interrupted (oxigraph#1926).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import select
import signal
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from kg.errors import StoreError
from kg.sparql.worker import Job, Reply, serve

_CONTEXT = multiprocessing.get_context("spawn")
# multiprocessing's bookkeeping of children is not safe against concurrent start() from several threads.
_START_LOCK = threading.Lock()


class WorkerDied(Exception):
    """The worker process ended (signal, abort, exit) before it answered."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class WorkerTimedOut(Exception):
    """The worker did not answer before the deadline; it has been killed."""


class Worker:
    """One worker process and the parent's end of its pipe; used by one thread at a time."""

    def __init__(self, store_path: Path, memory_mb: int, memory_copy_mb: int = 0) -> None:
        parent_end, child_end = _CONTEXT.Pipe(duplex=True)
        self._conn: Connection = parent_end
        self._process = _CONTEXT.Process(
            target=serve,
            args=(child_end, str(store_path), memory_mb, os.getpid(), memory_copy_mb),
            name="kg-sparql-worker",
            daemon=True,
        )
        with _START_LOCK:
            self._process.start()
        child_end.close()
        self.ready = False
        # Registered once: Connection.poll builds a selector at every call (30 us of a heavy query's Python).
        # Readable also when the worker has died (end of file), as with Connection.poll.
        self._readable = select.poll()
        self._readable.register(parent_end.fileno(), select.POLLIN)

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def wait_ready(self, timeout_s: float) -> None:
        """Block until the worker has opened the store.

        :raises StoreError: the worker could not open the store.
        :raises WorkerDied: the worker ended or did not start in time (it is killed).
        """
        if self.ready:
            return
        if not self._conn.poll(timeout_s):
            self.kill()
            raise WorkerDied(f"did not start within {timeout_s:g} s")
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            raise self._died() from None
        if message[0] != "ready":
            self.kill()
            raise StoreError(str(message[1]))
        self.ready = True

    def run(self, job: Job, timeout_s: float) -> tuple[Reply, bytes]:
        """Send a job and wait for its reply until the deadline.

        :raises WorkerTimedOut: past the deadline; the process has been SIGKILLed and reaped.
        :raises WorkerDied: the process ended while running the job (segfault, abort, OOM kill).
        """
        deadline = time.monotonic() + timeout_s
        try:
            self._conn.send(job)
        except OSError:
            raise self._died() from None
        if not self._readable.poll(math.ceil(max(0.0, deadline - time.monotonic()) * 1000)):
            self.kill()
            raise WorkerTimedOut
        try:
            reply: Reply = self._conn.recv()
            body = self._conn.recv_bytes() if reply.status == "ok" else b""
        except (EOFError, OSError, pickle.UnpicklingError):
            raise self._died() from None
        if reply.status == "oom":
            self.kill()
            raise WorkerDied("out of memory")
        return reply, body

    def kill(self) -> None:
        """SIGKILL the process (a no-op if it already ended), reap it and close the pipe."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._conn.close()

    def close_pipe(self) -> None:
        """Ask the worker to exit: it leaves its loop when its pipe reaches end of file."""
        self._conn.close()

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it has not exited within a second."""
        self._conn.close()
        self._process.join(timeout=1)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)

    def _died(self) -> WorkerDied:
        detail = self._exit_detail()
        self.kill()
        return WorkerDied(detail)

    def _exit_detail(self) -> str:
        self._process.join(timeout=2)
        code = self._process.exitcode
        if code is None:
            return "stopped answering"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exited with status {code}"
