"""Run the server: ``kg serve`` calls :func:`run`; gunicorn uses ``kg.web.wsgi`` instead (both serve a
:class:`kg.web.live.LiveApp`, which follows ``dist/`` from build to build).

The HTTP side is Werkzeug's threaded server: every heavy query runs in a worker process of the query
service (killable at its deadline), lean lookups and pages run on the store in this process, so a thread per
connection is all the front needs. Idle and slow connections (slowloris) each hold a sleeping thread and a
file descriptor, nothing more: the soft descriptor limit is raised to the hard one at start (a default
soft limit of 1,024 would refuse the 1,025th connection), and a connection silent for ``IDLE_SECONDS`` is
closed. Fair sharing of the workers between clients is ``kg.web.fairness`` (issue 12).
"""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from werkzeug.serving import BaseWSGIServer, make_server

from kg.settings import Settings
from kg.sparql import QueryLimits, QueryService
from kg.sparql.lexer import compile_now
from kg.sparql.remote import RemoteQueryService
from kg.store import KgStore
from kg.store.remote import RemoteStore
from kg.web import create_app
from kg.web.balance import BalancedServer, ConnectionTable
from kg.web.config import WebOptions
from kg.web.keepalive import KeepAliveHandler
from kg.web.live import GRACE_SECONDS, LiveApp, Served, fingerprint
from kg.web.processes import listen, run_processes
from kg.web.request_head import HeadError, read_fields
from kg.web.runtime import Prepared, prepare_files, prepare_release
from kg.web.state import EXTENSION

# The request limits of gunicorn's defaults (27.0.1 config.py: limit_request_line 4094,
# limit_request_field_size 8190, limit_request_fields 100), so both servers refuse the same requests.
MAX_REQUEST_LINE = 4094
MAX_HEADER_FIELD = 8190
MAX_HEADER_FIELDS = 100
# A connection that sends nothing for this long (mid-request or kept alive between requests) is closed.
IDLE_SECONDS = 60
WANTED_DESCRIPTORS = 65_536


