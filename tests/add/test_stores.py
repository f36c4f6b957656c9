"""``kg add`` next to a server (issue 12.3): the release is checked against the on-disk store the server
prepared for the linked build, kg.nq is not loaded into memory, and the new build's store is made from the
old one (a checkpoint with the release's graph), holding what kg.nq holds, ready for the server."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

import kg.sparql.prepare
from kg.add import add_release
from kg.cli import main
from kg.formats import RdfFormat
from kg.settings import Settings
from kg.sparql.prepare import build_version, prepare_build_store, prepared_store
from kg.store import KgStore, canonical_dumps
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
