"""Language that sticks: after choosing Français, every internal link of a French page leads to French.

The choice travels in the link (``?lang=fr``, see kg.web.links); a page negotiated from ``Accept-Language``
adds nothing to its links.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from .conftest import PROJECT

FILES = ("/static/", "/downloads/", "/-/")  # files and JSON: the same in every language
DATA_SUFFIXES = (".ttl", ".jsonld", ".nt", ".rdf", ".nq", ".trig", ".csv", ".json", ".xml", ".txt", ".rq")


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "a" and values.get("href") and "lang" not in values and values.get("rel") != "alternate":
            self.hrefs.append(str(values["href"]))


def _page_links(html: str) -> tuple[str | None, list[str]]:
    parser = _Anchors()
    parser.feed(html)
    return parser.lang, parser.hrefs


def _is_page(href: str) -> bool:
    path = urlsplit(href).path
    return (
        href.startswith("/")
        and not href.startswith("//")
        and not path.startswith(FILES)
        and not path.endswith(DATA_SUFFIXES)
        and "format=" not in href
    )


def test_following_links_from_a_french_page_stays_french(app: Flask) -> None:
    client = app.test_client()
    home = client.get("/", headers={"Accept-Language": "en"})
    switch = re.search(r'<a class="lang" href="([^"]+)"', home.get_data(as_text=True))
    assert switch is not None and "lang=fr" in switch.group(1)

    # Crawl two levels from the French home page, with an English browser: only the links keep it French.
    seen: set[str] = set()
    frontier = [switch.group(1).replace("&amp;", "&")]
    for _ in range(2):
        following: list[str] = []
        for url in frontier:
            if url in seen or len(seen) > 60:
                continue
            seen.add(url)
            answer = client.get(
                url, headers={"Accept-Language": "en", "Accept": "text/html"}, follow_redirects=True
            )
            assert answer.status_code == 200, url
            if not answer.content_type.startswith("text/html"):
                continue
            lang, links = _page_links(answer.get_data(as_text=True))
            assert lang == "fr", f"{url} is not French"
            for href in links:
                if _is_page(href):
                    assert parse_qs(urlsplit(href).query).get("lang") == ["fr"], f"{href} on {url}"
                    following.append(href)
        frontier = following
    assert len(seen) > 10  # the crawl really went somewhere: home, nav, resources
    assert any(url.startswith(f"/{PROJECT.split('/')[0]}/") for url in seen) or any(
        "/organization/" in url or "/release/" in url for url in seen
    )


def test_a_negotiated_page_adds_no_language_to_its_links(app: Flask) -> None:
    html = app.test_client().get(f"/{PROJECT}.html", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    lang, hrefs = _page_links(html)
    assert lang == "fr"
    assert not [h for h in hrefs if _is_page(h) and "lang=" in h]


def test_the_sparql_form_keeps_the_language(app: Flask) -> None:
    html = app.test_client().get("/sparql?lang=fr", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<input type="hidden" name="lang" value="fr">' in html


def test_files_and_absolute_addresses_stay_bare(app: Flask) -> None:
    html = app.test_client().get("/?lang=fr").get_data(as_text=True)
    assert re.search(r'href="/static/style\.css"', html)
    assert "lang=fr" not in " ".join(re.findall(r"<code>[^<]*</code>", html))


def test_a_redirect_to_a_page_keeps_the_language(app: Flask) -> None:
    client = app.test_client()
    catalog = client.get("/catalog/kg-funding?lang=fr", headers={"Accept": "text/html"})
    assert catalog.status_code == 303 and catalog.headers["Location"].endswith("/catalog.html?lang=fr")
    project = client.get(f"/{PROJECT}?lang=fr", headers={"Accept": "text/html"})
    assert project.status_code == 303 and project.headers["Location"].endswith(".html?lang=fr")
