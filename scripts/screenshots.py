"""Take the README's screenshots (docs/screenshots/) of the pages `kg serve` renders, in Debian's Chromium.

    .venv/bin/kg build && .venv/bin/python scripts/screenshots.py [--chromium /usr/bin/chromium]

Serves the checkout's dist/ with `kg serve` on a free loopback port, drives Chromium with Playwright (the
flags of tests/web/browser/conftest.py, every request beyond loopback aborted), and writes one PNG per page.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EDITOR_QUERY = """PREFIX kg: <https://w3id.org/kg-funding/ontology#>
PREFIX schema: <https://schema.org/>
# How many projects does each organisation implement?
SELECT ?implementer (COUNT(?project) AS ?projects) WHERE {
  ?project a kg:Project ; kg:implementer ?org .
  ?org schema:name ?implementer FILTER(lang(?implementer) = "en")
}
GROUP BY ?implementer ORDER BY DESC(?projects) ?implementer"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/-/health", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _loopback_only(route: Route) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost") or not route.request.url.startswith("http"):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _shoot(page: Page, url: str, name: str, ready: str = "main") -> None:
    page.goto(url)
    page.locator(ready).first.wait_for()
    page.screenshot(path=OUT / name)
    print(f"wrote docs/screenshots/{name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    kg = Path(sys.executable).with_name("kg")
    server = subprocess.Popen([str(kg), "serve", "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        _wait(url)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-CA")
            context.route("**/*", _loopback_only)
            page = context.new_page()
            _shoot(page, f"{url}/", "home-page.png")
            _shoot(page, f"{url}/project/interpol-mobile-police-training-program", "project-page.png")
            page.goto(f"{url}/sparql?{urlencode({'query': EDITOR_QUERY})}")
            page.locator("#query-editor").click()  # the editor, run with Ctrl+Enter as a reader would
            page.keyboard.press("Control+Enter")
            page.locator("#kg-results table").first.wait_for()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=OUT / "sparql-editor.png", full_page=True)
            print("wrote docs/screenshots/sparql-editor.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
