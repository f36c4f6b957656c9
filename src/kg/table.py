"""Plain-text tables of query results for the terminal."""

from __future__ import annotations

from kg.formats import RdfFormat
from kg.store import QueryResult
from kg.vocab import PREFIXES

MAX_CELL = 80


def _compact(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and len(value) > len(ns):
            return f"{prefix}:{value[len(ns) :]}"
    value = " ".join(value.split())
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"


def format_table(result: QueryResult) -> str:
    """SELECT as an aligned table, ASK as yes/no, CONSTRUCT as Turtle."""
    if result.kind == "boolean":
        return ("yes" if result.boolean else "no") + "\n"
    if result.kind == "graph":
        return result.serialize(RdfFormat.TURTLE).decode()
    header = list(result.variables)
    rows = [[_compact(r.get(v, "")) for v in header] for r in result.records()]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"
