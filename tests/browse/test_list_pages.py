"""The projects list as a reader meets it: pages, sorting, downloads of the selection, shareable links,
both languages, and query strings written to break it (400 or an empty list, never a 500)."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

ROW_LINK = re.compile(r"<tr>\s*<td><a href=\"/project/([a-z0-9-]+)(?:\?[^\"]*)?\"")


def _keys(page: str) -> list[str]:
    return ROW_LINK.findall(page)


def _get(client: FlaskClient, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200, (url, reply.status_code, reply.get_data(as_text=True)[:300])
    return reply.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["", "country=gt", "program=accbp&sort=-amount", "theme=drug-trafficking&sort=title"]
)
def test_downloads_hold_exactly_the_pages_of_the_list(browse: FlaskClient, query: str) -> None:
    """Page through the list four at a time; the CSV and the JSON of the same link hold those projects, in
    that order."""
    listed: list[str] = []
    page = 1
    while True:
        keys = _keys(_get(browse, f"/projects?{query}&size=4&page={page}"))
        if not keys:
            break
        assert len(keys) <= 4
        listed += keys
        page += 1
    assert listed and len(listed) == len(set(listed))
    body = browse.get(f"/projects.json?{query}").get_json()
    assert [p["iri"].rsplit("/", 1)[1] for p in body["projects"]] == listed
    assert body["total"] == len(listed)
    reply = browse.get(f"/projects.csv?{query}")
    assert reply.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert [r["iri"].rsplit("/", 1)[1] for r in rows] == listed
    for row, project in zip(rows, body["projects"], strict=True):
        assert row["name"] == project["name"]
        assert (Decimal(row["amount"]) if row["amount"] else None) == (
            Decimal(str(project["amount"])) if project["amount"] is not None else None
        )


def test_sorting_by_amount_orders_the_figures(browse: FlaskClient) -> None:
    body = browse.get("/projects.json?sort=-amount").get_json()
    figures = [p["amount"] for p in body["projects"] if p["amount"] is not None]
    assert figures == sorted(figures, reverse=True) and len(set(figures)) > 3
    names = [p["name"] for p in browse.get("/projects.json?sort=title&lang=fr").get_json()["projects"]]
    assert names == sorted(names, key=lambda n: n.casefold().replace("é", "e"))


def test_every_link_on_the_page_is_a_state_of_the_list(browse: FlaskClient) -> None:
    """Facet, sort, page and download links carry the whole selection in the query string, and the
    language when the link named it."""
    page = _get(browse, "/projects?country=gt&size=4&lang=fr")
    main = page[page.index("<main>") :]  # the site header's links are the language helper's
    links = [html.unescape(h) for h in re.findall(r'href="(/projects[^"]*)"', main)]
    assert links
    for link in links:
        if link == "/projects?lang=fr":  # "clear all filters"
            continue
        assert "lang=fr" in link, link
        assert "country=gt" in link or re.search(r"\bcountry=", link) is None, link
    next_link = html.unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1))  # type: ignore[union-attr]
    assert "page=2" in next_link and "size=4" in next_link
    assert _keys(_get(browse, next_link)) != _keys(page)
    assert "Projets" in page and "Pays" in page and "Amérique centrale" in page


def test_missing_values_are_shown_as_absent(browse: FlaskClient) -> None:
    """A selection with no project is an empty list, honestly said, with no error."""
    page = _get(browse, "/projects?q=zzzxqy")
    assert "No project matches this selection." in page
    assert browse.get("/projects.json?country=no-such-place").get_json()["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "min=abc",
        "max=1e999",
        "min=-5",
        "min=NaN",
        "max=Infinity",
        "page=0",
        "page=-1",
        "page=99999999999999999999",
        "page=1.5",
        "size=0",
        "size=1000",
        "size=%EF%BC%91",  # a full-width digit one
        "sort=amount;drop",
        "q=" + "a" * 600,
        "page=1&page=2",
    ],
)
def test_malformed_input_is_a_400(browse: FlaskClient, query: str) -> None:
    for path in ("/projects", "/projects.csv", "/projects.json"):
        reply = browse.get(f"{path}?{query}")
        assert reply.status_code == 400, (path, query)
        assert reply.content_type.startswith("text/plain")
        assert "Bad Request" in reply.get_data(as_text=True)


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        "NEAR(",
        "NEAR(police",
        "*",
        "police*",
        "a OR b",
        "title:police",
        "^police",
        "-police",
        "(",
        "\\",
        "%00",
        "🙂",
    ],
)
def test_fts_syntax_in_the_search_box_is_only_words(browse: FlaskClient, q: str) -> None:
    for path in ("/projects", "/projects.json", "/search"):
        reply = browse.get(path, query_string={"q": q})
        assert reply.status_code == 200, (path, q, reply.get_data(as_text=True)[:200])


def test_a_huge_query_string_is_refused_not_crashed(browse: FlaskClient) -> None:
    many = "&".join(f"country=c{n}" for n in range(60))
    assert browse.get(f"/projects?{many}").status_code == 400
    assert browse.get("/projects?country=" + "x" * 5000).status_code == 200  # one unknown value: nothing
    assert browse.get("/projects.txt").status_code == 404


def test_what_a_person_types_is_escaped_in_the_pages(browse: FlaskClient) -> None:
    attack = '"><script>alert(1)</script>'
    for path in ("/projects", "/search"):
        page = _get(browse, f"/projects?q={attack}" if path == "/projects" else f"/search?q={attack}")
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)" in page or "%3Cscript%3E" in page
