"""Draw the data model (docs/data-model.svg) from the built graph: which classes link to which, and how.

Run after `kg build`: `.venv/bin/python scripts/draw_data_model.py` (needs Graphviz's `dot`).
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, URIRef

from kg.vocab import KG, PREFIXES, RDF

ROOT = Path(__file__).resolve().parents[1]
# The class that names a node in the picture: ours first, then schema.org, then the rest.
PREFERRED = (
    str(KG),
    "https://schema.org/",
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/2004/02/skos/core#",
)
SKIP = {
    str(RDF.type),
    str(KG.evidenceFor),
    "http://www.w3.org/2002/07/owl#sameAs",
    str(KG.evidenceValue),
    "http://www.w3.org/ns/prov#wasDerivedFrom",
    str(KG.correctedTo),
    "http://www.w3.org/2004/02/skos/core#hasTopConcept",
}
# Provenance links are drawn only from the main things, so the picture stays readable.
EVIDENCE_FROM = {"kg:Project", "kg:Contribution", "kg:NewsRelease"}
HIDDEN = {"kg:Translation"}


def short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def main_class(graph: Graph, node: URIRef) -> str | None:
    types = sorted(str(t) for t in graph.objects(node, RDF.type))
    for ns in PREFERRED:
        for t in types:
            if t.startswith(ns):
                return short(t)
    return short(types[0]) if types else None


def draw(graph: Graph) -> str:
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, p, o in graph:
        if str(p) in SKIP or not isinstance(o, URIRef) or not isinstance(s, URIRef):
            continue
        if "ontology" in str(s):
            continue
        a, b = main_class(graph, s), main_class(graph, o)
        if not a or not b or a in HIDDEN or b in HIDDEN:
            continue
        if b == "kg:Evidence" and a not in EVIDENCE_FROM:
            continue
        edges[(a, b)].add(short(str(p)))
    lines = [
        "digraph model {",
        "  rankdir=LR; ranksep=0.9; node [shape=box, style=rounded, fontname=Helvetica];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    for (a, b), props in sorted(edges.items()):
        label = "\\n".join(sorted(props)[:3]) + ("\\n…" if len(props) > 3 else "")
        lines.append(f'  "{a}" -> "{b}" [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    g = Graph().parse(ROOT / "dist" / "kg.nt", format="nt")
    dot = draw(g)
    (ROOT / "docs" / "data-model.dot").write_text(dot, encoding="utf-8")
    svg = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True).stdout
    (ROOT / "docs" / "data-model.svg").write_bytes(svg)
