"""``kg build`` writes every dump, gzipped, with checksums; a failed build leaves dist/ as it was."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.dumps import read_manifest, union_view, write_dumps
from kg.formats import RdfFormat
from kg.project import build_project
from kg.settings import Settings


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> Path:
    target = tmp_path_factory.mktemp("build") / "dist"
    write_dumps(dataset, target)
    return target


def test_every_format_is_written_plain_and_gzipped(dist: Path) -> None:
    names = {p.name for p in dist.iterdir()}
    for fmt in RdfFormat:
        assert f"kg.{fmt.extension}" in names
        assert f"kg.{fmt.extension}.gz" in names
        plain = (dist / f"kg.{fmt.extension}").read_bytes()
        assert gzip.decompress((dist / f"kg.{fmt.extension}.gz").read_bytes()) == plain


def test_manifest_and_checksums_match_the_files(dist: Path) -> None:
    infos = read_manifest(dist)
    assert {i.name for i in infos} >= {"kg.ttl", "kg.nq.gz", "context.jsonld"}
    sums = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text().splitlines())
    for info in infos:
        data = (dist / info.name).read_bytes()
        assert info.size == len(data)
        assert info.sha256 == hashlib.sha256(data).hexdigest() == sums[info.name]


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.name)
def test_each_dump_parses_back_to_the_same_graph(
    dist: Path, dataset: Dataset, graph: Graph, fmt: RdfFormat
) -> None:
    path = dist / f"kg.{fmt.extension}"
    if fmt.supports_datasets and fmt is not RdfFormat.JSONLD:
        parsed = Dataset()
        parsed.parse(path, format=fmt.rdflib_name)
        names = {str(g.identifier) for g in parsed.graphs() if len(g)}
        assert names == {str(g.identifier) for g in dataset.graphs() if len(g)}
        union = Graph()
        for s, p, o, _ in parsed.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        union = Graph().parse(path, format=fmt.rdflib_name)
    assert isomorphic(union, graph)


def test_jsonld_is_compacted_with_the_published_context(dist: Path) -> None:
    doc = json.loads((dist / "kg.jsonld").read_text())
    context = json.loads((dist / "context.jsonld").read_text())
    assert doc["@context"] == context["@context"]
    assert "schema" in context["@context"]
    text = (dist / "kg.jsonld").read_text()
    assert '"schema:name"' in text


def test_union_view_reads_the_union_in_place(dataset: Dataset, graph: Graph) -> None:
    view = union_view(dataset)
    assert len(view) == len(graph) and set(view) == set(graph)
    some = next(iter(graph))
    assert set(view.triples((some[0], None, None))) == set(graph.triples((some[0], None, None)))
    assert not view.context_aware  # so rdflib reads it as one graph, not the named graphs


def test_builds_are_reproducible(tmp_path: Path, dataset: Dataset) -> None:
    first = write_dumps(dataset, tmp_path / "a")
    second = write_dumps(dataset, tmp_path / "b")
    assert [(i.name, i.sha256) for i in first] == [(i.name, i.sha256) for i in second]


def test_blank_node_labels_are_canonical(settings: Settings, tmp_path: Path) -> None:
    # A fresh parse of the ontology gives rdflib new random blank node ids; the dumps must not change.
    write_dumps(build_project(settings), tmp_path / "a")
    write_dumps(build_project(settings), tmp_path / "b")
    for fmt in RdfFormat:  # JSON-LD too: it is written from the canonical N-Quads (kg.jsonld)
        name = f"kg.{fmt.extension}"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_failed_build_leaves_previous_dumps_whole(tmp_path: Path, dataset: Dataset) -> None:
    target = tmp_path / "dist"
    write_dumps(dataset, target)
    before = {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()}

    def explode(_staging: Path) -> list:  # type: ignore[type-arg]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_dumps(dataset, target, extra=explode)
    assert {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.builds", "dist"]
    assert list((tmp_path / ".dist.builds").iterdir()) == [target.resolve()]  # no staging build left
