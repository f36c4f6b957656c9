"""The money on the pages in a real Chromium: the home page's charts are drawn without JavaScript and in
print, each bar has its row in the table beside it, each picture has an accessible name;
a project page leads with its amount."""

from __future__ import annotations

import pytest

from .conftest import Tab

BAR_CHARTS = ("program", "implementer", "region", "year")


@pytest.mark.parametrize("media", ["screen", "print"])
def test_home_charts_are_drawn_without_javascript(live: str, tab_without_js: Tab, media: str) -> None:
    page = tab_without_js.page
    page.emulate_media(media=media)  # type: ignore[arg-type]
    page.goto(f"{live}/")
    figures = page.locator("figure.chart-figure")
    assert figures.count() == len(BAR_CHARTS) + 1  # and the funding flow
    for name in (*BAR_CHARTS, "flow"):
        picture = page.locator(f"#chart-{name}")
        box = picture.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (name, box)
        # Its accessible name is its title, for a screen reader; the table beside it holds the figures.
        title = page.locator(f"#{picture.get_attribute('aria-labelledby')}")
        assert picture.get_attribute("role") == "img" and title.text_content().strip()
        rows = page.locator(f"#data-{name} tbody tr").count()
        marks = page.locator(f"#chart-{name} {'.flow-band' if name == 'flow' else 'rect.reactive'}").count()
        assert rows > 0 and marks == rows, (name, marks, rows)
    # The headline figures carry their qualifiers in words ("over" a lower bound).
    assert "$" in page.locator("dl.figures").inner_text()
    tab_without_js.clean()


def test_a_project_page_leads_with_its_amount(live: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{live}/project/interpol-mobile-police-training-program?lang=fr")
    lead = page.locator(".money dl.lead")
    assert lead.is_visible()
    amount = lead.locator(".figure-value").first.inner_text()
    assert amount.startswith("plus de ") and amount.endswith("$")  # "over": a lower bound, in French
    assert "INTERPOL" in lead.inner_text() or "Organisation internationale" in lead.inner_text()
    # It comes before the page's table of properties.
    first_table = page.locator("main table").first
    lead_box, table_box = lead.bounding_box(), first_table.bounding_box()
    assert lead_box is not None and table_box is not None and lead_box["y"] < table_box["y"]
    tab.clean()
