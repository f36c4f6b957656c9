"""Serve the newest build: the server follows ``dist/`` as ``kg build`` and ``kg add`` replace it.

``dist/`` is replaced whole (``kg.dumps.write_dumps`` swaps a finished folder in), and its manifest lists
every file with its SHA-256, so the manifest's bytes tell one build from another. A watcher thread reads
them every ``reload_interval`` seconds; when they change it prepares the new build beside the one being
served (its own on-disk store, query processes and app), then swaps it in between two requests. Requests
already running finish on the build they started on; that build's query processes are stopped once such
a request can no longer be running (the query time limit, plus a margin), and its on-disk store is deleted
then: without that, every ``kg add`` would leave a whole copy of the graph behind. A build that cannot be
served (half-written, or broken) is reported once and the server keeps serving what it had.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from kg.dumps import MANIFEST_FILE, builds_dir
from kg.errors import KgError
from kg.publication import Pin
from kg.sparql.prepare import release_store
from kg.web.lane import EXTENSION as LANE

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from kg.sparql import QueryService
    from kg.sparql.remote import RemoteQueryService
    from kg.web.keepalive import KeepAliveHandler
    from kg.web.lane import Lane, Taken

GRACE_SECONDS = 5.0
"""Added to the query time limit before an old build's query processes are stopped."""


@dataclass(frozen=True)
class Served:
    """One build being served: its app, its query service, and the manifest bytes it was made from."""

    app: Flask
    service: QueryService | RemoteQueryService | None
    fingerprint: str
    version: str
    store_path: Path | None = None
    """The on-disk store this build was prepared in; removed when the build is retired (see ``LiveApp``)."""
    pin: Pin | None = None
    """Pins its ``dist/`` build folder (``kg.publication.pin``); closed when retired."""


def fingerprint(dist_dir: Path) -> str | None:
    """The SHA-256 of ``dist/``'s manifest, or None while there is none (a build being swapped in)."""
    try:
        return hashlib.sha256((dist_dir / MANIFEST_FILE).read_bytes()).hexdigest()
    except OSError:
        return None


class LiveApp:
    """A WSGI application that hands each request to the current build's Flask app.

    :param load: prepares the build now in ``dist/`` (store, query service, app); it is called by the
        watcher thread, never while a request waits.
    :param dist_dir: the folder to watch.
    :param interval: seconds between two looks at the manifest; ``0`` never reloads.
    :param retire_after: seconds an old build's query service lives on after a swap.
    """

    def __init__(
        self,
        load: Callable[[], Served],
        dist_dir: Path,
        *,
        interval: float,
        retire_after: float,
        announce: Callable[[str], None] = print,
    ) -> None:
        self._load = load
        self._dist_dir = dist_dir
        self._interval = interval
        self._retire_after = retire_after
        self._announce = announce
        self._current = load()
        self._failed: str | None = None  # the fingerprint whose build could not be served, reported once
        self._retiring: list[threading.Timer] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        if interval > 0:
            self._watcher = threading.Thread(target=self._watch, name="kg-reload", daemon=True)
            self._watcher.start()

    @property
    def current(self) -> Served:
        return self._current

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # One attribute read: a request sees one whole build, never a mix of two.
        app: Any = self._current.app
        result: Iterable[bytes] = app(environ, start_response)
        return result

    def lane(self, handler: KeepAliveHandler) -> Taken | None:
        """The current build's light path at the HTTP handler (``kg.web.lane``), from the same one attribute
        read as ``__call__``."""
        found: Lane | None = self._current.app.extensions.get(LANE)
        return None if found is None else found.take(handler)

    def check(self) -> bool:
        """Look at ``dist/`` once; serve its build if it is new. True when a new build was swapped in."""
        with self._lock:
            seen = fingerprint(self._dist_dir)
            if seen is None or seen in (self._current.fingerprint, self._failed):
                return False
            try:
                fresh = self._load()
            except (KgError, OSError) as exc:
                self._failed = seen
                self._announce(
                    f"The new build in {self._dist_dir} cannot be served ({exc}); still serving the last one."
                )
                return False
            old, self._current = self._current, fresh
            self._announce(f"Serving the new build in {self._dist_dir} (version {fresh.version[:12]}).")
            self._retire(old)
            return True

    def _retire(self, old: Served) -> None:
        timer = threading.Timer(self._retire_after, self._discard, args=(old,))
        timer.daemon = True
        timer.start()
        self._retiring = [t for t in self._retiring if t.is_alive()] + [timer]

    def _discard(self, old: Served) -> None:
        """Stop an old build's query processes; delete its store unless a build still served uses it."""
        if old.service is not None:
            old.service.close()
        if old.pin is not None:
            old.pin.close()
        if old.store_path is not None and old.store_path != self._current.store_path:
            # Not another project's (a copy of this one sharing the store folder): kg.sparql.prepare.
            release_store(old.store_path, builds_dir(self._dist_dir))

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            self.check()

    def close(self) -> None:
        """Stop watching, and stop every build's query processes now."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(self._interval + 30)
        with self._lock:
            for timer in self._retiring:
                timer.cancel()
                timer.function(*timer.args)  # _discard: closing a service twice is harmless
            self._retiring = []
            if self._current.service is not None:
                self._current.service.close()
            if self._current.pin is not None:
                self._current.pin.close()

    def __enter__(self) -> LiveApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
