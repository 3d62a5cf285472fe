"""The librarian dashboard in Chromium over the demo catalogue: short enough to take in at
a glance, its chart labels drawn whole, axe-clean in Vietnamese and English, and usable
at 320 CSS px with the text at 200%.

Height: over the demo catalogue (`thuvien demo`, 300 works) the page measured 5,484 px
at 1280×800 before the summary grid and the closed per-day tables, 3,610 px after
(document.documentElement.scrollHeight). MAX_HEIGHT leaves about 10% for fonts and a
few more formats or languages, and is still 1,400 px under the old page: two open
30-row day tables (some 1,000 px each) could not hide under it.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LANGUAGES, Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MAX_HEIGHT = 4_000
NAME, PASSWORD = "dashboard-librarian", "bảng điều khiển gọn gàng"
PREFS_COOKIE = "thuvien_prefs"


def log_in_as_librarian(page: Page, site: Site) -> None:
    from catalogue import users
    from catalogue.store import Store

    store = Store(site.settings.db_url)
    if users.find_user(store, NAME) is None:
        users.create_user(store, NAME, PASSWORD, role="librarian")
    store.close()
    page.goto(site.url + "/login")
    page.fill("input[name=username]", NAME)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, "the librarian could not log in"


def axe_violations(page: Page) -> tuple[int, str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.violations_count, results.generate_report()


CLIPPED_LABELS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
    const box = svg.viewBox.baseVal;
    return [...svg.querySelectorAll('text')].filter(text => {
        const b = text.getBBox();
        return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5;
    }).map(text => svg.id + ': ' + text.textContent);
})"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_fits_a_glance_and_passes_axe(page: Page, site: Site, language: str):
    log_in_as_librarian(page, site)
    in_language(page, site, language)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.url + "/admin/")
    assert page.locator("html").get_attribute("lang") == language

    # The summary is the first thing under the heading, inside the first screen.
    summary = page.locator("section[aria-labelledby=summary-title]")
    expect(summary.locator("dl > div")).to_have_count(8)
    assert summary.bounding_box()["y"] + summary.bounding_box()["height"] <= 800

    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT, f"the dashboard is {height}px tall at 1280×800"

    # The day tables are closed; their charts are in view, every label drawn whole.
    for name in ("access-days", "failed-logins"):
        figure = page.locator(f"#figure-{name}")
        expect(figure.locator("svg.chart")).to_be_visible()
        expect(figure.locator("table")).to_be_hidden()
    assert page.evaluate(CLIPPED_LABELS) == []

    count, report = axe_violations(page)
    assert count == 0, report

    # Opened (by keyboard, as a librarian would), the tables are axe-clean too.
    for name in ("access-days", "failed-logins"):
        toggle = page.locator(f"#figure-{name} summary")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#figure-{name} table")).to_be_visible()
        expect(page.locator(f"#figure-{name} tr.quiet-days").first).to_be_visible()
    count, report = axe_violations(page)
    assert count == 0, report


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_reflows_with_text_at_200_percent(page: Page, site: Site, language: str):
    """WCAG 1.4.4 and 1.4.10: text at 200% (the reader's own setting), and 320 CSS px wide:
    no sideways scrolling, labels still whole, still axe-clean."""
    log_in_as_librarian(page, site)
    in_language(page, site, language)
    page.context.add_cookies([{"name": PREFS_COOKIE, "value": "size=200", "url": site.url}])
    for width, height in ((1280, 800), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(site.url + "/admin/")
        assert "prefs-size-200" in (page.locator("html").get_attribute("class") or "")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the dashboard scrolls sideways by {overflow}px at {width}px"
        assert page.evaluate(CLIPPED_LABELS) == []
        page.locator("#figure-access-days summary").click()
        expect(page.locator("#figure-access-days table")).to_be_visible()
        count, report = axe_violations(page)
        assert count == 0, report
