"""Run the ``kg`` command line with a file-system fault injected: a test tool, never shipped with kg.

    python faults.py [--trace FILE] [--crash-at N] [--file-size BYTES] [--read-only DIR]
                     [--hold-build READY DONE SECONDS] -- KG ARGUMENTS...

- ``--trace``/``--crash-at``: every call that changes a folder (``os.replace``, ``rename``, ``symlink``,
  ``unlink``, ``rmdir``, ``mkdir``, ``shutil.rmtree``) is a step, numbered from 1 and written to the trace;
  the process kills itself with SIGKILL just before step N, as a power cut or ``kill -9`` would.
- ``--file-size``: a full disk: no file may grow past BYTES (``RLIMIT_FSIZE``; writes fail with EFBIG).
- ``--read-only``: a read-only folder, even for root (who ignores ``chmod``): creating, renaming or
  removing anything directly in DIR fails with EROFS.
- ``--hold-build``: ``kg build`` touches READY once it has read the records, then waits until DONE exists
  (at most SECONDS) before writing: a ``kg add`` run meanwhile has every chance to interleave.
"""

from __future__ import annotations

import argparse
import errno
import os
import resource
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS = ("replace", "rename", "symlink", "unlink", "rmdir", "mkdir")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trace", type=Path)
    parser.add_argument("--crash-at", type=int, default=0)
    parser.add_argument("--file-size", type=int)
    parser.add_argument("--read-only", type=Path)
    parser.add_argument("--hold-build", nargs=3)
    parser.add_argument("kg", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.kg and args.kg[0] == "--":
        args.kg = args.kg[1:]
    return args


class Faults:
    def __init__(self, args: argparse.Namespace) -> None:
        self.crash_at: int = args.crash_at
        self.read_only = args.read_only.resolve() if args.read_only else None
        self.trace = args.trace.open("w", encoding="utf-8") if args.trace else None
        self.count = 0
        self.inside = 0  # steps inside shutil.rmtree are one step

    def step(self, name: str, *paths: object) -> None:
        if self.read_only is not None and any(self._in_read_only(p) for p in paths):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(paths[-1]))
        if self.inside:
            return
        self.count += 1
        if self.trace is not None:
            self.trace.write(f"{self.count} {name} {' '.join(map(str, paths))}\n")
            self.trace.flush()
        if self.count == self.crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def _in_read_only(self, path: object) -> bool:
        if not isinstance(path, str | Path) or not os.path.isabs(path):  # relative: under a dir_fd
            return False
        return Path(os.path.normpath(path)).parent == self.read_only

    def install(self) -> None:
        for name in STEPS:
            setattr(os, name, self._wrap(name, getattr(os, name)))
        rmtree = shutil.rmtree

        def counted_rmtree(path: Any, *args: Any, **kwargs: Any) -> Any:
            self.step("rmtree", path)
            self.inside += 1
            try:
                return rmtree(path, *args, **kwargs)
            finally:
                self.inside -= 1

        shutil.rmtree = counted_rmtree  # type: ignore[assignment]
        if self.read_only is not None:
            original_open = os.open

            def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
                if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and self._in_read_only(path):
                    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
                return original_open(path, flags, *args, **kwargs)

            os.open = guarded_open

    def _wrap(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            changed = (
                args[1:2] if name == "symlink" else args[:2] if name in ("replace", "rename") else args[:1]
            )
            self.step(name, *changed)
            return original(*args, **kwargs)

        return wrapped


def _hold_build(ready: str, done: str, seconds: str) -> None:
    import kg.project

    read = kg.project.read_project

    def held(settings: Any) -> Any:
        dataset = read(settings)
        Path(ready).touch()
        deadline = time.monotonic() + float(seconds)
        while not Path(done).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return dataset

    kg.project.read_project = held


def main(argv: list[str]) -> None:
    args = _parse(argv)
    if args.file_size is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    if args.hold_build:
        _hold_build(*args.hold_build)
    from kg.cli import main as kg

    Faults(args).install()
    kg(args.kg, prog_name="kg")


if __name__ == "__main__":
    main(sys.argv[1:])
