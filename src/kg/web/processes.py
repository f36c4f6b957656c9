"""``kg serve --processes N``: N server processes answering on one listening socket (issue 12.2).

One server process answers every request through one interpreter lock: on 2 cores at 10^6 triples it
serves about 600 distinct SPARQL lookups a second (1-1.5 ms of Python per request, 0.1 ms of it in the
engine) and renders a project page in 6-8 ms, so four connections queue behind each other. N processes
share that work between cores. Each is a whole server (app, query workers, caches, client shares) over the
same read-only on-disk store: ``kg.sparql.prepare`` lets one process load it while the others wait, then
all open it read-only, so memory grows by a front and its query workers per process, not by a copy of the
graph.

The parent binds the socket, then forks the servers before it has any thread or query process; a new
connection goes to the process holding the fewest (``kg.web.balance``). It restarts a server that dies,
gives up when one dies within ``QUICK_DEATH_S`` of its start ``MAX_QUICK_DEATHS`` times in a row (a
server that cannot start), and stops them all on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from types import FrameType

QUICK_DEATH_S = 10.0
MAX_QUICK_DEATHS = 3
STOP_GRACE_S = 20.0


def listen(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (``0``: a free port), inheritable by forked servers."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def run_processes(
    count: int,
    serve: Callable[[int], None],
    announce: Callable[[str], None] = print,
    ended: Callable[[int], None] | None = None,
) -> None:
    """Run ``serve(index)`` in ``count`` forked processes until SIGTERM or Ctrl-C; restart one that dies
    (``ended(index)`` is called first: ``kg.web.balance`` stops counting on it).

    :raises RuntimeError: a server died within ``QUICK_DEATH_S`` of its start ``MAX_QUICK_DEATHS`` times.
    """
    children: dict[int, tuple[int, float]] = {}  # pid -> (index, started)
    stopping = False

    def spawn(index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the server process: never returns into the parent's code
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                serve(index)
            except KeyboardInterrupt:
                pass
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = (index, time.monotonic())

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    quick_deaths = 0
    try:
        for index in range(count):
            spawn(index)
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            if pid not in children:
                continue
            index, started = children.pop(pid)
            if ended is not None:
                ended(index)
            if stopping:
                continue
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < QUICK_DEATH_S else 0
            if quick_deaths >= MAX_QUICK_DEATHS:
                stop(signal.SIGTERM, None)
                _reap(children)
                raise RuntimeError(f"server process {index} died {quick_deaths} times right after starting")
            announce(f"Server process {index} ended ({_describe(status)}); starting another.")
            spawn(index)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if children:  # an exception in this loop: leave no server behind
            stop(signal.SIGTERM, None)
            _reap(children)


def _reap(children: dict[int, tuple[int, float]]) -> None:
    """Wait for the stopped servers, up to ``STOP_GRACE_S``; then kill those still running."""
    deadline = time.monotonic() + STOP_GRACE_S
    while children and time.monotonic() < deadline:
        for pid in list(children):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                children.pop(pid)
        time.sleep(0.05)
    for pid in list(children):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        children.pop(pid)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


__all__ = ["listen", "run_processes"]
