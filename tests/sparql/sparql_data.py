"""Shared test data for the query engine: a generated dataset with public and private graphs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.sparql import QueryLimits, QueryService

EX = "http://example.org/"
GRAPH_A = f"{EX}graph/a"
GRAPH_B = f"{EX}graph/b"
PRIVATE = f"{EX}graph/private"
PUBLIC = frozenset({GRAPH_A, GRAPH_B})
ITEMS = 300  # items per public graph; each has 5 triples -> 1500 triples per graph, 3000 public in all
SECRET = "SECRET-VALUE"


def write_nquads(path: Path) -> Path:
    lines = []
    for graph, tag in ((GRAPH_A, "a"), (GRAPH_B, "b")):
        for i in range(ITEMS):
            s = f"<{EX}{tag}/item/{i}>"
            lines += [
                f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Item> <{graph}> .",
                f'{s} <{EX}label> "item {tag} {i}"@en <{graph}> .',
                f'{s} <{EX}rank> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> <{graph}> .',
                f'{s} <{EX}graphTag> "{tag}" <{graph}> .',
                f"{s} <{EX}next> <{EX}{tag}/item/{(i + 1) % ITEMS}> <{graph}> .",
            ]
    lines.append(f'<{EX}secret> <{EX}label> "{SECRET}" <{PRIVATE}> .')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_service(prepared: tuple[Path, str], **limits: object) -> QueryService:
    """A service over the test store with small test limits (1.5 s deadline, 1000 rows), overridable."""
    path, version = prepared
    chosen = replace(QueryLimits(timeout_s=1.5, max_rows=1000, workers=2), **limits)
    return QueryService(path, dataset_version=version, public_graphs=PUBLIC, limits=chosen)


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"
