"""Keyboard use in a real Chromium: a skip link first, the navigation in reading order with a visible focus.
The SPARQL editor and form by keyboard: test_editor.py."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from .conftest import Tab


def _focused(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id, text: e.innerText.trim(), cls: e.className,
                outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                visible: e.getBoundingClientRect().left >= 0 && e.getBoundingClientRect().width > 0}; }"""
    )


def _tab_to(page: Page, selector: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the element matching ``selector`` has the focus; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return _focused(page)
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def test_first_tab_offers_to_skip_the_navigation(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/?lang=fr")
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["cls"] == "skip" and skip["text"] == "Aller au contenu"
    assert skip["visible"], "the skip link is shown when it has the focus"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    after = page.evaluate("document.activeElement.closest('main') !== null")
    assert after, "the next Tab lands inside the main content, past the navigation"
    tab.clean()


def test_navigation_in_reading_order_with_a_visible_focus(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/project/interpol-mobile-police-training-program")
    # The header's controls in document order: Tab must visit them in that order, none skipped, none added.
    controls = "a[href], input:not([type=hidden]), button, select"
    order = page.locator("header").evaluate(
        f"h => [...h.querySelectorAll('{controls}')].map(e => e.outerHTML)"
    )
    assert len(order) >= 6
    page.keyboard.press("Tab")  # the skip link
    visited = []
    for _ in order:
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        visited.append(page.evaluate("document.activeElement.outerHTML"))
    assert visited == order
    assert _focused(page)["text"] == "Français"  # the language switch comes last
    page.keyboard.press("Enter")
    page.wait_for_url("**lang=fr*")
    assert page.locator("html").get_attribute("lang") == "fr"
    tab.clean()
