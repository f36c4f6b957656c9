"""``kg.build_parts``: the release graphs built one at a time, in a pool of processes, give the fragments and
the union that building the whole dataset gives; three releases of 2012 restate ACCBP's cap (one in other
words), which only the first release keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from add.support import project_with_synthetic
from add.test_add_caps import _release as restating_release
from kg.assets import load_ontology
from kg.build_parts import BuiltParts, build_parts
from kg.dumps import union_view
from kg.fragments import dataset_fragments
from kg.iris import Iris
from kg.mapping import build_dataset
from kg.project import Project
from kg.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project's records, eight synthetic releases, and three of 2012 stating ACCBP's cap again."""
    restating = [
        restating_release(900, 10),
        restating_release(901, 12),
        restating_release(902, 14, "up to $15M a year"),
    ]
    return project_with_synthetic(tmp_path_factory.mktemp("parts") / "data", 8, seed=3, extra=restating)


def _whole(project: Project) -> tuple[dict[str, bytes], Graph]:
    iris = Iris(Settings().base_iri)
    dataset = build_dataset(project.releases, project.reference, load_ontology(), iris, project.translations)
    return dataset_fragments(dataset), union_view(dataset)


@pytest.mark.parametrize("jobs", [1, 2])
def test_parts_are_the_whole_dataset_graph_by_graph(synthetic: Project, jobs: int) -> None:
    fragments, union = _whole(synthetic)
    parts = build_parts(synthetic, load_ontology(), Iris(Settings().base_iri), jobs)
    assert isinstance(parts, BuiltParts)
    assert parts.fragments == fragments  # canonical, so equal graphs give equal bytes
    assert len(parts.union) == len(union)
    assert isomorphic(parts.union, union)  # the ontology's blank nodes are new at each load


def test_a_restated_cap_is_in_one_graph(synthetic: Project) -> None:
    parts = build_parts(synthetic, load_ontology(), Iris(Settings().base_iri), 2)
    cap = b"<https://w3id.org/kg-funding/amount/program-accbp-cap> <https://schema.org/currency>"
    holders = [graph for graph, fragment in parts.fragments.items() if cap in fragment]
    restating = [graph for graph, fragment in parts.fragments.items() if b"program-accbp-cap" in fragment]
    assert (
        holders == ["https://w3id.org/kg-funding/graph/news-release-175-2011-06-22"] and len(restating) == 4
    )
