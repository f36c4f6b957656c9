"""Loading builds into a remote store: `kg build` with KG_STORE, then only what changed, graphs removed,
bad input refused with one line (Oxigraph server; the Graph Store requests are the same for Virtuoso,
which test_remote_serving.py loads)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from store_servers import Server, fresh_prefix

from kg.cli import main
from kg.errors import StoreError
from kg.project import read_project
from kg.settings import Settings
from kg.store.push import push_nquads
from kg.store.remote import RemoteStore
from kg.synth import synth_releases

ROOT = Path(__file__).resolve().parents[2]


def test_kg_build_loads_the_build_into_kg_store(oxigraph_server: Server, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    base = f"https://kg.test/{tmp_path.name}/"  # its own graphs on the shared server
    env = {"KG_STORE": oxigraph_server.url, "KG_STORE_DIR": str(tmp_path / "stores"), "KG_BASE_IRI": base}
    args = ["--data-dir", str(tmp_path / "data"), "--dist-dir", str(tmp_path / "dist"), "build"]
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    store = RemoteStore(oxigraph_server.url, graph_prefix=f"{base}graph/")
    graphs = store.graphs()
    assert len(graphs) >= 3 and f"{base}graph/reference" in graphs
    assert f"{len(graphs)} graph(s) replaced, 0 deleted, 0 unchanged" in first.stderr
    again = CliRunner().invoke(main, args, env=env)
    assert again.exit_code == 0 and f"0 graph(s) replaced, 0 deleted, {len(graphs)} unchanged" in again.stderr
    # kg add: the new release's graph goes in; the graphs it did not change are not sent again.
    settings = Settings(data_dir=tmp_path / "data", dist_dir=tmp_path / "dist", base_iri=base)
    project = read_project(settings)
    existing = [release for release, _ in project.releases]
    record, _ = synth_releases(1, seed=11, reference=project.reference, existing=existing)[0].write(
        tmp_path / "in"
    )
    added = CliRunner().invoke(main, [*args[:-1], "add", str(record)], env=env)
    assert added.exit_code == 0, added.output
    assert len(store.graphs()) == len(graphs) + 1
    assert f"1 graph(s) replaced, 0 deleted, {len(graphs)} unchanged" in added.stderr, added.stderr
    bad = CliRunner().invoke(main, args, env={**env, "KG_STORE": "http://127.0.0.1:1"})
    assert bad.exit_code == 2 and bad.stderr.startswith("kg: error: store URL") and bad.stderr[-1] == "\n"


def _write(path: Path, prefix: str, graphs: dict[str, str]) -> Path:
    lines = [f'<http://ex/{g}/s> <http://ex/p> "{v}" <{prefix}{g}> .\n' for g, v in graphs.items()]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_only_changed_graphs_are_sent_and_gone_ones_deleted(oxigraph_server: Server, tmp_path: Path) -> None:
    prefix = fresh_prefix()
    store = RemoteStore(oxigraph_server.url, graph_prefix=prefix)
    record = tmp_path / "pushed.json"
    first = push_nquads(store, _write(tmp_path / "a.nq", prefix, {"a": "1", "b": "1", "c": "1"}), record)
    assert (len(first.replaced), first.deleted, first.unchanged) == (3, (), 0)
    second = push_nquads(store, _write(tmp_path / "b.nq", prefix, {"a": "1", "b": "2"}), record)
    assert (second.replaced, second.deleted, second.unchanged) == ((f"{prefix}b",), (f"{prefix}c",), 1)
    assert store.graphs() == [f"{prefix}a", f"{prefix}b"]
    assert store.query(f'ASK {{ GRAPH <{prefix}b> {{ ?s ?p "2" }} }}').boolean is True
    store.delete_graph(f"{prefix}a")  # the store lost a graph behind our back: it is sent again
    third = push_nquads(store, tmp_path / "b.nq", record)
    assert third.replaced == (f"{prefix}a",)


def test_what_a_remote_store_cannot_hold_is_refused(oxigraph_server: Server, tmp_path: Path) -> None:
    prefix = fresh_prefix()
    store = RemoteStore(oxigraph_server.url, graph_prefix=prefix)
    (tmp_path / "default.nq").write_text('<http://ex/s> <http://ex/p> "x" .\n', encoding="utf-8")
    with pytest.raises(StoreError, match="default graph"):
        push_nquads(store, tmp_path / "default.nq")
    with pytest.raises(StoreError, match="is not under"):
        push_nquads(store, _write(tmp_path / "other.nq", "http://elsewhere/", {"a": "1"}))
    with pytest.raises(StoreError, match="not on loopback"):
        RemoteStore("oxigraph+http://192.0.2.1:7878", graph_prefix=prefix)
    with pytest.raises(StoreError, match="expected oxigraph"):
        RemoteStore("fuseki+http://127.0.0.1:3030", graph_prefix=prefix)
    assert store.graphs() == []
