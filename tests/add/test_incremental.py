"""``kg add`` makes the new build from the linked one (issue 12.3): one fragment written, the others linked,
the same N-Quads as a whole build, and ``kg build --finish`` writes the rest as a whole build would."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import DCAT

import kg.dumps
import kg.finish
import kg.sparql.prepare
from kg.add import add_release, publish
from kg.cli import main
from kg.finish import finish, pending
from kg.formats import RdfFormat
from kg.fragments import nquads_files
from kg.project import build_project
from kg.settings import Settings
from kg.sparql import prepare_build_store
from kg.store import KgStore, canonical_dumps
from kg.web import create_app
from kg.web.config import WebOptions
from kg.web.runtime import prepare_release

from .support import settings_of


@pytest.fixture
def linked(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project that keeps ``dist`` a link to its build (as `kg build` leaves it)."""
    shutil.copytree(built, tmp_path / "project", symlinks=True)
    assert (tmp_path / "project" / "dist").is_symlink()
    return tmp_path / "project"


def _manifest(dist: Path) -> dict[str, object]:
    data = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _whole(dist: Path) -> bool:
    files = _manifest(dist)["files"]
    assert isinstance(files, list)
    return all(hashlib.sha256((dist / f["name"]).read_bytes()).hexdigest() == f["sha256"] for f in files)


def _rebuilt(work: Path, tmp_path: Path) -> Path:
    """The same data/ built whole by `kg build`'s code, elsewhere."""
    settings = Settings(data_dir=work / "data", dist_dir=tmp_path / "whole" / "dist")
    publish(settings, build_project(settings))
    return settings.dist_dir


def test_add_writes_the_release_fragment_and_links_the_others(
    linked: Path, record: Path, tmp_path: Path
) -> None:
    settings = settings_of(linked)
    before = settings.dist_dir.resolve()
    old = {p.name: p.stat().st_ino for p in (before / "graphs").glob("*.nq")}
    outcome = add_release(settings, record)
    assert outcome.added
    after = settings.dist_dir.resolve()
    assert after != before and _whole(settings.dist_dir)
    new = {p.name: p.stat().st_ino for p in (after / "graphs").glob("*.nq")}
    assert set(new) - set(old) == {n for n in new if n.startswith(outcome.release_id)}
    assert all(new[name] == inode for name, inode in old.items())  # hard links: nothing rewritten
    # The N-Quads are those of a whole build of the same records, byte for byte.
    whole = _rebuilt(linked, tmp_path)
    assert _nquads(settings.dist_dir) == (whole / "kg.nq").read_bytes()
    assert not (after / "kg.nq").exists() and "kg.nq" in pending(after)  # joined by `kg build --finish`
    # What is not written yet is named, and not listed as a file.
    waiting = pending(after)
    assert {"kg.ttl", "kg.jsonld", "kg.nq.gz", "projects.csv", "iati-activities.xml"} <= set(waiting)
    assert not any((after / name).exists() for name in waiting)
    catalog = (settings.dist_dir / "catalog.ttl").read_text(encoding="utf-8")
    assert "kg.nq" in catalog and "kg.ttl" not in catalog


def test_finish_writes_the_pending_files_as_a_whole_build_does(
    linked: Path, record: Path, tmp_path: Path
) -> None:
    settings = settings_of(linked)
    assert add_release(settings, record).added
    added = settings.dist_dir.resolve()
    assert finish(settings)
    done = settings.dist_dir.resolve()
    assert done != added and not pending(done) and _whole(settings.dist_dir)
    assert not added.exists()  # the build it replaced is pruned (no server holds it)
    whole = _rebuilt(linked, tmp_path)
    for name in ("kg.nq", "kg.ttl", "kg.nt", "kg.trig", "kg.jsonld", "kg.rdf", "projects.csv"):
        assert (done / name).read_bytes() == (whole / name).read_bytes(), name
    names = {f["name"] for f in _manifest(done)["files"]}  # type: ignore[union-attr]
    assert names == {f["name"] for f in _manifest(whole)["files"]}  # type: ignore[union-attr]
    assert not finish(settings)  # nothing left to do


