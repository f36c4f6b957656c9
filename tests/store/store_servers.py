"""Real SPARQL servers on loopback for the remote-store tests: Oxigraph server and Virtuoso.

Each runs in a temporary folder on a free port and is stopped at the end. A server that is not installed
is skipped with the reason, except where ``KG_REQUIRE_STORES=1`` (CI, see .ci/setup.d/40-virtuoso.sh):
there a missing server fails the tests.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Dataset as RdfDataset

from kg.dumps import write_dumps
from kg.settings import Settings
from kg.web.config import WebOptions
from kg.web.live import Served
from kg.web.runtime import prepare_release
from kg.web.serve import _served

REQUIRED = os.environ.get("KG_REQUIRE_STORES") == "1"
OXIGRAPH_TIMEOUT_S = 2

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 10
CheckpointInterval = 0
DirsAllowed = {db}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 8
MaxClientConnections = 8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 10
MaxQueryCostEstimationTime = 0
"""
# The test instance lets anonymous SPARQL users update and use the Graph Store endpoint: it listens on
# loopback only, in a temporary folder. Never do this on a store others can reach (docs/serving.md).
VIRTUOSO_GRANTS = "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"


_SERIAL = itertools.count()


def fresh_prefix() -> str:
    """Graphs of one test: no test sees another's (the servers are shared by the session)."""
    return f"http://kg.test/{next(_SERIAL)}/graph/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unavailable(reason: str) -> None:
    """Skip, or fail where the stores are required."""
    if REQUIRED:
        pytest.fail(f"KG_REQUIRE_STORES=1 but {reason}")
    pytest.skip(reason)


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{process.args[0]} did not answer within {timeout_s:g} s")


class Server:
    """One server process; ``stop`` then ``start`` restarts it on the same port with the same data."""

    kind = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The store URL ``kg`` takes (``kg serve --store``)."""
        return f"{self.kind}+http://127.0.0.1:{self.port}"

    def start(self) -> None:
        raise NotImplementedError

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


class OxigraphServer(Server):
    """``oxigraph serve`` (the ``oxigraph`` package of the test extra) with its own query time limit."""

    kind = "oxigraph"

    @staticmethod
    def binary() -> str | None:
        beside = Path(sys.executable).parent / "oxigraph"
        return str(beside) if beside.is_file() else shutil.which("oxigraph")

    def start(self) -> None:
        binary = self.binary()
        if binary is None:
            unavailable("Oxigraph server is not installed (pip install oxigraph)")
        assert binary is not None
        log = self.folder / "oxigraph.log"
        with log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    "--location",
                    str(self.folder / "data"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout-s",
                    str(OXIGRAPH_TIMEOUT_S),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_http(f"http://127.0.0.1:{self.port}/query?query=ASK%7B%7D", self.process, 20, log)


class VirtuosoServer(Server):
    """``virtuoso-t`` (Debian's virtuoso-opensource-7-bin) from a minimal virtuoso.ini written here."""

    kind = "virtuoso"
    ini = VIRTUOSO_INI

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.sql_port = free_port()
        self.granted = False

    def start(self) -> None:
        binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if binary is None or isql is None:
            unavailable("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource-7-bin)")
        assert binary is not None and isql is not None
        db = self.folder / "db"
        db.mkdir(exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(self.ini.format(db=db, sql_port=self.sql_port, http_port=self.port))
        log = self.folder / "virtuoso.out"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [binary, "-f", "-c", str(ini)], cwd=db, stdout=out, stderr=subprocess.STDOUT
            )
        _wait_http(f"http://127.0.0.1:{self.port}/sparql?query=ASK%7B%7D", self.process, 60, log)
        if not self.granted:
            subprocess.run(
                [isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                check=True,
                capture_output=True,
                timeout=30,
            )
            self.granted = True


ROOT = Path(__file__).resolve().parents[2]


def written_build(dataset: RdfDataset, folder: Path) -> Settings:
    """The project's data with ``dataset`` built into ``folder``/dist (what ``kg build`` writes)."""
    dist = folder / "dist"
    write_dumps(dataset, dist)
    return Settings(data_dir=ROOT / "data", dist_dir=dist)


def serve_release(settings: Settings, options: WebOptions) -> Iterator[Flask]:
    """The app `kg serve` makes of ``settings``' build with ``options`` (its store, its query service), for a
    module fixture to ``yield from``; its query service and build pin are closed after."""
    served: Served = _served(settings, options, prepare_release(settings, options), "", owned=False)
    yield served.app
    assert served.service is not None
    served.service.close()
    if served.pin is not None:
        served.pin.close()
