"""Fixtures for the query engine: a generated store with public and private graphs, a loopback listener."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sparql_data import Listener, make_service, write_nquads

from kg.sparql import QueryService, prepare_store


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("sparql")
    return prepare_store(write_nquads(root / "test.nq"), root / "stores")


@pytest.fixture(scope="module")
def service(prepared: tuple[Path, str]) -> Iterator[QueryService]:
    with make_service(prepared) as svc:
        yield svc


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    record = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            record.connections.append(address)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield record
    stop.set()
    thread.join(timeout=2)
    server.close()
