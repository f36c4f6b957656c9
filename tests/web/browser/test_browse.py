"""The projects list and the search in a real Chromium: facets clicked narrow the list to the count they
showed, the state is a URL that shares it, the search box of every page finds French text typed without
accents, all by keyboard where a reader would use it."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from .conftest import Tab


def _count(page: Page) -> int:
    match = re.match(r"\d+", page.locator("#result-count").inner_text().strip())
    assert match is not None
    return int(match.group())


def _rows(page: Page) -> int:
    return page.locator("table.projects-list tbody tr").count()


def _facet_count(page: Page, facet: str, label: str) -> tuple[str, int]:
    """The link of ``label`` in ``facet`` and the count it shows."""
    item = page.locator(f"#facet-{facet} li").filter(has=page.get_by_role("link", name=label, exact=True))
    match = re.search(r"\d+", item.locator(".count").inner_text())
    assert match is not None
    return label, int(match.group())


def test_facets_narrow_the_list_to_their_counts_and_the_url_shares_it(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/projects")
    assert _count(page) == _rows(page) == 13  # the seed's 13 projects on one page
    label, shown = _facet_count(page, "country", "Guatemala")
    page.locator("#facet-country").get_by_role("link", name=label, exact=True).click()
    page.wait_for_url("**country=gt*")
    assert _count(page) == _rows(page) == shown == 11  # through the M49 regions that contain Guatemala
    chosen = page.locator("#facet-country [aria-current=true]")
    assert chosen.count() == 1 and "Guatemala" in chosen.inner_text()
    # A second facet combines with the first (AND), and lands on the count it showed.
    label, shown = _facet_count(page, "program", "Anti-Crime Capacity Building Program")
    page.locator("#facet-program").get_by_role("link", name=label, exact=True).click()
    page.wait_for_url("**program=accbp*")
    assert _count(page) == _rows(page) == shown < 11
    shared = page.url
    # The URL is the state: opened afresh, it shows the same list.
    other = page.context.new_page()
    other.goto(shared)
    assert _count(other) == shown
    assert other.locator("#facet-program [aria-current=true]").count() == 1
    other.close()
    page.get_by_role("link", name="Clear").click()
    page.wait_for_url(f"{live}/projects*")
    assert _count(page) == 13
    assert tab.axe() == []
    tab.clean()


def test_the_search_box_of_every_page_folds_accents(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/project/interpol-mobile-police-training-program?lang=fr")
    for _ in range(20):  # by keyboard: the header's search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "search":
            break
    else:
        raise AssertionError("the search field is not reached with Tab")
    page.keyboard.type("securite")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search" in page.url and "q=securite" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"  # the language is kept
    assert _count(page) > 0
    marks = page.locator("ol.hits mark").all_inner_texts()
    assert "sécurité" in [m.lower() for m in marks]  # typed without the accent, found with it
    first = page.locator("ol.hits li a").first
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip()
    tab.clean()


def test_words_searched_within_the_projects_list(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/projects?country=gt")
    field = page.locator("#projects-q")
    field.fill("trafficking")
    with page.expect_navigation():
        field.press("Enter")
    assert "q=trafficking" in page.url and "country=gt" in page.url  # the facet is kept
    found = _count(page)
    assert 0 < found < 11 and _rows(page) == found
    titles = page.locator("table.projects-list tbody tr td:first-child").all_inner_texts()
    assert any("Trafficking" in t for t in titles)
    tab.clean()
