"""Blueprint "system": ``/-/health``, ``/-/version``, ``/-/limits`` (reserved ``/-/`` prefix, as datasette).

These never touch the query engine beyond asking it for its counters, so they answer while every query
worker is busy.
"""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, Response, jsonify

from kg import __version__
from kg.web.state import state

bp = Blueprint("system", __name__, url_prefix="/-")


def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True
    return response


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


@bp.get("/health")
def health() -> Response:
    """Liveness and readiness: the store answers, the query service reports its counters."""
    st = state()
    body: dict[str, object] = {
        "status": "ok",
        "process": os.getpid(),  # which server process answered (kg serve --processes)
        "graphs": len(st.reader.graphs()),
        "dataset": st.dataset.version,
        "sparql": "ok" if st.queries is not None else "unavailable",
        "documents": st.documents.stats(),
    }
    if st.queries is not None:
        try:
            body["queries"] = st.queries.stats()
        except Exception as exc:  # a broken pool must not take the health page down with it
            body["sparql"] = f"error: {type(exc).__name__}"
    return _no_store(jsonify(body))


@bp.get("/version")
def version_info() -> Response:
    st = state()
    return _no_store(
        jsonify(
            {
                "kg": __version__,
                "dataset": st.dataset.version,
                "modified": st.dataset.modified.isoformat(),
                "base_iri": st.settings.base_iri,
                "python": platform.python_version(),
                "rdflib": _package("rdflib"),
                "pyoxigraph": _package("pyoxigraph"),
                "flask": _package("flask"),
            }
        )
    )


@bp.get("/limits")
def limits() -> Response:
    """What a query may do; the ``Link`` of a truncated result points here."""
    options = state().options
    return jsonify(
        {
            "timeout_seconds": options.timeout,
            "max_rows": options.max_rows,
            "max_body_bytes": options.max_body_bytes,
            "query_workers": options.workers,
            "updates": False,
            "service": False,
        }
    )
