"""Bar charts as server-rendered SVG, drawn by pygal: they work without JavaScript and print.

Why pygal (3.1.3, maintained, LGPL-3.0+): it is pure Python and writes SVG itself, with a ``<title>``, one
``<desc>`` per value and a link per bar, so a chart is text in the page, scales with it and prints. matplotlib
would bring numpy and a rendering stack for pictures drawn once per dataset version and writes text as
glyph outlines unless told otherwise; plotly and Altair need JavaScript in the browser (or a headless
browser on the server) to draw at all. pygal's tooltip script (loaded from a CDN by default) is switched
off: nothing loads from outside, and the page's data table says what a tooltip would.

Each chart is a ``<figure>`` with a caption and the table of its figures (``templates/_money.html``): the
SVG is a picture (``role="img"`` with an accessible name) and the table is what a screen reader reads. The
bars are not links: an image's content is hidden from assistive technology, and a link there would be a tab
stop no one is told about; the table beside links each row.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pygal
from pygal.style import Style

# pygal appends an import hook to sys.meta_path for its map plugins (``pygal.maps.*``), written with the
# ``find_module`` API that Python 3.12 removed: every later import in the process goes through it, with an
# ImportWarning on 3.11 (an error under the tests' warning filter). No map plugin is used here: take it off.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#6b6b6b",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=15,
    major_label_font_size=15,
    value_font_size=14,
    title_font_size=15,
    colors=("#1f5f8b",),
)
MAX_BARS = 12
"""Bars drawn per chart; the rest go into one bar ("others") that says how many it holds."""


@dataclass(frozen=True)
class Bar:
    """One bar: what it stands for, where a click goes, the figure and its words ("over $2,000,000")."""

    label: str
    href: str | None
    value: Decimal
    words: str
    projects: int
    lang: str | None = None
    """The label's language when it is not the page's."""


@dataclass(frozen=True)
class Chart:
    """A chart and the numbers it draws (the same bars, for the table beside it)."""

    id: str
    title: str
    svg: str
    bars: tuple[Bar, ...]


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, horizontal: bool = True) -> Chart:
    """A bar chart of ``bars`` (drawn in the order given) as inline SVG."""
    cls = pygal.HorizontalBar if horizontal else pygal.Bar
    shown = list(bars)
    top = max((bar.value for bar in shown), default=Decimal(0))
    rows = len(shown)
    chart = cls(
        style=STYLE,
        js=[],  # no tooltip script from a CDN: the page works offline and under its CSP
        disable_xml_declaration=True,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        truncate_label=-1,  # labels are shortened by _short; the table beside gives them in full
        width=760,
        height=max(160, 34 * rows + 60) if horizontal else 300,
        margin=12,
        spacing=8,
        title=None,  # the figure's caption names the chart; the SVG's <title> too (_accessible)
        range=(0, float(top) * 1.3) if top > 0 else None,  # room for the figures printed beyond the bars
        x_label_rotation=0 if horizontal else 30,
        show_y_guides=not horizontal,
        show_x_guides=False,
        value_formatter=lambda v: "",
    )
    chart.uuid = chart_id  # pygal draws a random id; a fixed one keeps the page the same at each render
    if horizontal:
        shown.reverse()  # pygal draws horizontal bars bottom-up: the largest is read first, at the top
    chart.x_labels = [_short(bar.label, 34 if horizontal else 14) for bar in shown]
    chart.add(
        title,
        [
            {
                "value": float(bar.value),
                "label": bar.label,
                "formatter": lambda _v, words=bar.words: words,
            }
            for bar in shown
        ],
    )
    return Chart(chart_id, title, _accessible(chart.render(is_unicode=True), chart_id, title), tuple(bars))


def _accessible(svg: str, chart_id: str, title: str) -> str:
    """The SVG as an image with a name (``role="img"``, ``aria-labelledby`` its ``<title>``), without the
    generator's comments (one holds the day it was drawn) and scripts."""
    root = ET.fromstring(svg)
    root.set("id", f"chart-{chart_id}")
    root.set("role", "img")
    title_node = root.find(f"{{{SVG_NS}}}title")
    if title_node is None:
        title_node = ET.Element(f"{{{SVG_NS}}}title")
        root.insert(0, title_node)
    title_node.set("id", f"chart-{chart_id}-title")
    title_node.text = title
    root.set("aria-labelledby", f"chart-{chart_id}-title")
    root.set("class", f"{root.get('class', '')} chart".strip())
    # pygal writes its config for the tooltip script inline; without the script it is dead code, and the
    # page's CSP (script-src 'self') would refuse it.
    # Its tooltip group (hidden by a style attribute) is drawn by that script too: both go.
    for parent in root.iter():
        for child in [c for c in parent if c.tag == f"{{{SVG_NS}}}script" or c.get("class") == "tooltip"]:
            parent.remove(child)
    for node in root.iter():
        node.attrib.pop("style", None)
    return ET.tostring(root, encoding="unicode")


def _short(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"