class LimitedRequestHandler(KeepAliveHandler):
    """Werkzeug's handler with gunicorn's request limits: a request line over 4,094 bytes answers 414, a
    header line over 8,190 bytes (with its CRLF) or more than 100 header fields 431 (Python's own limits
    are 64 KB per line and 100 fields). A socket silent for ``IDLE_SECONDS`` is closed; connections are kept
    alive between requests (``kg.web.keepalive``).

    ``parse_request`` is ``http.server``'s (Python 3.11) for the request line, with the header fields read
    by ``kg.web.request_head`` instead of the ``email`` package; ``Expect: 100-continue`` is answered once,
    by ``run_wsgi`` (http.server and Werkzeug each answered it, so a client got two).
    """

    timeout = IDLE_SECONDS

    def parse_request(self) -> bool:
        if len(self.raw_requestline.rstrip(b"\r\n")) > MAX_REQUEST_LINE:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414, "Request line too long (send long SPARQL queries by POST)")
            return False
        if not self._request_line():
            return False
        try:
            fields = read_fields(self.rfile, max_line=MAX_HEADER_FIELD, max_fields=MAX_HEADER_FIELDS)
        except HeadError as exc:
            self.send_error(exc.status, exc.message, exc.explain)
            return False
        self.headers = fields  # type: ignore[assignment]  # what is asked of email's Message, see Fields
        connection = (self.headers.get("Connection") or "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        return True

    def _request_line(self) -> bool:
        """``http.server.BaseHTTPRequestHandler.parse_request`` of Python 3.11 up to the header fields:
        method, target and version (RFC 9112 §3), with its answers to a bad line."""
        self.command = None  # type: ignore[assignment]
        self.request_version = version = self.default_request_version
        self.close_connection = True
        self.requestline = requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            numbers = version[5:].split(".") if version.startswith("HTTP/") else []
            if len(numbers) != 2 or not all(n.isdigit() and len(n) <= 10 for n in numbers):
                self.request_version = version  # so the answer has a status line, unlike http.server's
                self.send_error(400, f"Bad request version ({version!r})")
                return False
            major, minor = int(numbers[0]), int(numbers[1])
            if (major, minor) >= (1, 1) and self.protocol_version >= "HTTP/1.1":
                self.close_connection = False
            if major >= 2:  # answered with a status line (http.server sent an HTTP/0.9 answer: no status)
                self.request_version = version
                self.send_error(505, f"Invalid HTTP version ({version[5:]})")
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(400, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(400, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        # gh-87389: a target starting with // reads as a host to clients (an open redirect)
        self.command, self.path = command, "/" + path.lstrip("/") if path.startswith("//") else path
        return True


def raise_descriptor_limit(wanted: int = WANTED_DESCRIPTORS) -> int:
    """Raise the soft limit on open files towards ``wanted`` (never above the hard limit); the new soft limit.

    Every connection is a descriptor: thousands of idle clients need more than the usual soft 1,024.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return soft
        return target
    return soft


def query_limits(options: WebOptions) -> QueryLimits:
    return QueryLimits(
        timeout_s=options.timeout,
        workers=options.workers,
        max_rows=options.max_rows,
        memory_copy_mb=options.memory_copy_mb,
    )


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _served(settings: Settings, options: WebOptions, prepared: Prepared, seen: str, *, owned: bool) -> Served:
    """Start the query processes of a prepared store and build its app."""
    compile_now()  # the guard's lexer, before the first request rather than in it
    service: QueryService | RemoteQueryService
    if isinstance(prepared.store, RemoteStore):  # queries run on the store's server (kg.sparql.remote)
        version, public = prepared.dataset.version, prepared.dataset.public_graphs
        limits = query_limits(options)
        service = RemoteQueryService(
            prepared.store, dataset_version=version, public_graphs=public, limits=limits
        )
    else:
        assert prepared.store_path is not None
        service = QueryService(
            prepared.store_path,
            dataset_version=prepared.dataset.version,
            public_graphs=prepared.dataset.public_graphs,
            limits=query_limits(options),
            local_store=prepared.store if isinstance(prepared.store, KgStore) else None,
        )
    try:
        app = create_app(
            settings, store=prepared.store, dataset=prepared.dataset, queries=service, options=options
        )
    except BaseException:
        service.close()
        if prepared.pin is not None:
            prepared.pin.close()
        raise
    store_path = prepared.store_path if owned else None
    return Served(app, service, seen, prepared.dataset.version, store_path, prepared.pin)


def load_build(settings: Settings, options: WebOptions) -> Served:
    """Prepare what ``dist/`` holds now: its store, its query processes, its app."""
    seen = fingerprint(settings.dist_dir) or ""  # read first: a build swapped in meanwhile is seen next time
    # Stores of dist/ builds are this server's to delete once retired; a store of files is left alone.
    return _served(settings, options, prepare_release(settings, options), seen, owned=True)


def serving(
    settings: Settings,
    files: Sequence[Path],
    options: WebOptions,
    announce: Callable[[str], None] = print,
) -> LiveApp:
    """The app to serve: ``dist/``, following each new build (``options.reload_interval``); or RDF
    ``files`` as they are at start."""
    if files:
        served = _served(settings, options, prepare_files(files, settings, options), "", owned=False)
        return LiveApp(lambda: served, settings.dist_dir, interval=0, retire_after=0)
    return LiveApp(
        lambda: load_build(settings, options),
        settings.dist_dir,
        interval=options.reload_interval,
        retire_after=options.timeout + GRACE_SECONDS,
        announce=announce,
    )


def run(
    settings: Settings,
    files: Sequence[Path],
    options: WebOptions,
    *,
    announce: Callable[[str], None] = print,
) -> None:
    """Prepare the store, start the query workers, serve until Ctrl-C or SIGTERM; with
    ``options.processes`` above 1, that many server processes on one socket (``kg.web.processes``)."""
    raise_descriptor_limit()
    if options.processes == 1:
        _serve(settings, files, options, announce)
        return
    listener = listen(options.host, options.port)
    count = options.processes
    announce(f"Starting {count} server processes, each with {options.workers} query workers.")
    table = ConnectionTable(count)  # before the fork: shared by every server process

    def serve(index: int) -> None:
        speak = announce if index == 0 else _quiet
        _serve(settings, files, options, speak, fd=listener.fileno(), balance=(table, index))

    try:
        run_processes(count, serve, announce, ended=table.retire)
    finally:
        listener.close()


def _quiet(line: str) -> None:
    """The other server processes say nothing: the first speaks for them all."""


def _serve(
    settings: Settings,
    files: Sequence[Path],
    options: WebOptions,
    announce: Callable[[str], None],
    *,
    fd: int | None = None,
    balance: tuple[ConnectionTable, int] | None = None,
) -> None:
    live = serving(settings, files, options, announce)
    with live:
        title = live.current.app.extensions[EXTENSION].dataset.title
        server: BaseWSGIServer
        if balance is not None and fd is not None:  # one of --processes N (kg.web.balance)
            table, index = balance
            host, port = options.host, options.port
            server = BalancedServer(host, port, live, LimitedRequestHandler, fd=fd, table=table, index=index)
        else:
            server = make_server(
                options.host, options.port, live, threaded=True, request_handler=LimitedRequestHandler, fd=fd
            )
        host = f"[{options.host}]" if ":" in options.host else options.host
        announce(f"Serving {title} on http://{host}:{server.port}/ (SPARQL: /sparql)")
        if not files and options.reload_interval > 0:
            announce(
                f"Watching {settings.dist_dir}: a new `kg build` or `kg add` is served without a restart."
            )
        if options.host.strip("[]") in ("0.0.0.0", "::") and not (
            options.allowed_hosts or options.public_url
        ):
            announce(
                "Answering only for loopback host names: set KG_ALLOWED_HOSTS (or --public-url) to the "
                "names clients use."
            )
        announce("Press Ctrl-C to stop.")
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
