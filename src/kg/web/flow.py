"""The funding-flow picture (government -> program -> implementer -> region) as server-rendered SVG.

No maintained Python library fits this picture: pygal has no flow (Sankey) chart, matplotlib's ``Sankey``
draws the inputs and outputs of one flow rather than columns of nodes, and plotly's Sankey is drawn by
JavaScript in the browser. So this module lays it out itself, in a few lines of arithmetic: every column
holds the same total (each project's figure goes through one node of each column), node heights are in
proportion to their sums on one scale for the whole picture, and a band of the same thickness joins each pair
of nodes of neighbouring columns that some project joins.

No figure is split: a project implemented by two organisations, or for two regions, goes through one node
named after both ("UNODC + OAS"), since the releases do not say how its money is shared. The largest nodes of
a column are drawn one by one and the rest as one "others" node, so the picture stays legible at any size;
the table beside it lists the same bands.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kg.web.charts import SVG_NS

Combo = tuple[str, ...]
"""The IRIs of one node: a program, or the two organisations that implement a project together."""
OTHERS: Combo = ("others",)
NONE: Combo = ()
MAX_NODES = 8
WIDTH, NODE_WIDTH, GAP, COLUMN_GAP = 1040, 14, 10, 260
LABEL_CHARS = 34
STYLE = (
    "#chart-flow .flow-band{fill:#1f5f8b;fill-opacity:.28}#chart-flow .flow-band:hover{fill-opacity:.55}"
    "#chart-flow .flow-node{fill:#1f5f8b}#chart-flow text{font-family:system-ui,sans-serif;fill:#1a1a1a}"
    "#chart-flow .flow-label{font-size:12px;paint-order:stroke;stroke:#fff;stroke-width:3px}"
    "#chart-flow .flow-heading{font-size:13px;font-weight:bold}"
)


@dataclass(frozen=True)
class Node:
    column: int
    combo: Combo
    label: str
    href: str | None
    value: Decimal
    y: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class Band:
    source: Node
    target: Node
    value: Decimal
    words: str = ""


@dataclass(frozen=True)
class FlowPicture:
    svg: str
    columns: tuple[str, ...]
    bands: tuple[Band, ...]


Path = tuple[Combo, Combo, Combo, Combo]


def _top(values: dict[Combo, Decimal]) -> set[Combo]:
    ranked = sorted(values, key=lambda c: (-values[c], c))
    return set(ranked if len(ranked) <= MAX_NODES else ranked[: MAX_NODES - 1])


def flow_picture(
    paths: Sequence[tuple[Path, Decimal]],
    columns: Sequence[str],
    title: str,
    name: Callable[[Combo], tuple[str, str | None]],
    words: Callable[[Decimal], str],
) -> FlowPicture | None:
    """The picture of ``paths`` (one per project: its four nodes and its figure), or None without money.

    ``name`` gives a node's label and link, ``words`` an amount's words (for the bands' titles).
    """
    total = sum((value for _, value in paths), Decimal(0))
    if not paths or total <= 0:
        return None
    # Fold the small nodes of each column into "others".
    kept: list[set[Combo]] = []
    for column in range(4):
        sums: dict[Combo, Decimal] = {}
        for path, value in paths:
            sums[path[column]] = sums.get(path[column], Decimal(0)) + value
        kept.append(_top(sums))
    folded: dict[Path, Decimal] = {}
    for path, value in paths:
        a, b, c, d = (combo if combo in kept[i] else OTHERS for i, combo in enumerate(path))
        folded[(a, b, c, d)] = folded.get((a, b, c, d), Decimal(0)) + value
    nodes = _layout(folded, name)
    bands: dict[tuple[int, Combo, Combo], Decimal] = {}
    for path, value in folded.items():
        for column in range(3):
            edge = (column, path[column], path[column + 1])
            bands[edge] = bands.get(edge, Decimal(0)) + value
    band_list = tuple(
        Band(nodes[(c, s)], nodes[(c + 1, t)], v, words(v))
        for (c, s, t), v in sorted(bands.items(), key=lambda item: (item[0][0], -item[1], item[0][1:]))
    )
    svg = _draw(nodes, band_list, columns, title, words)
    return FlowPicture(svg, tuple(columns), band_list)


def _layout(
    folded: dict[Path, Decimal], name: Callable[[Combo], tuple[str, str | None]]
) -> dict[tuple[int, Combo], Node]:
    values: list[dict[Combo, Decimal]] = [{} for _ in range(4)]
    for path, value in folded.items():
        for column in range(4):
            values[column][path[column]] = values[column].get(path[column], Decimal(0)) + value
    total = sum(values[0].values(), Decimal(0))
    most = max(len(v) for v in values)
    height = max(320.0, 44.0 * most)
    scale = (height - GAP * (most - 1)) / float(total)
    nodes: dict[tuple[int, Combo], Node] = {}
    for column, sums in enumerate(values):
        order = sorted(sums, key=lambda c: (c == OTHERS, c == NONE, -sums[c], c))
        used = sum(float(sums[c]) * scale for c in order) + GAP * (len(order) - 1)
        y = 40.0 + (height - used) / 2
        for combo in order:
            label, href = name(combo)
            h = max(1.0, float(sums[combo]) * scale)
            nodes[(column, combo)] = Node(column, combo, label, href, sums[combo], y, h)
            y += h + GAP
    return nodes


def _x(column: int) -> float:
    return 10.0 + column * COLUMN_GAP


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _draw(
    nodes: dict[tuple[int, Combo], Node],
    bands: Sequence[Band],
    columns: Sequence[str],
    title: str,
    words: Callable[[Decimal], str],
) -> str:
    bottom = max(n.y + n.height for n in nodes.values()) + 20
    root = ET.Element(
        f"{{{SVG_NS}}}svg",
        {"viewBox": f"0 0 {WIDTH} {bottom:.0f}", "role": "img", "class": "chart flow"},
    )
    root.set("id", "chart-flow")
    root.set("aria-labelledby", "chart-flow-title")
    ET.SubElement(root, f"{{{SVG_NS}}}title", {"id": "chart-flow-title"}).text = title
    ET.SubElement(root, f"{{{SVG_NS}}}style").text = STYLE
    for column, heading in enumerate(columns):
        head = ET.SubElement(root, f"{{{SVG_NS}}}text", {"x": f"{_x(column):.0f}", "y": "22"})
        head.set("class", "flow-heading")
        head.text = heading
    # Where the next band leaves each source node and enters each target node.
    out_at = {key: node.y for key, node in nodes.items()}
    in_at = dict(out_at)
    group = ET.SubElement(root, f"{{{SVG_NS}}}g", {"class": "flow-bands"})
    for band in bands:
        s, t = band.source, band.target
        thickness = max(0.5, float(band.value) / float(s.value) * s.height)
        y0, y1 = out_at[(s.column, s.combo)], in_at[(t.column, t.combo)]
        out_at[(s.column, s.combo)] += thickness
        in_at[(t.column, t.combo)] += thickness
        x0, x1 = _x(s.column) + NODE_WIDTH, _x(t.column)
        mid = (x0 + x1) / 2
        d = (
            f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
            f"L{x1:.1f},{y1 + thickness:.1f} C{mid:.1f},{y1 + thickness:.1f} {mid:.1f},{y0 + thickness:.1f} "
            f"{x0:.1f},{y0 + thickness:.1f} Z"
        )
        path = ET.SubElement(group, f"{{{SVG_NS}}}path", {"d": d, "class": "flow-band"})
        ET.SubElement(path, f"{{{SVG_NS}}}title").text = f"{s.label} → {t.label}: {band.words}"
    for node in nodes.values():
        parent = root  # no links inside a role="img" picture (see kg.web.charts); the table links them
        rect = ET.SubElement(
            parent,
            f"{{{SVG_NS}}}rect",
            {
                "x": f"{_x(node.column):.1f}",
                "y": f"{node.y:.1f}",
                "width": str(NODE_WIDTH),
                "height": f"{node.height:.1f}",
                "class": "flow-node",
            },
        )
        ET.SubElement(rect, f"{{{SVG_NS}}}title").text = f"{node.label}: {words(node.value)}"
        text = ET.SubElement(
            parent,
            f"{{{SVG_NS}}}text",
            {
                "x": f"{_x(node.column) + NODE_WIDTH + 4:.1f}",
                "y": f"{node.y + node.height / 2 + 4:.1f}",
                "class": "flow-label",
            },
        )
        text.text = _short(node.label)
    return ET.tostring(root, encoding="unicode")
