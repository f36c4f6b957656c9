"""Run ``kg`` as a user does, in a child process with a wall-clock bound, and check its one-line errors."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def kg(*args: str, cwd: Path, timeout: float = 60.0) -> Ran:
    """``python -m kg ARGS`` in ``cwd``; a run past ``timeout`` fails the test instead of hanging it."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kg", *args],
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:  # the child is killed by subprocess.run
        raise AssertionError(f"kg {' '.join(args)} still ran after {timeout:g} s") from None
    return Ran(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))


def assert_one_line_error(ran: Ran, *names: str) -> str:
    """Exit status 2, no traceback, one line on stderr that names each of ``names``; returns the line."""
    assert ran.code == 2, (ran.code, ran.err[-2000:])
    assert "Traceback" not in ran.err, ran.err[-2000:]
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1, ran.err[-2000:]
    assert lines[0].startswith("kg: error: "), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def entity_bomb(levels: int = 7) -> str:
    """The RDF/XML billion laughs: ``levels`` entities of ten references each, about 650 bytes."""
    entities = ['<!ENTITY a0 "ha">']
    entities += [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        f'<rdf:Description rdf:about="http://example.org/x"><ex:p>&a{levels};</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    )


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (as tests/sparql does)."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def listening() -> Iterator[Listener]:
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
    try:
        yield record
    finally:
        time.sleep(0.3)  # a late connection still counts
        stop.set()
        thread.join(timeout=2)
        server.close()
