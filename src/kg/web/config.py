"""What the web layer needs besides ``kg.settings.Settings``: how to serve, and what is being served.

``WebOptions`` are the knobs (``kg serve`` options, ``KG_*`` environment variables under gunicorn);
``Dataset`` is what the server publishes (version, dumps, source texts), built by ``kg.web.runtime``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from kg.dumps import DumpInfo
from kg.settings import default_store_dir
from kg.web.origin import PublicUrl

Redirect = Literal["303", "200"]
ENV_PREFIX = "KG_"


@dataclass(frozen=True)
class WebOptions:
    """How the server behaves; every field can be set from ``KG_<FIELD>`` (see docs/serving.md).

    :param host: interface to listen on (``kg serve`` only; gunicorn has ``--bind``).
    :param port: port (``0`` picks a free one).
    :param timeout: seconds a SPARQL query may run before it is killed (503).
    :param workers: query worker processes (``kg serve``) - each query runs in a killable process.
    :param processes: server processes answering on the same socket (``kg serve``; ``kg.web.processes``),
        each with its own query workers, caches and client shares, all reading one on-disk store.
    :param max_rows: SELECT rows / CONSTRUCT triples before a result is cut (and flagged).
    :param max_body_bytes: request bodies above this answer 413 before they are parsed.
    :param redirect: ``"303"``: a thing's IRI answers 303 See Other to a document (Cool URIs §4.3);
        ``"200"``: it answers the negotiated document itself with ``Content-Location``.
    :param cache_seconds: ``max-age`` of data pages and GET query results.
    :param store_dir: where prepared on-disk stores are kept (keyed by the SHA-256 of the dump).
    :param incoming_page: incoming links shown per property and page.
    :param count_cap: incoming links counted exactly up to this number, then shown as "more than".
    :param page_cache_bytes: rendered resource documents kept in memory per process (``0``: none).
    :param reload_interval: seconds between two looks at ``dist/`` for a new build to serve (``0``: never).
    :param public_url: the public base URL (``https://data.example.org/kg/``): every URL the server writes
        uses it, whatever the request's ``Host`` (``""``: the request's own origin, once allowed).
    :param allowed_hosts: comma-separated host names a request's ``Host`` may name (``.example.org``: and
        its subdomains; ``*``: any); others answer 400. ``""``: loopback names, the public URL's host and
        the ``host`` listened on. See ``kg.web.origin``.
    :param trusted_proxies: how many proxies in front set ``X-Forwarded-*`` (``0``: those headers are
        ignored; never set it when clients can reach the server directly).
    :param client_queries: SPARQL queries one client may have on the workers at once (``0``: half the
        workers, at least one); past it, 429 with ``Retry-After`` (``kg.web.fairness``).
    :param answer_cache_bytes: whole ``/sparql`` responses kept per process for repeated requests
        (``kg.web.answers``; ``0``: none).
    :param store: a remote store to serve the graph from (``KG_STORE``, ``kg serve --store``):
        ``oxigraph+http://127.0.0.1:7878`` or ``virtuoso+http://127.0.0.1:8890`` (``""``: the embedded
        store). It must hold the build (``kg build`` / ``kg add`` with ``KG_STORE`` set load it).
    :param store_allow_remote: ``1`` lets ``store`` be on another host than loopback.
    :param memory_copy_mb: a store of at most this many MB on disk is copied into each query worker's
        memory, where pyoxigraph answers heavy queries three to four times faster (``0``: never; see
        ``kg.sparql.QueryLimits``).
    """

    host: str = "127.0.0.1"
    port: int = 5000
    timeout: float = 10.0
    workers: int = 2
    processes: int = 1
    max_rows: int = 10_000
    max_body_bytes: int = 1_000_000
    redirect: Redirect = "303"
    cache_seconds: int = 300
    store_dir: Path = field(default_factory=default_store_dir)
    incoming_page: int = 20
    count_cap: int = 250_000
    page_cache_bytes: int = 64_000_000
    reload_interval: float = 2.0
    public_url: str = ""
    allowed_hosts: str = ""
    trusted_proxies: int = 0
    client_queries: int = 0
    answer_cache_bytes: int = 32_000_000
    store: str = ""
    store_allow_remote: int = 0
    memory_copy_mb: int = 32

    def __post_init__(self) -> None:
        if self.redirect not in ("303", "200"):
            raise ValueError(f"redirect must be '303' or '200', not {self.redirect!r}")
        if self.timeout <= 0 or self.workers < 1 or self.max_rows < 1 or self.max_body_bytes < 1024:
            raise ValueError("timeout, workers, max_rows and max_body_bytes must be positive")
        if self.processes < 1:
            raise ValueError("processes must be at least 1")
        if self.reload_interval < 0:
            raise ValueError("reload_interval must be 0 (never) or a number of seconds")
        if self.client_queries < 0:
            raise ValueError("client_queries must be 0 (half the workers) or a positive number")
        if self.memory_copy_mb < 0:
            raise ValueError("memory_copy_mb must be 0 (never) or a size in MB")
        if self.trusted_proxies < 0:
            raise ValueError("trusted_proxies must be 0 (none) or the number of proxies in front")
        if self.public_url:
            PublicUrl.parse(self.public_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> WebOptions:
        """Read ``KG_HOST``, ``KG_PORT``, ``KG_TIMEOUT``, ``KG_WORKERS``... ; explicit overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"{ENV_PREFIX}{f.name.upper()}")
            if raw is None or raw == "":
                continue
            convert = _CONVERTERS.get(str(f.type), str)
            try:
                values[f.name] = convert(raw)
            except ValueError as exc:
                raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: {exc}") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]


_CONVERTERS: dict[str, type] = {"int": int, "float": float, "Path": Path}


PROJECT_TITLES = {
    "en": "kg-funding: Government of Canada funding announcements",
    "fr": "kg-funding : annonces de financement du gouvernement du Canada",
}


@dataclass(frozen=True)
class Dataset:
    """What is being served.

    :param version: changes whenever the data changes (the SHA-256 of the N-Quads dump); ETags use it.
    :param modified: when that version was built; ``Last-Modified`` uses it.
    :param dumps: the files of ``dist/`` (from its manifest); empty when serving arbitrary files.
    :param dist_dir: where those files are.
    :param sources_dir: where the verbatim source texts are (``/source/{key}``), if any.
    :param public_graphs: the named graphs a query may name (``FROM``, ``default-graph-uri``).
    :param title: what the landing page calls the dataset.
    """

    version: str
    modified: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    dumps: tuple[DumpInfo, ...] = ()
    dist_dir: Path | None = None
    sources_dir: Path | None = None
    public_graphs: frozenset[str] = frozenset()
    title: str = PROJECT_TITLES["en"]

    def title_in(self, lang: str) -> str:
        """The title a page in ``lang`` shows: the project's own in that language, or the one given (a
        server of arbitrary files names them, in no language)."""
        return PROJECT_TITLES.get(lang, self.title) if self.title == PROJECT_TITLES["en"] else self.title
