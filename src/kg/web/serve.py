"""Run the server: ``kg serve`` calls :func:`run`; gunicorn uses ``kg.web.wsgi`` instead.

The HTTP side is Werkzeug's threaded server: every query runs in a worker process of the query service
(killable at its deadline), so a thread per connection is all the front needs.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from werkzeug.serving import make_server

from kg.settings import Settings
from kg.sparql import QueryLimits, QueryService
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.runtime import Prepared, prepare_files, prepare_release


def query_limits(options: WebOptions) -> QueryLimits:
    return QueryLimits(timeout_s=options.timeout, workers=options.workers, max_rows=options.max_rows)


def prepare(settings: Settings, files: Sequence[Path], options: WebOptions) -> Prepared:
    return prepare_files(files, settings, options) if files else prepare_release(settings, options)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(
    settings: Settings,
    files: Sequence[Path],
    options: WebOptions,
    *,
    announce: Callable[[str], None] = print,
) -> None:
    """Prepare the store, start the query workers, serve until Ctrl-C or SIGTERM."""
    prepared = prepare(settings, files, options)
    service = QueryService(
        prepared.store_path,
        dataset_version=prepared.dataset.version,
        public_graphs=prepared.dataset.public_graphs,
        limits=query_limits(options),
    )
    with service:
        app = create_app(
            settings, store=prepared.store, dataset=prepared.dataset, queries=service, options=options
        )
        server = make_server(options.host, options.port, app, threaded=True)
        host = f"[{options.host}]" if ":" in options.host else options.host
        announce(f"Serving {prepared.dataset.title} on http://{host}:{server.port}/ (SPARQL: /sparql)")
        announce("Press Ctrl-C to stop.")
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
