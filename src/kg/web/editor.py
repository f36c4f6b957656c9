"""The SPARQL page: the no-JavaScript form, and what the bundled YASGUI editor needs to run offline.

The page works without JavaScript (a form, results rendered by the server, errors beside the query). With
it, ``static/editor.js`` mounts YASGUI's editor (Yasqe) and results view (Yasr), bundled under
``static/yasgui/`` (see its README: version, origin, licence). Everything the editor would otherwise fetch
from other sites comes from here, in the page's JSON data block: the competency queries of ``queries/`` as
examples, and our own prefixes, classes and properties for autocomplete (not prefix.cc, not LOV).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, render_template, request
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from kg.assets import assets_dir
from kg.vocab import PREFIXES, sparql_prologue
from kg.web.links import chosen_language
from kg.web.state import AppState

_HEADER = re.compile(r"^#\s*(title|question):\s*(.+?)\s*$")
_PROPERTY_TYPES = (RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@dataclass(frozen=True)
class Example:
    """One competency query: its file name (without ``.rq``), title, question and text."""

    name: str
    title: str
    question: str
    query: str


def read_example(path: Path) -> Example:
    """An example from a ``.rq`` file whose leading comments name its ``title:`` and ``question:``."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if (match := _HEADER.match(line)) is not None:
            header.setdefault(match.group(1), match.group(2))
    return Example(path.stem, header.get("title", path.stem), header.get("question", ""), text)


@cache
def examples(folder: Path | None = None) -> tuple[Example, ...]:
    """Every ``queries/*.rq`` shipped with the package (``kg/assets/queries``), by file name."""
    folder = folder or assets_dir("queries")
    return tuple(read_example(path) for path in sorted(folder.glob("*.rq")))


def vocabulary_terms(ontology: Graph, used: Iterable[str]) -> tuple[list[str], list[str]]:
    """Classes and properties for autocomplete: those the ontology declares and those the data uses.

    ``used`` holds the classes then properties of the data as IRIs prefixed ``c `` and ``p ``.
    """
    classes = {str(s) for kind in (OWL.Class, RDFS.Class) for s in ontology.subjects(RDF.type, kind)}
    properties = {str(s) for kind in _PROPERTY_TYPES for s in ontology.subjects(RDF.type, kind)}
    for item in used:
        kind, _, iri = item.partition(" ")
        (classes if kind == "c" else properties).add(iri)
    http = ("http://", "https://")
    return sorted(c for c in classes if c.startswith(http)), sorted(
        p for p in properties if p.startswith(http)
    )


def editor_config(st: AppState, endpoint: str, lang: str) -> dict[str, Any]:
    """The JSON the editor reads from the page: where to send queries, examples and vocabulary."""
    stats = st.stats()
    used = [*(f"c {c}" for c in stats.classes), *(f"p {p}" for p in stats.properties)]
    classes, properties = vocabulary_terms(st.ontology(), used)
    return {
        "endpoint": endpoint,
        "lang": lang,
        # Result IRIs minted under the base open this server's pages, in the reader's chosen language.
        "base": st.settings.base_iri,
        "root": request.script_root,
        "keepLang": chosen_language(),
        "prefixes": dict(sorted(PREFIXES.items())),
        "classes": classes,
        "properties": properties,
        "examples": [{"name": e.name, "title": e.title, "query": e.query} for e in examples()],
    }


def example_query(name: str | None) -> str | None:
    """The text of the example called ``name`` (``?example=``), if there is one."""
    return next((e.query for e in examples() if e.name == name), None)


def default_query(example: str) -> str:
    return sparql_prologue() + "\n" + example


def render_form(
    st: AppState,
    *,
    endpoint: str,
    lang: str,
    query: str,
    status: int = 200,
    error: str | None = None,
    results: Mapping[str, Any] | None = None,
) -> Response:
    """The SPARQL page: the query (never lost, even when it failed), its results or its error."""
    values: dict[str, Any] = {
        "prologue": None,
        "table": None,
        "boolean": None,
        "text": None,
        "truncated": False,
        "unbound": None,
        **(results or {}),
    }
    body = render_template(
        "sparql/form.html",
        query=query,
        error=error,
        examples=examples(),
        editor=editor_config(st, endpoint, lang),
        limits=st.queries.limits if st.queries else None,
        **values,
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")
