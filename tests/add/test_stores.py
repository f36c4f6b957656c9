"""``kg add`` next to a server (issue 12.3): the release is checked against the on-disk store the server
prepared for the linked build, kg.nq is not loaded into memory, and the new build's store is made from the
old one (a checkpoint with the release's graph), holding what kg.nq holds, ready for the server."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

import kg.add.stores
import kg.sparql.prepare
from kg.add import add_release
from kg.add.stores import retire_old_stores
from kg.cli import main
from kg.dumps import builds_dir
from kg.formats import RdfFormat
from kg.project import read_project
from kg.settings import Settings
from kg.sparql.prepare import (
    build_version,
    prepare_build_store,
    prepare_build_store_apart,
    prepared_store,
    release_store,
)
from kg.store import KgStore, canonical_dumps
from kg.synth import synth_releases
from kg.web.config import WebOptions
from kg.web.runtime import prepare_release

from .support import settings_of


def _project(built: Path, folder: Path) -> Settings:
    shutil.copytree(built, folder, symlinks=True)
    return replace(settings_of(folder), store_dir=folder / "stores")


def _statements(store: Path) -> bytes:
    dump = KgStore.open(store, read_only=True).dump(RdfFormat.NQUADS)
    return canonical_dumps(dump, [RdfFormat.NQUADS], prefixes={})[RdfFormat.NQUADS]


def _catalog(build: Path) -> Graph:
    """The build's DCAT catalog without the times it was written at."""
    catalog = Graph().parse(build / "catalog.ttl")
    for predicate in (DCTERMS.modified, DCTERMS.issued):
        catalog.remove((None, predicate, None))
    return catalog


