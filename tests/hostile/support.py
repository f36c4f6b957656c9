"""Run ``kg`` as a user does, in a child process with a wall-clock bound, and check its one-line errors."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
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
