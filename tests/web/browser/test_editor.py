"""The SPARQL editor (YASGUI, bundled) in a real Chromium: reached by Tab, a query typed and run with
Ctrl+Enter, results as a table and a chart, an example loaded, an error shown beside the query that is kept;
and without JavaScript, the form and a server-rendered error page that keeps the query too."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import Page

from .conftest import NAMES_QUERY, Tab

EDITOR = "#query-editor"  # YASQE's CodeMirror wrapper, mounted by static/editor.js
COUNT_QUERY = (
    "SELECT ?implementer (COUNT(?p) AS ?projects) WHERE { "
    "?p <https://w3id.org/kg-funding/ontology#implementer> ?o . "
    '?o <https://schema.org/name> ?implementer FILTER(lang(?implementer) = "en") } GROUP BY ?implementer'
)


def _value(page: Page) -> str:
    value: str = page.locator(EDITOR).evaluate("e => e.CodeMirror.getValue()")
    return value


def _focus_editor_by_keyboard(page: Page) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.closest('{EDITOR}') !== null"):
            return
    raise AssertionError("the editor is not reached with Tab")


def _type(page: Page, query: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(query)
    if page.locator(".CodeMirror-hints").count():
        page.keyboard.press("Escape")  # close an autocompletion list (Escape leaves the editor otherwise)
    assert _value(page) == query


def _run(page: Page, status: int = 200) -> None:
    """Ctrl+Enter in the editor; wait for the endpoint's answer to the editor's request."""
    with page.expect_response(
        lambda r: urlsplit(r.url).path == "/sparql" and r.request.method == "POST"
    ) as info:
        page.keyboard.press("Control+Enter")
    assert info.value.status == status


def test_a_query_typed_and_run_from_the_keyboard(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/sparql")
    page.locator(EDITOR).wait_for()
    assert page.locator("#query-form").is_hidden(), "the editor replaces the plain form"
    _focus_editor_by_keyboard(page)
    _type(page, NAMES_QUERY)
    _run(page)
    results = page.locator("#kg-results")
    results.get_by_text("Santo Domingo Pact and Managua Mechanism").first.wait_for()
    assert results.get_by_text("Pacte de Saint-Domingue et Mécanisme de Managua").count() == 1
    # The query is in the address bar, so the page can be shared.
    assert parse_qs(urlsplit(page.url).query).get("query") == [NAMES_QUERY]
    assert tab.axe() == []
    tab.clean()


def test_an_error_is_shown_beside_the_query_which_is_kept(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/sparql")
    page.locator(EDITOR).click()
    broken = "SELECT ?s WHERE { ?s ?p }"
    _type(page, broken)
    _run(page, status=400)
    error = page.locator("#query-error")
    error.wait_for()
    assert error.inner_text().strip()
    assert error.get_attribute("role") == "alert"
    # Beside the query: in the same section as the editor, and the query is still there to fix.
    assert page.locator("#sparql-query").locator("#query-error").count() == 1
    assert _value(page) == broken
    # Fixed and run again, the error goes and the results come.
    _type(page, NAMES_QUERY)
    _run(page)
    page.locator("#kg-results").get_by_text("Santo Domingo Pact and Managua Mechanism").first.wait_for()
    assert error.is_hidden()
    tab.clean()


def test_a_refused_query_reaches_nothing_beyond_loopback(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/sparql")
    page.locator(EDITOR).click()
    _type(page, "SELECT * WHERE { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }")
    _run(page, status=400)
    assert "SERVICE" in page.locator("#query-error").inner_text()
    tab.clean()  # the guard saw no request leave loopback


def test_results_as_a_chart(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/sparql?{urlencode({'query': COUNT_QUERY})}")
    page.locator(EDITOR).click()
    assert _value(page) == COUNT_QUERY, "a shared link opens with its query"
    _run(page)
    page.locator("#kg-results table").first.wait_for()
    page.locator("#kg-results button.select_chart").click()
    bars = page.locator("#kg-chart svg rect")
    bars.first.wait_for()
    assert bars.count() == 6  # the seed's six implementers
    assert "United Nations Office on Drugs and Crime" in page.locator("#kg-chart").inner_text()
    assert tab.axe() == []
    tab.clean()


def test_an_example_query_loads_into_the_editor_and_runs(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/sparql?lang=fr")
    page.locator(EDITOR).wait_for()
    examples = page.locator("a.example")
    assert examples.count() >= 19  # the competency queries of queries/
    example = page.locator("a.example[data-example=projects-with-implementer-program-amount]")
    example.click()
    assert "kg:implementer" in _value(page)
    assert parse_qs(urlsplit(page.url).query).get("lang") == ["fr"]
    _run(page)
    page.locator("#kg-results").get_by_text("INTERPOL Mobile Police Training Program").first.wait_for()
    assert tab.axe() == []
    tab.clean()


def test_without_javascript_the_form_runs_from_the_keyboard(live: str, tab_without_js: Tab) -> None:
    page = tab_without_js.page
    page.goto(f"{live}/sparql")
    assert page.locator("#query-form").is_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "query":
            break
    page.keyboard.press("Control+A")
    page.keyboard.type(NAMES_QUERY)
    page.keyboard.press("Tab")  # the format
    page.keyboard.press("Tab")  # the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Santo Domingo Pact and Managua Mechanism" in page.locator("table.results").inner_text()
    tab_without_js.clean()


def test_without_javascript_an_error_keeps_the_query(live: str, tab_without_js: Tab) -> None:
    """The issue's "a syntax error replaces the page with plain text, losing the query"."""
    page = tab_without_js.page
    response = page.goto(f"{live}/sparql?{urlencode({'query': 'SELEC x'})}")
    assert response is not None and response.status == 400
    assert "text/html" in response.headers["content-type"]
    assert page.locator("#query-error").is_visible()
    assert page.locator("textarea#query").input_value() == "SELEC x"
    tab_without_js.clean()  # axe-core on this page, with scripts on: test_page_kinds.py ("sparql-error")
