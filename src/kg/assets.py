"""Locate the ontology and the shapes.

They ship inside the package (``kg/assets/``), as links to the top-level ``ontology/`` and ``shapes/``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from rdflib import Graph

ONTOLOGY_FILE = "kg.ttl"


def assets_dir(name: str) -> Path:
    """``ontology`` or ``shapes``: the installed copy (in a checkout, a link to the top-level folder)."""
    return Path(str(files("kg") / "assets" / name))


def ontology_path() -> Path:
    return assets_dir("ontology") / ONTOLOGY_FILE


def shape_files() -> list[Path]:
    return sorted(assets_dir("shapes").glob("*.ttl"))


def load_ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def load_shapes() -> Graph:
    """All shapes files as one graph (parsed once by the caller, never per request)."""
    graph = Graph()
    for path in shape_files():
        graph.parse(path, format="turtle")
    return graph
