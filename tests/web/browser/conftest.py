"""Browser fixtures: Debian's Chromium driven by Playwright against the real app on a loopback port.

``playwright install`` cannot download a browser here, so Playwright launches the system Chromium
(``/usr/bin/chromium``, Debian's package ``chromium``, installed in CI by ``.ci/setup.d/30-chromium.sh``;
``KG_CHROMIUM`` names another binary). The flags are those that keep Chromium from reaching the network on
its own (update checks, sync, safe browsing): with them, the only requests are the pages' own, and every
context routes those through ``_Guard``, which lets loopback through and aborts and records anything else; a
test fails if one was even attempted.

Without Chromium the tests skip with the reason, except when ``KG_REQUIRE_BROWSER=1`` (set by ``.ci/run``):
then they fail, so CI cannot go green without running them.

axe-core comes from the PyPI package ``axe-playwright-python`` (pinned in the test extra), which ships
axe-core's ``axe.min.js``: it installs with the other test tools, with no download at test time. It is
injected with ``add_init_script``, which the page's content security policy does not govern, so the pages are
checked under their real CSP (and a CSP violation is a console error, which the tests refuse).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The seed's 13 project names, in English and French: a query both the form and the editor run.
NAMES_QUERY = "SELECT ?name WHERE { ?p a <https://schema.org/Project> ; <https://schema.org/name> ?name }"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# axe-core's impacts that fail a page (WCAG 2.x A/AA rules and axe's best practices alike).
FAILING_IMPACTS = frozenset({"serious", "critical"})
SUBRESOURCES = frozenset({"stylesheet", "script", "image", "font", "media"})


def _unavailable(reason: str) -> None:
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (KG_REQUIRE_BROWSER=1: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str:
    path = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
    if shutil.which(path) is None:
        _unavailable(f"no Chromium at {path} (apt-get install chromium, or set KG_CHROMIUM)")
    return path


@pytest.fixture(scope="session")
def axe_script() -> str:
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError:
        _unavailable("Python package axe-playwright-python (axe-core) is not installed")
    return Path(AXE_FILE_PATH).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    path = _chromium_path()
    with sync_playwright() as playwright:
        yield _launch(playwright, path)


def _launch(playwright: Playwright, path: str) -> Browser:
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)


@dataclass
class _Guard:
    """Lets loopback requests through; aborts and records every other one."""

    blocked: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and host not in LOOPBACK:
            self.blocked.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()


@dataclass
class Tab:
    """A page with what it logged: console errors, uncaught exceptions, outside requests."""

    page: Page
    guard: _Guard
    errors: list[str] = field(default_factory=list)

    def clean(self) -> None:
        """Nothing went wrong in the browser: no console error (CSP refusals included), no outside request."""
        assert self.errors == [], self.errors
        assert self.guard.blocked == [], f"requests beyond loopback: {self.guard.blocked}"

    def axe(self) -> list[dict[str, Any]]:
        """The serious and critical axe-core violations of the page as it is now."""
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
            for v in result["violations"]
            if v["impact"] in FAILING_IMPACTS
        ]


def _open(chromium: Browser, axe_script: str, **options: Any) -> Iterator[Tab]:
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-CA", **options)
    ctx.set_default_timeout(15_000)
    guard = _Guard()
    ctx.route("**/*", guard)
    ctx.add_init_script(axe_script)
    page = ctx.new_page()
    tab = Tab(page, guard)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _expected_error_status(message):
            tab.errors.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
    page.on("response", lambda r: _failed_subresource(r, tab.errors))
    try:
        yield tab
    finally:
        ctx.close()


@pytest.fixture
def tab(chromium: Browser, axe_script: str) -> Iterator[Tab]:
    """A fresh browser context and page, JavaScript on."""
    yield from _open(chromium, axe_script)


@pytest.fixture
def tab_without_js(chromium: Browser, axe_script: str) -> Iterator[Tab]:
    """The same with JavaScript off: what a reader with scripts blocked, or a crawler, gets."""
    yield from _open(chromium, axe_script, java_script_enabled=False)


def _failed_subresource(response: Response, errors: list[str]) -> None:
    """A style sheet, script, font or image the page asks for loads (a page or a query may fail on purpose:
    the tests that ask for one check its answer)."""
    if response.status >= 400 and response.request.resource_type in SUBRESOURCES:
        errors.append(f"{response.status} on {response.url}")


def _expected_error_status(message: ConsoleMessage) -> bool:
    """Chromium logs every 4xx/5xx answer as a console error; the tests that ask for one check it."""
    return message.text.startswith("Failed to load resource: the server responded with a status of")


__all__ = ["FAILING_IMPACTS", "NAMES_QUERY", "PlaywrightError", "Tab"]
