"""A store made from the last one when a build changes few graphs (``kg.sparql.prepare``, issue 12.3).

Each case compares the updated store with the same N-Quads bulk-loaded afresh, statement for statement
(blank nodes canonicalised: a store names them anew at each load), and watches which way it was made.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import kg.sparql.prepare as prepare
from kg.formats import RdfFormat
from kg.sparql.prepare import GraphPart, prepare_store, store_graphs
from kg.store import KgStore, canonical_dumps

EX = "http://example.org/"


def _graph(name: str, *values: str, blank: bool = False) -> str:
    lines = [f'<{EX}{name}/s> <{EX}p> "{value}" <{EX}graph/{name}> .\n' for value in values]
    if blank:  # a blank node, as the ontology's graph holds (its labels are its own, kg.fragments)
        lines.append(f"<{EX}{name}/s> <{EX}q> _:{name}b1 <{EX}graph/{name}> .\n")
        lines.append(f'_:{name}b1 <{EX}p> "inside" <{EX}graph/{name}> .\n')
    return "".join(lines)


def _build(folder: Path, graphs: dict[str, str]) -> tuple[Path, dict[str, GraphPart]]:
    """A build as ``kg build`` writes it: a fragment per graph and ``kg.nq`` their concatenation."""
    (folder / "graphs").mkdir(parents=True)
    parts = {}
    for name, text in sorted(graphs.items()):
        path = folder / "graphs" / f"{name}.nq"
        path.write_text(text, encoding="utf-8")
        data = path.read_bytes()
        parts[f"{EX}graph/{name}"] = GraphPart(path, hashlib.sha256(data).hexdigest(), len(data))
    nquads = folder / "kg.nq"
    nquads.write_text("".join(graphs[name] for name in sorted(graphs)), encoding="utf-8")
    return nquads, parts


def _statements(store: Path) -> bytes:
    dump = KgStore.open(store, read_only=True).dump(RdfFormat.NQUADS)
    return canonical_dumps(dump, [RdfFormat.NQUADS], prefixes={})[RdfFormat.NQUADS]


def _fresh(nquads: Path, root: Path) -> bytes:
    path, _ = prepare_store(nquads, root)  # no parts: always a bulk load
    return _statements(path)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The dumps loaded whole (``prepare._load``), in order."""
    seen: list[Path] = []
    load = prepare._load

    def spy(directory: Path, files: list[Path]) -> None:
        seen.extend(files)
        load(directory, files)

    monkeypatch.setattr(prepare, "_load", spy)
    return seen


def _many(prefix: str, count: int) -> dict[str, str]:
    return {f"{prefix}{i:02d}": _graph(f"{prefix}{i:02d}", "a", "b", "c") for i in range(count)}


def test_a_build_changing_few_graphs_updates_the_last_store(tmp_path: Path, loads: list[Path]) -> None:
    graphs = {**_many("release", 12), "ontology": _graph("ontology", "o", blank=True)}
    first, parts = _build(tmp_path / "one", graphs)
    old, _ = prepare_store(first, tmp_path / "stores", parts)
    assert loads == [first] and store_graphs(old) == {g: p.sha256 for g, p in parts.items()}
    before = _statements(old)
    # A `kg add`: one release changed, one new, one gone; the graph with a blank node unchanged.
    changed = {
        **graphs,
        "release03": _graph("release03", "a", "changed"),
        "release99": _graph("release99", "n"),
    }
    del changed["release07"]
    second, new_parts = _build(tmp_path / "two", changed)
    new, version = prepare_store(second, tmp_path / "stores", new_parts)
    assert loads == [first]  # not loaded whole: made from the first store
    assert new != old and new.name == f"kg-{version}"
    assert _statements(new) == _fresh(second, tmp_path / "fresh")
    assert _statements(old) == before  # the store it came from is untouched (servers may be reading it)
    assert store_graphs(new) == {g: p.sha256 for g, p in new_parts.items()}
    assert sorted(p.name for p in (tmp_path / "stores").iterdir()) == sorted([old.name, new.name])


def test_a_build_changing_much_is_loaded_whole(tmp_path: Path, loads: list[Path]) -> None:
    graphs = _many("release", 4)
    first, parts = _build(tmp_path / "one", graphs)
    prepare_store(first, tmp_path / "stores", parts)
    second, new_parts = _build(tmp_path / "two", {**graphs, **_many("other", 2)})  # a third of it new
    new, _ = prepare_store(second, tmp_path / "stores", new_parts)
    assert loads == [first, second]
    assert _statements(new) == _fresh(second, tmp_path / "fresh")


def test_a_store_that_cannot_be_copied_is_not_used(tmp_path: Path, loads: list[Path]) -> None:
    graphs = _many("release", 12)
    first, parts = _build(tmp_path / "one", graphs)
    old, _ = prepare_store(first, tmp_path / "stores", parts)
    for item in old.iterdir():  # retired by a server while its record stayed: not a store any more
        if item.name != prepare.GRAPHS_FILE:
            item.unlink() if item.is_file() else None
    second, new_parts = _build(tmp_path / "two", {**graphs, "release00": _graph("release00", "x")})
    new, _ = prepare_store(second, tmp_path / "stores", new_parts)
    assert loads == [first, second]
    assert _statements(new) == _fresh(second, tmp_path / "fresh")
    assert not [p for p in (tmp_path / "stores").iterdir() if p.name.startswith(".loading")]
