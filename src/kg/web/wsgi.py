"""The WSGI entry point for production servers (gunicorn, sync workers); see docs/serving.md.

    gunicorn --workers 4 --timeout 30 'kg.web.wsgi:create()'
    gunicorn --workers 4 --timeout 30 kg.web.wsgi:app

Settings come from ``KG_*`` environment variables (``KG_BASE_IRI``, ``KG_DIST_DIR``, ``KG_TIMEOUT``,
``KG_WORKERS``...; ``KG_FILES`` lists RDF files to serve instead of ``dist/``, separated by ``os.pathsep``).
Each gunicorn worker builds its own app, opens the shared store read-only and starts ``KG_WORKERS`` query
processes; do not use ``--preload`` (query processes must not be forked from the master).
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from kg.settings import Settings
from kg.web.config import WebOptions
from kg.web.live import LiveApp
from kg.web.serve import serving

_app: LiveApp | None = None


def create() -> LiveApp:
    """Build the app from the environment (a gunicorn factory: ``'kg.web.wsgi:create()'``).

    Serving ``dist/``, each worker follows new builds (``KG_RELOAD_INTERVAL``, seconds; ``0``: never).
    """
    settings = Settings.from_env()
    options = WebOptions.from_env()
    files = [Path(p) for p in os.environ.get("KG_FILES", "").split(os.pathsep) if p]
    live = serving(settings, files, options)
    atexit.register(live.close)
    return live


def __getattr__(name: str) -> LiveApp:
    """``kg.web.wsgi:app``: built on first access, once per process."""
    global _app
    if name != "app":
        raise AttributeError(name)
    if _app is None:
        _app = create()
    return _app
