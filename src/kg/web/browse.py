"""Blueprint "browse": the projects list with facets (``/projects``, ``.csv``, ``.json``) and the search
(``/search``).

Both read the build's search index (``kg.search_index``, ``dist/search.sqlite``), opened read-only once
per app; the list's logic is ``kg.browse.query`` (pure), its page ``kg.web.browse_view``. Input that
cannot be read answers 400 with a one-line reason; a search that finds nothing is an empty list, never
an error. A build without an index (``kg serve FILE``, or a build of an older kg) is indexed from the
store on first use, into the store folder; a ``kg add`` build whose index is still being written answers
503 with ``Retry-After``.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from rdflib import Dataset as RdfDataset

from kg.browse.fts import fts_expression
from kg.browse.query import Catalogue, Selection, SelectionError, parse_selection
from kg.browse.records import FACETS, browse_data
from kg.dumps import MANIFEST_FILE, union_view
from kg.errors import BuildError
from kg.formats import RdfFormat
from kg.search_index import INDEX_FILE, Hit, SearchIndex, SearchIndexError, write_index
from kg.web.browse_view import ListView, count_words, mark, selection_csv, selection_json, words
from kg.web.http import etag_for, page_variant, representation, text_response
from kg.web.labels import LANGUAGES, choose_language
from kg.web.links import linker
from kg.web.state import AppState, state

bp = Blueprint("browse", __name__)
EXTENSION = "kg.browse"
SEARCH_PAGE = 20
SEARCH_KINDS = ("project", "release", "organization", "program", "place", "concept")
MAX_SEARCH_PAGE = 500


@dataclass(frozen=True)
class Browse:
    index: SearchIndex
    catalogue: Catalogue


def _browse(st: AppState) -> Browse:
    """The app's index and projects, read once (the build's folder never changes while it is served)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    lock = app.extensions.setdefault(f"{EXTENSION}.lock", threading.Lock())  # one per app, made once
    with lock:
        found = app.extensions.get(EXTENSION)
        if isinstance(found, Browse):
            return found
        build = st.dataset.dist_dir
        path = build / INDEX_FILE if build is not None else None
        if build is not None and path is not None and not path.is_file() and _pending(build):
            # A `kg add` build: `kg build --finish` writes its index into the build linked next.
            abort(text_response(503, "The search index is being written; try again.", {"Retry-After": "5"}))
        try:
            if path is None or not path.is_file():
                path = _index_of_store(st)
            index = SearchIndex(path)
            data = index.browse_data()
        except (SearchIndexError, BuildError) as exc:
            abort(text_response(503, str(exc)))
        loaded = Browse(index, Catalogue(data.projects, data.terms))
        app.extensions[EXTENSION] = loaded
        return loaded


def _index_of_store(st: AppState) -> Path:
    """A build without an index (``kg serve FILE``, a build of an older kg): the index of the served graph,
    written once into the store folder (keyed by the dataset's version, as the stores are)."""
    folder = st.options.store_dir
    path = folder / f"search-{st.dataset.version[:32]}.sqlite"
    if path.is_file():
        return path
    graphs = RdfDataset()
    graphs.parse(
        data=st.reader.store.dump(RdfFormat.NQUADS).decode("utf-8"), format=RdfFormat.NQUADS.rdflib_name
    )
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".search-", suffix=".sqlite", dir=folder)
    os.close(handle)
    try:
        write_index(browse_data(union_view(graphs)), Path(name))
        os.replace(name, path)  # whole or absent: another process may be writing the same
    finally:
        Path(name).unlink(missing_ok=True)
    return path


def _pending(build: Path) -> bool:
    """Whether the build's manifest lists the index as still to be written (``pending``)."""
    try:
        manifest = json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and INDEX_FILE in manifest.get("pending", [])


def _selection() -> Selection:
    try:
        return parse_selection(request.args.items(multi=True))
    except SelectionError as exc:
        abort(text_response(400, f"Bad Request: {exc}"))


def _keep() -> list[tuple[str, str]]:
    """Parameters the list's links carry over: the language, when the link named one."""
    lang = request.args.get("lang")
    return [("lang", lang)] if lang in LANGUAGES else []


def _matches(browse: Browse, selection: Selection) -> list[str] | None:
    if not selection.q:
        return None
    expression = fts_expression(selection.q)
    if expression is None:  # no word in it ("*", quotes): nothing to find
        return []
    try:
        return browse.index.match_projects(expression)
    except SearchIndexError:
        return []


@bp.get("/projects")
def projects() -> Response:
    st = state()
    selection = _selection()
    lang, vary = page_variant("html", negotiated=False)
    tag = etag_for(st.dataset.version, "projects", lang, selection.query_string(extra=_keep()))
    return representation(st, tag, lambda: _projects_page(st, selection, lang), vary=vary)


