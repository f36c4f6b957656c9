"""``kg serve --processes N`` (kg.web.processes): N server processes answer on one port from one store; one
that dies is replaced; SIGTERM stops them all with their query workers. A real ``kg serve``, real sockets."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kg.web.balance import ConnectionTable

from .support import fetch

BIN = Path(sys.executable).parent
URL = re.compile(r"on (http://127\.0\.0\.1:\d+)/")


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(found) for found in text.split()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.is_file() and "\nState:\tZ" in status.read_text())


def _wait(condition: object, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.1)
    return False


def test_server_processes_share_the_port_restart_and_stop(dist: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KG_DIST_DIR": str(dist),
        "KG_STORE_DIR": str(tmp_path / "stores"),
        "KG_RELOAD_INTERVAL": "0",
    }
    args = [str(BIN / "kg"), "serve", "--port", "0", "--processes", "2", "--workers", "1"]
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        url = None
        for line in process.stdout:
            if match := URL.search(line):
                url = match.group(1)
                break
        assert url is not None, "no URL announced"
        assert _wait(lambda: len(_children(process.pid)) == 2)
        servers = _children(process.pid)

        def answered() -> set[int]:
            pids = set()
            for _ in range(20):
                reply = fetch(url, "/-/health")
                assert reply.status == 200
                pids.add(json.loads(reply.body)["process"])
            return pids

        assert answered() <= servers  # every answer from one of the two, none from the parent
        assert _wait(lambda: answered() == servers)  # both serving
        assert _spread(url) == [2, 2]  # kept-alive connections: two each (kg.web.balance)
        assert fetch(url, "/project/interpol-mobile-police-training-program.html").status in (200, 303)
        # Each server process has its own query workers; the store on disk is one (prepared once).
        workers = {w for s in servers for w in _children(s)}
        assert len(workers) >= 2 and len(list((tmp_path / "stores").glob("kg-*"))) == 1

        # A server process killed is replaced; the port keeps answering meanwhile.
        victim = min(servers)
        os.kill(victim, signal.SIGKILL)
        assert _wait(lambda: victim not in _children(process.pid) and len(_children(process.pid)) == 2)
        assert _wait(lambda: answered() <= _children(process.pid))
        assert _wait(lambda: answered() == _children(process.pid))
        assert _spread(url) == [2, 2]  # the new process is counted from when it serves

        everything = _children(process.pid) | {w for s in _children(process.pid) for w in _children(s)}
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        assert _wait(lambda: not any(_alive(pid) for pid in everything), timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
        if process.stdout is not None:
            process.stdout.close()


def _spread(url: str, connections: int = 4) -> list[int]:
    """How many of ``connections`` kept-alive connections, opened one after another, each process holds."""
    where = urlsplit(url)
    opened: list[http.client.HTTPConnection] = []
    pids: list[int] = []
    try:
        for _ in range(connections):
            conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
            opened.append(conn)
            for _ in range(2):  # the second answer comes over the same connection, from the same process
                conn.request("GET", "/-/health")
                reply = conn.getresponse()
                pids.append(json.loads(reply.read())["process"])
            assert pids[-1] == pids[-2]
    finally:
        for conn in opened:
            conn.close()
    return sorted(Counter(pids[::2]).values())


def test_connection_table_leaves_connections_to_the_least_busy() -> None:
    table = ConnectionTable(3)
    assert not table.others_less_busy(0)  # nobody serves yet: nobody to leave it to
    table.serving(0)
    table.serving(1)
    table.add(0, 1)
    assert table.others_less_busy(0) and not table.others_less_busy(1)
    table.add(1, 1)
    assert not table.others_less_busy(0) and not table.others_less_busy(1)
    table.serving(2)  # a process that starts serving takes the next connections
    assert table.others_less_busy(0) and table.others_less_busy(1) and not table.others_less_busy(2)
    table.retire(2)  # it ended: nobody waits for it
    assert not table.others_less_busy(0)
    table.add(0, -1)
    assert table.count(0) == 0 and table.others_less_busy(1)


def test_processes_must_be_at_least_one() -> None:
    from kg.web.config import WebOptions

    with pytest.raises(ValueError, match="processes"):
        WebOptions(processes=0)
