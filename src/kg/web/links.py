"""Internal links that keep the reader's language: the one place a page's URLs are built.

The language a reader chose is kept in the link itself (``?lang=fr``), not in a cookie: a link keeps its
language when it is shared, every URL of a page names one representation (caches need no ``Vary: Cookie``),
and a page without a ``lang`` parameter is still negotiated from ``Accept-Language`` as before. So once a
page was asked for with ``?lang=``, every internal link it shows carries the same ``lang``; a negotiated page
adds nothing (its next page is negotiated the same way).

Templates get it for free: :func:`page_url` replaces Jinja's ``url_for`` (see :func:`install`), the
:class:`~kg.web.pages.Linker` of :func:`linker` adds it to the local IRIs of the data, and
:func:`keep_language` adds it to any other local ``href`` built in Python. A GET form adds
``{{ lang_input() }}`` (a hidden ``lang`` field) inside it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, request, url_for
from markupsafe import Markup, escape

from kg.web.labels import LANGUAGES
from kg.web.pages import Linker
from kg.web.state import state

LANG_PARAMETER = "lang"
WITHOUT_LANGUAGE = frozenset({"static", "downloads.file"})
WITHOUT_LANGUAGE_PREFIXES = ("system.",)
"""Endpoints whose answer is a file or data, the same in every language: their URLs stay bare."""


def chosen_language() -> str | None:
    """The language this request named with ``?lang=`` (``None`` when it was negotiated or is unknown)."""
    value = request.args.get(LANG_PARAMETER)
    return value if value in LANGUAGES else None


def page_url(endpoint: str, **values: Any) -> str:
    """``url_for`` that keeps the chosen language on internal pages (not on files nor absolute URLs,
    which are shown as text: an endpoint's address is the same for every reader)."""
    lang = chosen_language()
    if lang is not None and LANG_PARAMETER not in values and _is_page(endpoint, values):
        values[LANG_PARAMETER] = lang
    return url_for(endpoint, **values)


def _is_page(endpoint: str, values: dict[str, Any]) -> bool:
    """A page for people: not a file, not data (``suffix``/``format`` other than html), not absolute."""
    if (
        endpoint in WITHOUT_LANGUAGE
        or endpoint.startswith(WITHOUT_LANGUAGE_PREFIXES)
        or values.get("_external")
    ):
        return False
    return all(values.get(name) in (None, "html") for name in ("suffix", "format"))


def with_language(href: str, lang: str | None, origin: str | None = None) -> str:
    """``href`` with ``lang=`` set, when it is a local path (``/x``, not ``//host/x``) or starts with this
    server's ``origin`` (``http://host/``); another site's address is left as it is.

    >>> with_language("/project/a?page=2#top", "fr")
    '/project/a?page=2&lang=fr#top'
    >>> with_language("http://h/catalog?page=2", "fr", "http://h/")
    'http://h/catalog?page=2&lang=fr'
    >>> with_language("https://schema.org/name", "fr", "http://h/")
    'https://schema.org/name'
    """
    local = href.startswith("/") and not href.startswith("//")
    if lang is None or not (local or (origin is not None and href.startswith(origin))):
        return href
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != LANG_PARAMETER]
    query.append((LANG_PARAMETER, lang))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def keep_language(href: str) -> str:
    """A link to one of our pages built in Python (a path or a URL of this server), with this request's
    chosen language kept."""
    return with_language(href, chosen_language(), request.host_url)


def linker() -> Linker:
    """The request's :class:`Linker`: local IRIs of the data become paths that keep the language."""
    return Linker(state().settings.base_iri, request.script_root, chosen_language())


def lang_input() -> Markup:
    """A hidden ``lang`` field for a GET form, so that submitting it keeps the language."""
    lang = chosen_language()
    if lang is None:
        return Markup("")
    return Markup('<input type="hidden" name="lang" value="{}">').format(escape(lang))


def install(app: Flask) -> None:
    """Make templates build their links here: ``url_for`` keeps the language, ``keep_language`` filter."""
    app.jinja_env.globals["url_for"] = page_url
    app.jinja_env.globals["lang_input"] = lang_input
    app.jinja_env.filters["keep_language"] = keep_language
