"""``kg.fragment_files``: fragments kept in a build's files give the index, ``kg.nq`` and ``kg.nt`` that the
same fragments in memory give, however many there are to merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

import kg.fragment_files
from kg.fragment_files import FragmentFiles, write_joined_files, write_union_files
from kg.fragments import (
    FOLDER,
    dataset_fragments,
    graph_fragment,
    joined,
    read_index,
    union_ntriples,
    write_fragments,
    write_index,
)


@pytest.fixture
def fragments(dataset: Dataset) -> dict[str, bytes]:
    """The project's fragments, and one more repeating another graph's triples (each is once in kg.nt)."""
    out = dataset_fragments(dataset)
    first = sorted(out)[-1]
    copied = out[first].replace(f" <{first}> .".encode(), b" .")
    out["https://example.org/graph/copy"] = graph_fragment("https://example.org/graph/copy", copied)
    return out


def test_files_hold_and_index_what_the_mapping_holds(tmp_path: Path, fragments: dict[str, bytes]) -> None:
    files = FragmentFiles(tmp_path / "files")
    (tmp_path / "files").mkdir()
    for graph, data in fragments.items():
        files[graph] = data
    assert dict(files) == fragments
    (tmp_path / "written").mkdir()
    assert files.index == write_fragments(tmp_path / "written", fragments)  # names, checksums, counts
    write_index(tmp_path / "files", files.index)
    reread = FragmentFiles.of(tmp_path / "files")
    assert reread is not None and dict(reread) == fragments
    gone = sorted(fragments)[0]
    path = files.path(gone)
    del files[gone]
    assert gone not in files and len(files) == len(fragments) - 1 and not path.exists()
    assert FragmentFiles.of(tmp_path / "none") is None and read_index(tmp_path / "none") is None


@pytest.mark.parametrize("at_once", [None, 2])
def test_kg_nq_and_kg_nt_from_the_files_are_the_bytes_from_memory(
    tmp_path: Path, fragments: dict[str, bytes], at_once: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two at once: the fragments are merged in groups into runs first, as ten thousand releases are.
    monkeypatch.setattr(kg.fragment_files, "MAX_OPEN", at_once)
    files = FragmentFiles(tmp_path)
    for graph, data in fragments.items():
        files[graph] = data
    write_joined_files(files, tmp_path / "kg.nq")
    write_union_files(files, tmp_path / "kg.nt")
    assert (tmp_path / "kg.nq").read_bytes() == joined(fragments)
    assert (tmp_path / "kg.nt").read_bytes() == union_ntriples(fragments)
    assert sorted(path.name for path in tmp_path.iterdir()) == [FOLDER, "kg.nq", "kg.nt"]  # no run left


def test_no_fragment_is_an_empty_union(tmp_path: Path) -> None:
    write_union_files(FragmentFiles(tmp_path), tmp_path / "kg.nt")
    assert (tmp_path / "kg.nt").read_bytes() == union_ntriples({}) == b"\n"