def _projects_page(st: AppState, selection: Selection, lang: str) -> Response:
    browse = _browse(st)
    outcome = browse.catalogue.select(selection, lang, _matches(browse, selection))
    path = f"{request.script_root}/projects"
    view = ListView(browse.catalogue, selection, lang, path, linker().href, _keep())
    downloads = [
        (fmt.upper(), view.url(selection, path=f"{path}.{fmt}", paging=False)) for fmt in ("csv", "json")
    ]
    body = render_template(
        "browse/projects.html",
        w=words(lang),
        selection=selection,
        outcome=outcome,
        count=count_words(outcome.total, lang),
        facets=view.facets(outcome),
        amounts=view.amounts(outcome),
        sorts=view.sorts(),
        rows=view.rows(outcome.page_items),
        previous=view.page_link(outcome.page - 1) if outcome.page > 1 else None,
        next=view.page_link(outcome.page + 1) if outcome.page < outcome.pages else None,
        clear=view.url(Selection()),
        downloads=downloads,
        hidden=[(k, v) for k, v in selection.pairs(paging=False) if k not in ("q", "sort")] + _keep(),
    )
    return Response(body, content_type="text/html; charset=utf-8")


@bp.get("/projects.<suffix>")
def projects_download(suffix: str) -> Response:
    if suffix not in ("csv", "json"):
        abort(404)
    st = state()
    selection = _selection()
    lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
    tag = etag_for(st.dataset.version, "projects", suffix, lang, selection.query_string(paging=False))
    vary = [] if "lang" in request.args else ["Accept-Language"]

    def render() -> Response:
        browse = _browse(st)
        every_value = replace(selection, more=FACETS)  # the JSON lists every facet value with its count
        outcome = browse.catalogue.select(every_value, lang, _matches(browse, selection))
        if suffix == "csv":
            body = selection_csv(outcome, browse.catalogue, lang)
            response = Response(body, content_type="text/csv; charset=utf-8; header=present")
        else:
            body = selection_json(outcome, browse.catalogue, lang, selection.query_string(paging=False))
            response = Response(body, content_type="application/json")
        response.headers["Content-Disposition"] = f'inline; filename="projects.{suffix}"'
        return response

    return representation(st, tag, render, vary=vary)


@bp.get("/search")
def search() -> Response:
    st = state()
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    raw_page = request.args.get("page", "1")
    if len(q) > 500:
        return text_response(400, "Bad Request: q: longer than 500 characters")
    if kind and kind not in SEARCH_KINDS:
        return text_response(400, f"Bad Request: kind: one of {', '.join(SEARCH_KINDS)}")
    if not (raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page[:6]) <= MAX_SEARCH_PAGE):
        return text_response(400, f"Bad Request: page: a whole number from 1 to {MAX_SEARCH_PAGE}")
    page = int(raw_page)
    lang, vary = page_variant("html", negotiated=False)
    tag = etag_for(st.dataset.version, "search", lang, q, kind, page, request.args.get("lang", ""))
    return representation(st, tag, lambda: _search_page(st, q, kind, page, lang), vary=vary)


def _search_page(st: AppState, q: str, kind: str, page: int, lang: str) -> Response:
    browse = _browse(st)
    expression = fts_expression(q) if q else None
    total, hits = 0, list[Hit]()
    if expression is not None:
        try:
            total, hits = browse.index.search(
                expression, kind=kind or None, limit=SEARCH_PAGE, offset=(page - 1) * SEARCH_PAGE
            )
        except SearchIndexError:
            total, hits = 0, list[Hit]()
    to_page = linker()
    labels = browse.index.labels([h.iri for h in hits], lang)
    say = words(lang)
    results = [
        {
            "href": to_page.href(h.iri) or h.iri,
            "label": labels.get(h.iri) or h.label or h.iri,
            "lang": None if h.iri in labels or h.lang in ("", lang) else h.lang,
            "kind": say(f"kind_{h.kind}"),
            "snippet": mark(h.snippet),
            "snippet_lang": h.lang if h.lang and h.lang != lang else None,
        }
        for h in hits
    ]
    keep = _keep()

    def page_url(n: int) -> str:
        pairs = [("q", q), *([("kind", kind)] if kind else []), *([("page", str(n))] if n > 1 else []), *keep]
        return f"{request.script_root}/search?{urlencode(pairs)}"

    pages = max(1, -(-total // SEARCH_PAGE))
    body = render_template(
        "browse/search.html",
        w=say,
        q=q,
        kind=kind,
        kinds=[(k, say(f"kind_{k}")) for k in SEARCH_KINDS],
        total=total,
        results=results,
        page=page,
        pages=pages,
        first=(page - 1) * SEARCH_PAGE + 1,
        previous=page_url(page - 1) if page > 1 else None,
        next=page_url(page + 1) if page < pages else None,
        in_projects=f"{request.script_root}/projects?{Selection(q=q).query_string(extra=keep)}"
        if q
        else None,
        keep=keep,
    )
    return Response(body, content_type="text/html; charset=utf-8")
