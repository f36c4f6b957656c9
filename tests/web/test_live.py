"""The server follows dist/: a release added with `kg add` is served without a restart; a refused one, or
a build that cannot be served, changes nothing that is served."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from kg.add import add_release, publish
from kg.project import build_project, read_project
from kg.settings import Settings
from kg.synth import synth_releases
from kg.web.config import WebOptions
from kg.web.live import LiveApp
from kg.web.serve import load_build, serving

from .support import fetch, running, server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RELEASES = quote("SELECT (COUNT(?r) AS ?n) WHERE { ?r a <https://w3id.org/kg-funding/ontology#NewsRelease> }")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("live")
    shutil.copytree(ROOT / "data", work / "data")
    settings = Settings(data_dir=work / "data", dist_dir=work / "dist")
    publish(settings, build_project(settings))
    return work


@pytest.fixture
def work(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "project")
    return tmp_path / "project"


def _settings(work: Path) -> Settings:
    return Settings(data_dir=work / "data", dist_dir=work / "dist")


def _new_release(work: Path, seed: int) -> Path:
    project = read_project(_settings(work))
    existing = [release for release, _ in project.releases]
    (synthetic,) = synth_releases(1, seed=seed, reference=project.reference, existing=existing)
    record, _ = synthetic.write(work / "incoming")
    return record


def _releases(url: str) -> int:
    reply = fetch(url, f"/sparql?query={RELEASES}", headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def _eventually(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_an_added_release_is_served_and_the_old_build_retired(work: Path, tmp_path: Path) -> None:
    settings = _settings(work)
    options = WebOptions(store_dir=tmp_path / "stores", workers=1, timeout=5)
    said: list[str] = []
    live = LiveApp(
        lambda: load_build(settings, options), settings.dist_dir, interval=0.2, retire_after=0.5,
        announce=said.append,
    )  # fmt: skip
    with live, running(live) as url:
        first = live.current
        assert first.service is not None
        old_workers = first.service.worker_pids()
        assert _releases(url) == 1
        etag = fetch(url, "/project/interpol-mobile-police-training-program.ttl").header("ETag")
        assert add_release(settings, _new_release(work, seed=3)).added
        assert _eventually(lambda: _releases(url) == 2)
        assert live.current.version != first.version
        assert any("Serving the new build" in line for line in said)
        assert fetch(url, "/project/interpol-mobile-police-training-program.ttl").header("ETag") != etag
        # The old build's query processes are stopped once no request can still be using them, and its
        # on-disk store is deleted (each kg add would otherwise leave a copy of the whole graph behind).
        assert _eventually(lambda: not any(_alive(pid) for pid in old_workers), seconds=30)
        assert first.store_path is not None and live.current.store_path is not None
        assert _eventually(lambda: first.store_path is not None and not first.store_path.exists(), seconds=30)
        assert live.current.store_path.is_dir()
        assert _releases(url) == 2


def test_a_refused_release_and_a_broken_build_change_nothing_served(work: Path, tmp_path: Path) -> None:
    settings = _settings(work)
    options = WebOptions(store_dir=tmp_path / "stores", workers=1, timeout=5, reload_interval=0)
    said: list[str] = []
    with serving(settings, [], options, announce=said.append) as live, running(live) as url:
        served = live.current
        bad = _new_release(work, seed=4)
        record = yaml.safe_load(bad.read_text(encoding="utf-8"))
        record["projects"][0]["implementers"] = []  # a project must have an implementer (SHACL)
        bad.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
        refused = add_release(settings, bad)
        assert not refused.added and refused.check.report is not None
        assert live.check() is False and live.current is served
        # A build whose manifest is there but whose N-Quads are not (neither kg.nq nor the fragments it
        # joins) cannot be served: reported once.
        nquads, index = settings.dist_dir / "kg.nq", settings.dist_dir / "graphs" / "index.json"
        kept, kept_index = nquads.read_bytes(), index.read_bytes()
        nquads.unlink()
        index.unlink()
        manifest = settings.dist_dir / "manifest.json"
        manifest.write_text(manifest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert live.check() is False and live.check() is False
        assert [line for line in said if "cannot be served" in line] == [said[-1]]
        assert live.current is served and _releases(url) == 1
        nquads.write_bytes(kept)  # the same data again under a new manifest: served again, now fine
        index.write_bytes(kept_index)
        manifest.write_text(manifest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert live.check() is True and _releases(url) == 1


def test_kg_serve_serves_what_kg_add_adds(work: Path, tmp_path: Path) -> None:
    """The real commands: `kg serve` in one process, `kg add` in another."""
    env = {
        "KG_DATA_DIR": str(work / "data"),
        "KG_DIST_DIR": str(work / "dist"),
        "KG_STORE_DIR": str(tmp_path / "stores"),
        "KG_RELOAD_INTERVAL": "0.5",
    }
    record = _new_release(work, seed=5)
    with server([str(BIN / "kg"), "serve", "--port", "0", "--workers", "1"], env) as url:
        assert _releases(url) == 1
        done = subprocess.run(
            [str(BIN / "kg"), "add", str(record)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert _eventually(lambda: _releases(url) == 2)
