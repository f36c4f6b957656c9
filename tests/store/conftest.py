"""Fixtures of the store contract: each test gets a store of each kind, its graphs under a fresh prefix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_servers import OxigraphServer, Server, VirtuosoServer, fresh_prefix

from kg.store import KgStore
from kg.store.remote import RemoteStore

KINDS = ("embedded", "oxigraph", "virtuoso")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=KINDS)
def any_store(request: pytest.FixtureRequest) -> tuple[KgStore | RemoteStore, str]:
    """A store of each kind and the prefix its graphs must use."""
    prefix = fresh_prefix()
    if request.param == "embedded":
        return KgStore(), prefix
    server: Server = request.getfixturevalue(f"{request.param}_server")
    return RemoteStore(server.url, graph_prefix=prefix, timeout_s=10), prefix


@pytest.fixture(scope="module", params=KINDS[1:])
def remote_server(request: pytest.FixtureRequest) -> Server:
    server: Server = request.getfixturevalue(f"{request.param}_server")
    return server
