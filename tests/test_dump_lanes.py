"""``kg.dump_lanes``: the dumps written by three processes are the files one process writes in turn, and
the ``beside`` step runs once ``kg.nq`` and ``kg.nt`` are there."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from rdflib import Dataset

from kg.dump_files import write_file_dumps, write_rdf_dumps
from kg.dump_lanes import CHILD_FORMATS, write_lanes
from kg.formats import RdfFormat
from kg.fragment_files import FragmentFiles
from kg.fragments import dataset_fragments, joined


@pytest.mark.parametrize("kept", ["in memory", "in files"])
def test_the_lanes_write_what_one_process_writes(tmp_path: Path, dataset: Dataset, kept: str) -> None:
    fragments: Mapping[str, bytes] = dataset_fragments(dataset)
    one, lanes = tmp_path / "one", tmp_path / "lanes"
    one.mkdir()
    lanes.mkdir()
    expected = write_rdf_dumps(one, joined(fragments), list(RdfFormat))
    if kept == "in files":  # as kg build keeps them (kg.fragment_files): kg.nq and kg.nt read from files
        files = FragmentFiles(lanes)
        files.update(fragments)
        fragments = files
    seen: list[set[str]] = []

    def beside(build: Path) -> None:
        seen.append({path.name for path in build.iterdir()})
        (build / "beside.txt").write_text("written beside the dumps\n", encoding="utf-8")

    infos = write_lanes(lanes, fragments, beside)
    assert infos == expected  # names, sizes and checksums, in RdfFormat order
    for info in infos:
        assert (lanes / info.name).read_bytes() == (one / info.name).read_bytes(), info.name
    assert len(seen) == 1 and {"kg.nq", "kg.nt"} <= seen[0]
    assert (lanes / "beside.txt").is_file()
    assert len(CHILD_FORMATS) == len(set(CHILD_FORMATS)) == len(RdfFormat) - 2  # but kg.nq and kg.nt


def test_dumps_from_the_files_are_the_dumps_from_the_bytes(tmp_path: Path, dataset: Dataset) -> None:
    fragments = dataset_fragments(dataset)
    expected = write_rdf_dumps(tmp_path, joined(fragments), list(RdfFormat))
    assert write_file_dumps(tmp_path, [RdfFormat.TRIG, RdfFormat.JSONLD]) == [
        info for info in expected if info.name.startswith(("kg.trig", "kg.jsonld"))
    ]