def test_finish_gives_way_to_a_newer_build(
    linked: Path, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(linked)
    assert add_release(settings, record).added
    write = kg.finish._write

    def meanwhile(settings_: Settings, base: Path, build: Path) -> None:
        write(settings_, base, build)
        publish(settings, build_project(settings))  # a `kg build` links a newer build meanwhile

    monkeypatch.setattr(kg.finish, "_write", meanwhile)
    assert not finish(settings)
    newer = settings.dist_dir.resolve()
    assert not pending(newer) and _whole(settings.dist_dir)
    builds = [p for p in newer.parent.iterdir() if p.is_dir()]
    assert builds == [newer]  # its own build deleted, the one it started from pruned


def test_kg_add_finishes_its_build_in_the_background(linked: Path, record: Path) -> None:
    # The default mode, as a user runs it: `kg add` returns with the rest pending, and the `kg build --finish`
    # it started in a process of its own writes it (logged in finish.log).
    env = {k: v for k, v in os.environ.items() if k != "KG_FINISH"}
    args = ["--data-dir", str(linked / "data"), "--dist-dir", str(linked / "dist"), "add", str(record)]
    added = subprocess.run([sys.executable, "-m", "kg.cli", *args], env=env, capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    dist = linked / "dist"
    deadline = time.monotonic() + 120
    while pending(dist.resolve()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not pending(dist.resolve()) and _whole(dist)
    assert (dist / "kg.ttl").exists() and (dist / "iati-activities.xml").exists()
    assert (dist.resolve().parent / "finish.log").exists()


def test_the_server_store_after_an_add_is_made_from_the_last_one(
    linked: Path, record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `kg serve` follows each build: after a `kg add` its store is the last one with one graph loaded,
    # holding what a store loaded from the new kg.nq would hold.
    settings = settings_of(linked)
    options = WebOptions(store_dir=tmp_path / "stores")
    first = prepare_release(settings, options)
    assert add_release(settings, record).added
    loads: list[Path] = []
    monkeypatch.setattr(kg.sparql.prepare, "_load", lambda directory, nquads: loads.append(nquads))
    # The seed project is small: one synthetic release is a quarter of it, above the share that is
    # otherwise loaded whole (a release is a thousandth of a department's graph).
    monkeypatch.setattr(kg.sparql.prepare, "MAX_CHANGED_SHARE", 0.9)
    second = prepare_release(settings, options)
    assert second.store_path != first.store_path and loads == []
    assert second.store_path is not None and first.store_path is not None
    monkeypatch.undo()
    fresh, _ = prepare_build_store(settings.dist_dir.resolve(), tmp_path / "fresh")

    def statements(store: Path) -> bytes:
        dump = KgStore.open(store, read_only=True).dump(RdfFormat.NQUADS)
        return canonical_dumps(dump, [RdfFormat.NQUADS], prefixes={})[RdfFormat.NQUADS]

    assert statements(second.store_path) == statements(fresh) != statements(first.store_path)
    for prepared in (first, second):
        assert prepared.pin is not None
        prepared.pin.close()


def _nquads(build: Path) -> bytes:
    """The build's N-Quads: its kg.nq, or the fragments it joins before `kg build --finish`."""
    return b"".join(path.read_bytes() for path in nquads_files(build.resolve()))


def _union_size(dist: Path) -> int:
    store = KgStore()
    store.load_nquads(nquads_files(dist))
    query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    return int(store.query(query).records()[0]["n"])


@pytest.mark.parametrize("stated", ["as built", "absent (an older kg)", "stated 1000 too high"])
def test_the_union_size_is_counted_from_the_last_builds(linked: Path, record: Path, stated: str) -> None:
    """The manifest states the union's size; `kg add` adds what the release adds to the figure of the last
    build (counted whole when the manifest has none), and `kg build --finish` keeps it."""
    settings = settings_of(linked)
    base = settings.dist_dir.resolve()
    before = _union_size(base)
    assert _manifest(base)["triples"] == before
    offset = 1000 if stated.startswith("stated") else 0
    if stated != "as built":
        manifest = _manifest(base)
        if offset:
            manifest["triples"] = int(str(manifest["triples"])) + offset
        else:
            del manifest["triples"]
        (base / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert add_release(settings, record).added
    added = settings.dist_dir.resolve()
    size = _union_size(added)
    assert size > before
    assert _manifest(added)["triples"] == size + offset  # with the offset: the stated figure was used
    assert finish(settings)
    assert _manifest(settings.dist_dir)["triples"] == size + offset


def test_an_add_flushes_only_the_files_it_wrote(
    linked: Path, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last build's fragments are hard-linked, so already on disk: only new files and the folders are
    flushed (flushing every fragment again grew with the graph)."""
    flushed: list[Path] = []
    real = kg.dumps._fsync

    def recording(path: Path) -> None:
        flushed.append(path)
        real(path)

    monkeypatch.setattr(kg.dumps, "_fsync", recording)
    settings = settings_of(linked)
    old = {p.name for p in (settings.dist_dir.resolve() / "graphs").glob("*.nq")}
    outcome = add_release(settings, record)
    after = settings.dist_dir.resolve()
    names = {p.name for p in flushed if p.parent == after / "graphs"}
    assert names and not names & old  # no linked fragment flushed again
    assert any(name.startswith(outcome.release_id) for name in names)  # the release's own fragment is
    assert after / "graphs" in flushed and after in flushed  # the folders (the links' new names) are


def test_before_finish_the_add_build_is_served_and_read_from_its_fragments(
    linked: Path, record: Path, tmp_path: Path
) -> None:
    """kg.nq is left to `kg build --finish`; meanwhile the server loads the fragments, serves them joined
    at /downloads/kg.nq (the bytes --finish writes), and the commands that read the graph read them."""
    settings = settings_of(linked)
    assert add_release(settings, record).added
    added = settings.dist_dir.resolve()
    assert not (added / "kg.nq").exists()
    options = WebOptions(store_dir=tmp_path / "stores")
    prepared = prepare_release(settings, options)
    assert prepared.pin is not None
    try:
        app = create_app(settings, store=prepared.store, dataset=prepared.dataset, options=options)
        client = app.test_client()
        response = client.get("/downloads/kg.nq", buffered=True)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/n-quads; charset=utf-8"
        assert response.headers["Content-Disposition"] == "attachment; filename=kg.nq"
        joined = response.data
        assert response.headers["Content-Length"] == str(len(joined))
        assert (
            client.get("/downloads/kg.nq", headers={"If-None-Match": response.headers["ETag"]}).status_code
            == 304
        )
        listing = client.get("/downloads/?format=json").get_json()
        entry = next(f for f in listing["files"] if f["name"] == "kg.nq")
        assert entry["size"] == len(joined) and entry["sha256"] is None
        # The catalog describes it (its size; the checksum comes with --finish).
        catalog = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
        sizes = {int(str(size)) for size in catalog.objects(None, DCAT.byteSize)}
        assert len(joined) in sizes
    finally:
        prepared.pin.close()
    # `kg query` and `kg validate` read the fragments too.
    folders = ["--data-dir", str(settings.data_dir), "--dist-dir", str(settings.dist_dir)]
    counted = CliRunner().invoke(
        main, [*folders, "query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"]
    )
    assert counted.exit_code == 0, counted.output
    assert str(joined.count(b"\n")) in counted.output
    validated = CliRunner().invoke(main, [*folders, "validate"])
    assert validated.exit_code == 0, validated.output
    # --finish writes kg.nq: the bytes served meanwhile, under the same version (the store is kept).
    assert finish(settings)
    done = settings.dist_dir.resolve()
    assert (done / "kg.nq").read_bytes() == joined
    assert prepare_release(settings, options).store_path == prepared.store_path