def test_add_reads_the_servers_store_and_makes_the_next_one(
    built: Path, record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = _project(built, tmp_path / "served")
    first = prepare_release(served, WebOptions(store_dir=served.store_dir))  # as `kg serve` does
    assert first.pin is not None
    first.pin.close()
    # The seed project is small: one synthetic release is a quarter of it, above the share of a store that
    # is otherwise loaded whole (a release is a thousandth of a department's graph).
    monkeypatch.setattr(kg.sparql.prepare, "MAX_CHANGED_SHARE", 0.9)
    bulk: list[Path] = []
    monkeypatch.setattr(kg.sparql.prepare, "_load", lambda directory, nquads: bulk.append(nquads))
    loaded: list[str] = []
    load_file = KgStore.load_file

    def recording(self: KgStore, path: Path, **options: str | None) -> None:
        loaded.append(Path(path).name)
        load_file(self, path, **options)

    monkeypatch.setattr(KgStore, "load_file", recording)
    assert add_release(served, record).added
    assert "kg.nq" not in loaded and bulk == []  # only the release's fragment was loaded
    monkeypatch.undo()

    new = served.dist_dir.resolve()
    assert not (new / "kg.nq").exists()  # left to `kg build --finish`: the store is made without it
    made = prepared_store(served.store_dir, build_version(new))
    assert made is not None and made != first.store_path
    fresh, _ = prepare_build_store(new, tmp_path / "fresh")  # loaded whole, from the fragments
    assert _statements(made) == _statements(fresh)
    # The server's next store is the one kg add made.
    second = prepare_release(served, WebOptions(store_dir=served.store_dir))
    assert second.store_path == made
    assert second.pin is not None
    second.pin.close()

    # The catalog states the figures an add without a server's store states (kg.nq loaded in memory).
    alone = _project(built, tmp_path / "alone")
    assert add_release(alone, record).added
    assert not (alone.store_dir).exists()  # no store made where none was
    assert isomorphic(_catalog(new), _catalog(alone.dist_dir.resolve()))


def test_kg_add_reads_the_store_folder_kg_serve_uses(built: Path, record: Path, tmp_path: Path) -> None:
    # `kg --store-dir` (KG_STORE_DIR) is where `kg serve` prepares its stores: `kg add` looks there.
    served = _project(built, tmp_path / "served")
    first = prepare_release(served, WebOptions(store_dir=served.store_dir))
    assert first.pin is not None
    first.pin.close()
    folders = ["--data-dir", str(served.data_dir), "--dist-dir", str(served.dist_dir)]
    added = CliRunner().invoke(main, [*folders, "--store-dir", str(served.store_dir), "add", str(record)])
    assert added.exit_code == 0, added.output
    assert prepared_store(served.store_dir, build_version(served.dist_dir.resolve())) is not None


def _stores(settings: Settings) -> list[Path]:
    return sorted(settings.store_dir.glob("kg-*"))


def _second_record(built: Path, tmp_path: Path) -> Path:
    project = read_project(settings_of(built))
    existing = [release for release, _ in project.releases]
    _, second = synth_releases(2, seed=21, reference=project.reference, existing=existing)
    return second.write(tmp_path / "second")[0]


def test_without_a_server_the_first_add_prepares_the_store_the_next_adds_use(
    built: Path, record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(built, tmp_path / "alone")
    base = project.dist_dir.resolve()
    # The seed project is far below the size from which a store is worth preparing (PREPARE_FROM_BYTES).
    monkeypatch.setattr(kg.add.stores, "PREPARE_FROM_BYTES", 0)
    monkeypatch.setattr(kg.sparql.prepare, "MAX_CHANGED_SHARE", 0.9)  # as above: a big release, a small graph
    loaded: list[str] = []
    load_nquads, bulk_load = KgStore.load_nquads, kg.sparql.prepare._load

    def in_memory(self: KgStore, files: Sequence[Path], *, bulk: bool = False) -> None:
        loaded.append("bulk" if bulk else "memory")
        load_nquads(self, files, bulk=bulk)

    def on_disk(directory: Path, files: Sequence[Path]) -> None:
        loaded.append("bulk")
        bulk_load(directory, files)

    monkeypatch.setattr(KgStore, "load_nquads", in_memory)
    monkeypatch.setattr(kg.sparql.prepare, "_load", on_disk)
    assert add_release(project, record).added
    assert loaded == ["bulk"]  # the base build's store, loaded once from its fragments, as `kg serve` does
    first = project.dist_dir.resolve()
    assert not base.exists()  # no server held it: pruned, and its store retired with it
    assert _stores(project) == [prepared_store(project.store_dir, build_version(first))]

    loaded.clear()
    assert add_release(project, _second_record(built, tmp_path)).added
    assert loaded == []  # checked against the store the first add left, and the next store made from it
    second = project.dist_dir.resolve()
    (made,) = _stores(project)
    assert made == prepared_store(project.store_dir, build_version(second))
    fresh, _ = prepare_build_store(second, tmp_path / "fresh")
    assert _statements(made) == _statements(fresh)

    # The catalog states what an add with the graph in memory states.
    monkeypatch.setattr(kg.add.stores, "PREPARE_FROM_BYTES", 1 << 62)
    memory = _project(built, tmp_path / "memory")
    assert add_release(memory, record).added
    assert add_release(memory, _second_record(built, tmp_path / "again")).added
    assert not memory.store_dir.exists()  # a small graph: in memory, no store made where none was
    assert isomorphic(_catalog(second), _catalog(memory.dist_dir.resolve()))


def test_the_store_of_a_build_a_server_holds_is_kept(
    built: Path, record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = _project(built, tmp_path / "served")
    first = prepare_release(served, WebOptions(store_dir=served.store_dir))
    assert first.pin is not None and first.store_path is not None
    # A copy of the project (same data: the same store) and an older kg's store (no owner recorded).
    other = replace(_project(built, tmp_path / "other"), store_dir=served.store_dir)
    other_store, _ = prepare_build_store(other.dist_dir.resolve(), other.store_dir)
    assert other_store == first.store_path
    older = served.store_dir / ("kg-" + "0" * 64)
    shutil.copytree(first.store_path, older)
    (older / kg.sparql.prepare.OWNER_FILE).unlink()
    monkeypatch.setattr(kg.sparql.prepare, "MAX_CHANGED_SHARE", 0.9)
    try:
        assert add_release(served, record).added
        new = prepared_store(served.store_dir, build_version(served.dist_dir.resolve()))
        assert new is not None
        assert _stores(served) == sorted([first.store_path, new, older])
    finally:
        first.pin.close()
    # Once the server lets go, the next add retires the stores of the builds gone, but not the copy's.
    assert add_release(served, _second_record(built, tmp_path)).added
    newest = prepared_store(served.store_dir, build_version(served.dist_dir.resolve()))
    assert _stores(served) == sorted([first.store_path, newest, older])
    assert (first.store_path / kg.sparql.prepare.OWNER_FILE).read_text(encoding="utf-8").splitlines() == [
        str(other.dist_dir.resolve().parent)
    ]
    # The copy's add retires it.
    assert add_release(other, record).added
    assert first.store_path not in _stores(served) and older in _stores(served)


def test_a_store_folder_that_cannot_be_written_leaves_the_graph_in_memory(
    built: Path, record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    project = replace(_project(built, tmp_path / "project"), store_dir=blocked / "stores")
    monkeypatch.setattr(kg.add.stores, "PREPARE_FROM_BYTES", 0)
    result = add_release(project, record)
    assert result.added and result.check.ok
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_no_store_is_retired_while_a_build_has_no_fragment_index(built: Path, tmp_path: Path) -> None:
    project = _project(built, tmp_path / "project")
    base = project.dist_dir.resolve()
    store, _ = prepare_build_store(base, project.store_dir)
    gone = project.store_dir / ("kg-" + "0" * 64)  # this project's store of a build that is gone
    shutil.copytree(store, gone)
    older = base.parent / "20000101T000000Z-older"  # an older kg's build: no fragments, no index
    older.mkdir()
    shutil.copy(base / "kg.nq", older / "kg.nq")
    assert retire_old_stores(project) == [] and gone.is_dir()
    shutil.rmtree(older)
    # While another process loads a store (it holds the folder's lock), kg add does not wait to retire.
    handle = os.open(project.store_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert retire_old_stores(project) == [] and gone.is_dir()
    finally:
        os.close(handle)
    assert retire_old_stores(project) == [gone] and store.is_dir()


def test_a_server_deletes_a_store_it_retires_unless_a_copy_of_the_project_uses_it(
    built: Path, tmp_path: Path
) -> None:
    one = _project(built, tmp_path / "one")
    copy = replace(_project(built, tmp_path / "copy"), store_dir=one.store_dir)
    store, _ = prepare_build_store(one.dist_dir.resolve(), one.store_dir)
    assert prepare_build_store(copy.dist_dir.resolve(), copy.store_dir)[0] == store  # the same data
    assert not release_store(store, builds_dir(one.dist_dir))  # as kg.web.live does when it swaps builds
    assert store.is_dir()
    assert release_store(store, builds_dir(copy.dist_dir))
    assert not store.exists()


def test_kg_build_store_prepares_the_store_and_retires_the_last_one(
    built: Path, record: Path, tmp_path: Path
) -> None:
    project = _project(built, tmp_path / "project")
    folders = ["--data-dir", str(project.data_dir), "--dist-dir", str(project.dist_dir)]
    command = [*folders, "--store-dir", str(project.store_dir), "build", "--store"]
    first = CliRunner().invoke(main, command)
    assert first.exit_code == 0, first.output
    (made,) = _stores(project)
    assert made == prepared_store(project.store_dir, build_version(project.dist_dir.resolve()))
    assert f"Prepared the store {made}" in first.output
    # One more release in data/: the next build's store is made from this one, which then goes.
    for path in record.parent.iterdir():  # the record and its source text
        shutil.copy(path, project.releases_dir if path == record else project.sources_dir)
    second = CliRunner().invoke(main, command)
    assert second.exit_code == 0, second.output
    assert _stores(project) == [prepared_store(project.store_dir, build_version(project.dist_dir.resolve()))]
    assert made not in _stores(project)


def test_a_server_loads_its_store_in_a_child_process(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bulk load leaves the loading process's heap hundreds of megabytes larger: not the server's.
    project = _project(built, tmp_path / "project")
    build = project.dist_dir.resolve()

    def here(*_: object) -> None:
        raise AssertionError("the store was loaded in the server's process")

    monkeypatch.setattr(kg.sparql.prepare, "_load", here)  # the child process imports its own
    monkeypatch.setattr(kg.sparql.prepare, "APART_FROM_BYTES", 0)  # the seed's graph is small
    path, version = prepare_build_store_apart(build, project.store_dir)
    assert version == build_version(build) and path == prepared_store(project.store_dir, version)
    monkeypatch.undo()
    fresh, _ = prepare_build_store(build, tmp_path / "fresh")
    assert _statements(path) == _statements(fresh)
    assert prepare_build_store_apart(build, project.store_dir) == (path, version)  # there: nothing loaded
