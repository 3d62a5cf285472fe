"""The results page's filters in Chromium: a "Filter results" disclosure above the hits on a
narrow screen (320 px), closed there by search.js and open without JavaScript; open beside
the hits on a wide screen; and the year histogram's decade links narrowing the search."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RESULTS = "/search?q=ha+noi&f.format=book"  # one filter on


def _page(browser: Browser, width: int, height: int, javascript: bool = True) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=javascript, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 320, 700)


@pytest.fixture
def narrow_without_js(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 320, 700, javascript=False)


def _axe_clean(page: Page, what: str) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_at_320px_the_filters_are_a_closed_button_above_the_first_hit(
    narrow: Page, site: Site
) -> None:
    narrow.goto(site.url + RESULTS)
    toggle = narrow.locator("summary.filters__toggle")
    expect(toggle).to_have_text("Lọc kết quả (1 đang chọn)")
    first_hit = narrow.locator("ol.hit-list > li").first
    toggle_box, hit_box = toggle.bounding_box(), first_hit.bounding_box()
    assert toggle_box and hit_box and toggle_box["y"] + toggle_box["height"] <= hit_box["y"]
    assert toggle_box["height"] >= 24 and toggle_box["width"] >= 24
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll
    checkbox = narrow.locator("fieldset.facet--format input[type=checkbox]").first
    expect(checkbox).to_be_hidden()
    _axe_clean(narrow, "closed filters at 320 px")

    toggle.focus()
    narrow.keyboard.press("Enter")
    expect(checkbox).to_be_visible()
    expect(narrow.locator("fieldset.facet--format input[type=checkbox]:checked")).to_have_count(1)
    expect(narrow.locator(".year-histogram a").first).to_be_visible()
    _axe_clean(narrow, "open filters at 320 px")

    # Another format, applied from the top: the page narrows to both (OR) and says so.
    narrow.locator("fieldset.facet--format input[type=checkbox]:not(:checked)").first.check()
    narrow.locator(".facets__apply").click()
    narrow.wait_for_load_state()
    assert len(parse_qs(urlsplit(narrow.url).query)["f.format"]) == 2
    expect(narrow.locator("summary.filters__toggle")).to_have_text("Lọc kết quả (2 đang chọn)")


def test_at_320px_without_javascript_the_filters_are_open_above_the_hits(
    narrow_without_js: Page, site: Site
) -> None:
    page = narrow_without_js
    page.goto(site.url + RESULTS)
    checkbox = page.locator("fieldset.facet--format input[type=checkbox]").first
    expect(checkbox).to_be_visible()
    checkbox_box = checkbox.bounding_box()
    hit_box = page.locator("ol.hit-list > li").first.bounding_box()
    assert checkbox_box and hit_box and checkbox_box["y"] < hit_box["y"]
    page.locator("summary.filters__toggle").click()  # the reader may still fold them away
    expect(checkbox).to_be_hidden()


def test_on_a_wide_screen_the_filters_stay_open_beside_the_hits(page: Page, site: Site) -> None:
    page.goto(site.url + RESULTS)
    checkbox = page.locator("fieldset.facet--format input[type=checkbox]").first
    expect(checkbox).to_be_visible()
    filters_box = page.locator("#filters").bounding_box()
    hit_box = page.locator("ol.hit-list > li").first.bounding_box()
    assert filters_box and hit_box
    assert filters_box["x"] + filters_box["width"] <= hit_box["x"]  # the left column
    assert filters_box["y"] < hit_box["y"] + hit_box["height"]  # side by side, not stacked
    _axe_clean(page, "filters beside the hits")


def test_the_skip_link_passes_the_filters(page: Page, site: Site) -> None:
    page.goto(site.url + RESULTS)
    skip = page.locator("a.filters__skip")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sort"


def test_a_decade_bar_narrows_the_results_to_that_decade(page: Page, site: Site) -> None:
    page.goto(site.url + "/search?q=ha+noi")
    link = page.locator(".year-histogram a", has_text="2010–2019")
    count = int(link.locator(".year-histogram__count").inner_text())
    link.click()
    page.wait_for_url("**year_from=2010**")
    assert parse_qs(urlsplit(page.url).query)["year_to"] == ["2019"]
    expect(page.locator("#results-heading")).to_contain_text(f"{count} kết quả")
    meta = page.locator("ol.hit-list .hit__meta li").all_inner_texts()
    years = [int(m) for m in (t.split(":")[-1].strip() for t in meta) if re.fullmatch(r"\d{4}", m)]
    assert len(years) == min(count, 20) and all(2010 <= y <= 2019 for y in years)


def test_filters_folded_on_a_narrow_screen_open_again_when_it_widens(
    narrow: Page, site: Site
) -> None:
    narrow.goto(site.url + RESULTS)
    filters = narrow.locator("details#filters")
    expect(filters).not_to_have_attribute("open", "")
    narrow.set_viewport_size({"width": 1280, "height": 800})  # a tablet turned, a window widened
    expect(filters).to_have_attribute("open", "")
    expect(narrow.locator("fieldset.facet--format input[type=checkbox]").first).to_be_visible()


def test_filters_the_reader_closed_stay_closed_when_the_screen_widens(
    narrow: Page, site: Site
) -> None:
    narrow.goto(site.url + RESULTS)
    toggle = narrow.locator("summary.filters__toggle")
    toggle.click()  # opened
    toggle.click()  # and closed again, by the reader
    narrow.set_viewport_size({"width": 1280, "height": 800})
    narrow.wait_for_timeout(300)
    expect(narrow.locator("details#filters")).not_to_have_attribute("open", "")


def test_a_ticked_group_is_applied_from_its_own_button_one_tab_away(page: Page, site: Site) -> None:
    """A keyboard reader who ticks a subject need not tab past every other group: the
    subject group's own "Apply filters" appears after its options once something in it
    changed (hidden until then, so the groups read as before)."""
    page.goto(site.url + "/search?q=")
    group = page.locator("fieldset.facet--subject")
    own = group.locator(".facet__apply")
    expect(own).to_be_hidden()
    expect(page.locator("fieldset.facet--format .facet__apply")).to_be_hidden()
    boxes = group.locator(".facet__list").first.locator("input[type=checkbox]")
    last = boxes.nth(boxes.count() - 1)
    last.focus()
    page.keyboard.press("Space")
    expect(own).to_be_visible()
    expect(page.locator("fieldset.facet--format .facet__apply")).to_be_hidden()
    presses = 0
    while not own.evaluate("b => b === document.activeElement") and presses < 4:
        page.keyboard.press("Tab")
        presses += 1
    assert own.evaluate("b => b === document.activeElement"), "not reached within 4 Tabs"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["f.subject"]
    _axe_clean(page, "a group's own apply button")


def test_without_javascript_every_group_has_its_apply_button(
    narrow_without_js: Page, site: Site
) -> None:
    narrow_without_js.goto(site.url + RESULTS)
    groups = narrow_without_js.locator("fieldset.facet")
    expect(narrow_without_js.locator("fieldset.facet .facet__apply")).to_have_count(groups.count())
    with narrow_without_js.expect_navigation():
        narrow_without_js.locator("fieldset.facet--format .facet__apply").click()
    assert parse_qs(urlsplit(narrow_without_js.url).query)["f.format"] == ["book"]
