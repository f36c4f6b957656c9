"""Publishing a build: one lock, one commit point, and a next run that finishes or undoes a crashed one.

``kg build`` and ``kg add`` run under one lock (``locked``: an advisory ``flock`` on ``data/``), so they
never interleave. A build is written into a folder of its own and published by replacing the ``dist``
symbolic link (``kg.dumps.link_dist``): ``dist/`` is always one whole build. ``kg add`` also changes
``data/`` (the record, its source text, its translations), which it first writes under hidden names; then
``commit`` writes a journal (``data/.kg-publish.json``: the build, and each hidden file's final name),
and that one ``rename`` is the commit point. Before it, nothing visible has changed and the next run
removes the hidden files and the unlinked build; after it, the next run (``recover``, at the start of
``kg add``, ``kg build`` and ``kg serve``) finishes the moves and the link. So a crash at any moment
leaves ``data/`` and ``dist/`` both old or both new, once the next command has run.

A server pins the build it serves (``pin``: a shared ``flock`` on its folder), and old builds are deleted
(``prune``) only when no server holds them: a server's downloads never change under it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg.dumps import MANIFEST_FILE, builds_dir, link_dist, linked_build, new_link, swap_link
from kg.errors import BuildError
from kg.settings import Settings

JOURNAL = ".kg-publish.json"
HIDDEN_SUFFIX = ".adding"
"""Files of ``data/`` not yet committed: ``.{final name}.{random}.adding`` next to their final name."""


@contextmanager
def locked(settings: Settings, *, wait: bool = True) -> Iterator[bool]:
    """Hold the project's lock (``kg add`` and ``kg build`` take it), after finishing a crashed publication.

    Yields False, without waiting or recovering, when ``wait`` is False and another command holds it.
    """
    if not settings.data_dir.is_dir():  # nothing to protect; the command reports the missing folder
        yield True
        return
    handle = os.open(settings.data_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        if held:
            recover(settings)
        yield held
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def commit(settings: Settings, build: Path, moves: Sequence[tuple[Path, Path]]) -> None:
    """Publish ``build`` and move each hidden file of ``data/`` to its final name, as one step.

    The caller holds the lock. Once the journal is in place the publication is decided: a failure after
    it is finished by the next ``kg add``, ``kg build`` or ``kg serve``.
    """
    journal = settings.data_dir / JOURNAL
    entry = {
        "build": build.name,
        "moves": [
            [str(a.relative_to(settings.data_dir)), str(b.relative_to(settings.data_dir))] for a, b in moves
        ],
    }
    link = new_link(settings.dist_dir, build)  # fails here, before the commit, if dist/'s folder is read-only
    temporary = journal.with_name(f"{JOURNAL}.{os.getpid()}{HIDDEN_SUFFIX}")
    try:
        with temporary.open("w", encoding="utf-8") as out:
            json.dump(entry, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, journal)  # the commit point
        _fsync_dir(settings.data_dir)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        link.unlink(missing_ok=True)
        raise BuildError(f"cannot write {journal}: {exc.strerror or exc}; nothing was changed") from exc
    try:
        _roll_forward(settings, entry, link)
    except (OSError, BuildError) as exc:
        raise BuildError(
            f"the release is committed but not yet in place ({exc}); the next `kg add`, `kg build` or "
            "`kg serve` finishes it"
        ) from exc
    prune(settings)


def recover(settings: Settings) -> None:
    """Finish a committed publication, then remove what crashed runs left: hidden files, unlinked builds."""
    journal = settings.data_dir / JOURNAL
    if journal.is_file():
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError as exc:  # written whole by a rename: only a hand edit breaks it
            raise BuildError(f"{journal}: unreadable publication journal ({exc})") from exc
        _roll_forward(settings, entry)
    for folder in _data_folders(settings):
        for path in folder.glob(f".*{HIDDEN_SUFFIX}"):
            path.unlink(missing_ok=True)
    dist = settings.dist_dir
    for path in dist.parent.glob(f".{dist.name}.link-*"):
        path.unlink(missing_ok=True)
    for path in dist.parent.glob(f".{dist.name}-*"):  # staging folders of older kg versions
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
    if not dist.exists():  # a crash while an older kg's plain dist/ was moved into the builds
        complete = sorted(p for p in _builds(dist) if (p / MANIFEST_FILE).is_file())
        if complete:
            link_dist(dist, complete[-1])
    prune(settings)


def prune(settings: Settings) -> None:
    """Delete every build but the linked one and those a server pins. The caller holds the lock."""
    current = linked_build(settings.dist_dir)
    for build in _builds(settings.dist_dir):
        if current is not None and build.name == current.name:
            continue
        try:
            handle = os.open(build, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(build, ignore_errors=True)
        except BlockingIOError:
            pass  # a server serves it: kept until it lets go
        finally:
            os.close(handle)


class Pin:
    """A build held by a server: ``prune`` keeps it until ``close`` (which may be called more than once)."""

    def __init__(self, handle: int) -> None:
        self._handle: int | None = handle

    def close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            os.close(handle)  # closing the descriptor releases the shared lock


def pin(build: Path) -> Pin:
    """Hold ``build`` (a shared ``flock`` on its folder) until the pin is closed.

    :raises BuildError: when the build is gone or being deleted.
    """
    try:
        handle = os.open(build, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise BuildError(f"{build}: no such build ({exc.strerror})") from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(handle)
        if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            raise BuildError(f"{build}: the build is being deleted") from exc
        raise BuildError(f"{build}: cannot pin the build ({exc.strerror})") from exc
    return Pin(handle)


def _roll_forward(settings: Settings, entry: Mapping[str, object], link: Path | None = None) -> None:
    moves = entry.get("moves")
    assert isinstance(moves, list)
    for source, target in moves:
        hidden, final = settings.data_dir / source, settings.data_dir / target
        if hidden.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(hidden, final)
            _fsync_dir(final.parent)
    build = builds_dir(settings.dist_dir) / str(entry.get("build"))
    if link is not None:
        swap_link(link, settings.dist_dir)
    elif build.is_dir():
        link_dist(settings.dist_dir, build)
    (settings.data_dir / JOURNAL).unlink(missing_ok=True)
    _fsync_dir(settings.data_dir)


def _data_folders(settings: Settings) -> list[Path]:
    translations = settings.data_dir / "translations"
    languages = [p for p in translations.iterdir() if p.is_dir()] if translations.is_dir() else []
    return [settings.data_dir, settings.releases_dir, settings.sources_dir, *languages]


def _builds(dist_dir: Path) -> list[Path]:
    folder = builds_dir(dist_dir)
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


__all__ = ["JOURNAL", "Pin", "commit", "locked", "pin", "prune", "recover"]
