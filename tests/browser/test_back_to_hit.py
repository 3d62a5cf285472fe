"""L6: "Back to results" on a record page returns a keyboard reader to the hit they
opened (`#hit-23` on the results page), not to the top of page 2: the next Tab is that
hit's title link. And the browse pages that now link the library pages are axe-clean."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import LANGUAGES, Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
OPENED = 2  # the third hit of page 2


def _press_enter_on(page: Page, selector: str) -> None:
    """Activate a link as a keyboard reader does: focus it, then Enter."""
    page.locator(selector).first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _inside(page: Page, element_id: str) -> bool:
    return page.evaluate(
        "id => document.getElementById(id).contains(document.activeElement)", element_id
    )


def _back_to_the_hit(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/search?q=&sort=title")
    _press_enter_on(page, "nav.paging a[rel='next']")
    assert "page=2" in page.url
    start = int(page.locator("ol.hit-list").get_attribute("start") or "0")
    assert start > 1
    hit = page.locator("ol.hit-list > li.hit").nth(OPENED)
    hit_id = f"hit-{start + OPENED}"
    assert hit.get_attribute("id") == hit_id
    title = " ".join(hit.locator("h3 a").inner_text().split())

    _press_enter_on(page, f"#{hit_id} h3 a")
    assert "/record/" in page.url
    _press_enter_on(page, "nav.search-context a")  # "« Back to results"
    assert page.evaluate("location.hash") == f"#{hit_id}"
    assert "page=2" in page.url

    box = page.locator(f"#{hit_id}").bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert 0 <= box["y"] < viewport["height"], "the hit is on screen"
    page.keyboard.press("Tab")
    assert _inside(page, hit_id), page.evaluate("document.activeElement.outerHTML")
    focused = page.evaluate("document.activeElement.textContent")
    assert " ".join(focused.split()) == title  # its title link: Enter opens it again


@pytest.mark.parametrize("language", LANGUAGES)
def test_back_to_results_puts_the_next_tab_on_the_opened_hit(
    page: Page, site: Site, language: str
) -> None:
    in_language(page, site, language)
    _back_to_the_hit(page, site)


def test_back_to_the_hit_on_a_narrow_screen_with_the_filters_folded(page: Page, site: Site) -> None:
    """One column: search.js folds the filters above the hits after the browser has
    scrolled to the hit; the hit must stay on screen and the next Tab still reach it."""
    page.set_viewport_size({"width": 360, "height": 740})
    _back_to_the_hit(page, site)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["/browse", "/browse/library"])
def test_browse_pages_have_no_wcag_violations(
    page: Page, site: Site, path: str, language: str
) -> None:
    in_language(page, site, language)
    response = page.goto(site.url + path)
    assert response is not None and response.ok
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("a[href^='/browse/library']").count() or path == "/browse/library"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_a_holdings_library_link_lands_on_its_entry_with_the_address(
    page: Page, site: Site
) -> None:
    """L3: from a record's holdings to the library's entry on /browse/library."""
    page.goto(f"{site.url}/search?q=")
    _press_enter_on(page, "ol.hit-list h3 a")
    link = page.locator("table.holdings th a").first
    library = " ".join(link.inner_text().split())
    _press_enter_on(page, "table.holdings th a")
    fragment = page.evaluate("location.hash")
    assert page.url.split("#")[0].endswith("/browse/library") and fragment
    entry = page.locator(":target")
    assert entry.evaluate("e => e.id") == fragment[1:]
    assert " ".join(entry.locator("h2").inner_text().split()) == library
    box = entry.bounding_box()
    assert box is not None and 0 <= box["y"] < (page.viewport_size or {"height": 0})["height"]
    page.keyboard.press("Tab")  # the next stop is in that library's entry
    assert page.evaluate("e => e.contains(document.activeElement)", entry.element_handle())
