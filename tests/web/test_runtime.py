"""Getting a dataset ready to serve: release builds and arbitrary RDF files in every format."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.errors import SourceError
from kg.settings import Settings
from kg.web.config import WebOptions
from kg.web.runtime import Prepared, graph_names, prepare_files

BASE = "https://w3id.org/kg-funding/"
NAME = URIRef("https://schema.org/name")


def _files(folder: Path) -> list[Path]:
    paths = []
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")):
        graph = Graph()
        graph.add((URIRef(f"{BASE}project/from-{ext}"), NAME, Literal(f"from {ext}")))
        path = folder / f"data.{ext}"
        path.write_text(graph.serialize(format=fmt), encoding="utf-8")
        paths.append(path)
    for ext, fmt in (("trig", "trig"), ("nq", "nquads")):
        dataset = Dataset()
        dataset.graph(URIRef("http://example.org/g")).add(
            (URIRef(f"{BASE}project/from-{ext}"), NAME, Literal(ext))
        )
        path = folder / f"quads.{ext}"
        path.write_text(dataset.serialize(format=fmt), encoding="utf-8")
        paths.append(path)
    packed = folder / "packed.ttl.gz"
    packed.write_bytes(gzip.compress(f'<{BASE}project/from-gz> <{NAME}> "gz" .\n'.encode()))
    return [*paths, packed]


@pytest.fixture
def served(tmp_path: Path) -> Prepared:
    settings = Settings(data_dir=tmp_path, dist_dir=tmp_path / "dist")
    return prepare_files(_files(tmp_path), settings, WebOptions(store_dir=tmp_path / "stores"))


def test_every_rdf_format_is_served(served: Prepared) -> None:
    subjects = {q.subject.value for q in served.store.quads(predicate=str(NAME))}
    assert {
        f"{BASE}project/from-{ext}" for ext in ("ttl", "nt", "jsonld", "rdf", "trig", "nq", "gz")
    } <= subjects
    assert f"{BASE}graph/data" in served.dataset.public_graphs
    assert f"{BASE}graph/packed" in served.dataset.public_graphs
    assert "http://example.org/g" in served.dataset.public_graphs  # named graphs keep their names
    assert len(served.dataset.version) == 64
    assert served.dataset.dumps == ()


def test_the_same_files_reuse_the_store(tmp_path: Path, served: Prepared) -> None:
    again = prepare_files(
        _files(tmp_path), Settings(data_dir=tmp_path), WebOptions(store_dir=tmp_path / "stores")
    )
    assert again.store_path == served.store_path


def test_graph_names_are_unique_slugs() -> None:
    names = graph_names([Path("a/Grants 2024.ttl.gz"), Path("b/grants-2024.nt"), Path("x.nq")], BASE)
    assert names == [f"{BASE}graph/grants-2024", f"{BASE}graph/grants-2024-2", f"{BASE}graph/x"]


def test_bad_files_are_one_line_errors(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    options = WebOptions(store_dir=tmp_path / "stores")
    with pytest.raises(SourceError, match="no such file"):
        prepare_files([tmp_path / "missing.ttl"], settings, options)
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    with pytest.raises(SourceError, match="extension"):
        prepare_files([odd], settings, options)


def test_files_with_blank_nodes_reuse_their_store(tmp_path: Path) -> None:
    # A blank node parses to another label each time: the store is keyed by the files' bytes, so a restart,
    # or each server process of `kg serve --processes`, opens the one store loaded first.
    path = tmp_path / "blank.ttl"
    path.write_text(f'[] <{NAME}> "anonymous" .\n<{BASE}project/x> <{NAME}> [ <{NAME}> "nested" ] .\n')
    settings, options = Settings(data_dir=tmp_path), WebOptions(store_dir=tmp_path / "stores")
    first = prepare_files([path], settings, options)
    again = prepare_files([path], settings, options)
    assert again.store_path == first.store_path and again.dataset.version == first.dataset.version
    assert len(list((tmp_path / "stores").glob("kg-*"))) == 1
    path.write_text(f'[] <{NAME}> "changed" .\n')
    assert prepare_files([path], settings, options).store_path != first.store_path
