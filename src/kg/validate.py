"""Validate a graph with the project's SHACL shapes: the only module that imports pyshacl.

Safety (shared/reference/security.md §2): the shapes graph is always passed explicitly, so shapes embedded
in data are never run; only rdflib graphs we parsed ourselves are passed, never strings (pyshacl would open
them as files or URLs); no inference, no SHACL-AF, no JS.
"""

from __future__ import annotations

from pyshacl import validate as _pyshacl_validate
from rdflib import Dataset, Graph

from kg.assets import load_shapes
from kg.report import Report, read_report


def data_graph(dataset: Dataset | Graph) -> Graph:
    """The union of a dataset's graphs (what queries see), as one rdflib graph."""
    if not isinstance(dataset, Dataset):
        return dataset
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def validate(data: Dataset | Graph, shapes: Graph | None = None) -> Report:
    """Validate ``data`` (its union if a dataset) against ``shapes`` (default: the project's shapes)."""
    _, report_graph, _ = _pyshacl_validate(
        data_graph(data),
        shacl_graph=shapes if shapes is not None else load_shapes(),
        inference="none",
        advanced=False,
        js=False,
        abort_on_first=False,
        allow_warnings=True,
        max_validation_depth=15,
        inplace=True,
    )
    return read_report(report_graph)
