"""``kg build`` beside ``kg add``, a full disk, a read-only folder, the umask, and a server's downloads
while a new build is published: nothing published is lost, torn or served under another's validator."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.settings import Settings
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.runtime import prepare_release

from .support import dist_is_whole, kg, leftovers, release_in_dist, start, tree


def test_kg_build_beside_kg_add_keeps_the_release(work: Path, incoming: Path, tmp_path: Path) -> None:
    """An older ``kg build`` took no lock: it read the records, a ``kg add`` published its release, then the
    build replaced dist/ with a graph without it; both exited 0."""
    ready, record = tmp_path / "build-has-read", work / "data" / "releases" / incoming.name
    # The build reads data/, then waits (up to 8 s) for the add to finish before it writes.
    build = start(work, "build", faults=("--hold-build", str(ready), str(record), "8"))
    deadline = time.monotonic() + 120
    while not ready.exists() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), build.communicate()
    added = kg(work, "add", str(incoming))
    _, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    assert added.returncode == 0, added.stderr
    assert record.is_file() and release_in_dist(work, incoming.stem)
    assert dist_is_whole(work) and not leftovers(work)


def _one_line_error(result_stderr: str) -> bool:
    lines = result_stderr.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("kg: error: ") and "Traceback" not in result_stderr


@pytest.mark.parametrize("limit", [1_000, 100_000], ids=["data-full", "dist-full"])
def test_a_full_disk_fails_on_one_line_and_changes_nothing(work: Path, incoming: Path, limit: int) -> None:
    """No file may grow past ``limit`` bytes (EFBIG, as ENOSPC): at 1 kB the source text cannot be written
    into data/, at 100 kB the N-Quads dump cannot. An older kg printed a traceback and left the hidden
    record or source text behind."""
    before = tree(work)
    added = kg(work, "add", str(incoming), faults=("--file-size", str(limit)))
    assert added.returncode == 2 and _one_line_error(added.stderr), added.stderr
    assert tree(work) == before and not leftovers(work)
    built = kg(work, "build", faults=("--file-size", str(limit)))
    assert built.returncode == 2 and _one_line_error(built.stderr), built.stderr
    assert tree(work) == before and not leftovers(work) and dist_is_whole(work)


def test_a_read_only_folder_around_dist_fails_on_one_line_and_changes_nothing(
    work: Path, incoming: Path
) -> None:
    """dist/'s parent cannot be written (simulated, because root ignores ``chmod``): an older kg printed a
    traceback. Now the command fails on one line before anything is committed: data/ is unchanged."""
    before = tree(work)
    for args in (("build",), ("add", str(incoming))):
        result = kg(work, *args, faults=("--read-only", str(work)))
        assert result.returncode == 2 and _one_line_error(result.stderr), (args, result.stderr)
        assert tree(work) == before and not leftovers(work), args
    assert kg(work, "add", str(incoming)).returncode == 0  # once the folder is writable again


def _modes(folder: Path, *, folders: bool = False) -> set[int]:
    """The modes of the files (or the folders) in ``folder`` and below (its ``graphs/``)."""
    return {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_dir() == folders}


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_builds_and_records_are_readable_as_the_umask_says(
    work: Path, incoming: Path, umask: int, folder: int, file: int
) -> None:
    """Every build of an older kg left dist/ 0700 (``mkdtemp``'s mode): a server running as another user
    lost access at the first rebuild."""
    for args in (("build",), ("add", str(incoming))):
        assert kg(work, *args, umask=umask).returncode == 0, args
        build = (work / "dist").resolve()
        assert stat.S_IMODE(build.stat().st_mode) == folder, args
        assert _modes(build) == {file}, args
        assert _modes(build, folders=True) == {folder}, args
    added = [work / "data" / "releases" / incoming.name, work / "data" / "sources" / f"{incoming.stem}.txt"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in added} == {file}


def _download(client: FlaskClient, name: str) -> tuple[bytes, str]:
    with client.get(f"/downloads/{name}") as response:
        assert response.status_code == 200, name
        return response.data, response.get_etag()[0] or ""


def test_downloads_keep_their_etag_and_bytes_together_across_builds(
    work: Path, incoming: Path, tmp_path: Path
) -> None:
    """A server that has not yet loaded the new build (it reloads every few seconds, and never when the
    reload fails) served the new dist/kg.nq under the old ETag, cacheable for 300 s. It now serves the
    build it loaded, which no later build deletes while it holds it."""
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    options = WebOptions(store_dir=tmp_path / "stores", timeout=10.0, workers=1)
    prepared = prepare_release(settings, options)
    try:
        app = create_app(settings, store=prepared.store, dataset=prepared.dataset, options=options)
        client = app.test_client()
        first, tag = _download(client, "kg.nq")
        assert tag == hashlib.sha256(first).hexdigest()
        assert kg(work, "add", str(incoming)).returncode == 0
        assert kg(work, "build").returncode == 0  # and one more: the served build is kept while held
        for name in ("kg.nq", "kg.nq.gz", "kg.ttl"):
            data, tag = _download(client, name)
            assert tag == hashlib.sha256(data).hexdigest(), name
        assert _download(client, "kg.nq")[0] == first  # the build this server loaded
    finally:
        if prepared.pin is not None:
            prepared.pin.close()
    assert kg(work, "build").returncode == 0
    assert not leftovers(work)  # let go, the old build is deleted by the next build


@contextmanager
def _tmpfs(folder: Path, size: int) -> Iterator[Path]:
    """A real file system of ``size`` bytes at ``folder`` (it needs the right to mount: root, here)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.decode().strip()}); faults cover it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("no_room", [True, False], ids=["data-full", "dist-full"])
def test_a_really_full_disk_fails_on_one_line_and_changes_nothing(
    work: Path, incoming: Path, tmp_path: Path, no_room: bool
) -> None:
    """The same as above on a real full file system (ENOSPC): with no room left at all, or room for
    the hidden record but not for a second build."""
    sizing = tmp_path / "sizing"
    shutil.copytree(work, sizing, symlinks=True)
    before = sum(p.stat().st_size for p in sizing.rglob("*") if p.is_file())
    assert kg(sizing, "build").returncode == 0
    after = sum(p.stat().st_size for p in sizing.rglob("*") if p.is_file())
    # Room for the project with one build and half another: the second build of `kg add` cannot fit.
    with _tmpfs(tmp_path / "disk", after * 4 + 8_000_000) as disk:
        shutil.copytree(work, disk / "project", symlinks=True)
        project = disk / "project"
        assert kg(project, "build").returncode == 0  # one build fits
        free = shutil.disk_usage(disk).free
        # Then fill it: no room left at all, or room for the hidden record but not for a second build.
        room = 4096 if no_room else (after - before) // 2
        (disk / "filler").write_bytes(b"\0" * max(free - room, 0))
        before = tree(project)
        added = kg(project, "add", str(incoming))
        assert added.returncode == 2 and _one_line_error(added.stderr), added.stderr
        assert "No space left on device" in added.stderr
        assert tree(project) == before and not leftovers(project)
