"""The researcher's journey in Chromium: search → facet → record → citation, by mouse and
by keyboard alone, in Vietnamese and in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Site, in_language

pytestmark = pytest.mark.browser

MAX_TABS = 80


def total(page: Page) -> int:
    """The announced number of results, read from the results heading."""
    heading = page.locator("#results-heading").inner_text()
    digits = re.search(r"[\d.,]+", heading)
    assert digits, f"no count in {heading!r}"
    return int(re.sub(r"[.,]", "", digits.group(0)))


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would; fail if it never does."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"{target} cannot be reached with Tab")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_search_facet_record_citation_with_the_mouse(page: Page, site: Site, language: str) -> None:
    in_language(page, site, language)
    box = page.locator("input[name=q]").first
    box.fill("ha noi")
    box.press("Enter")
    expect(page.locator("#results-heading")).to_be_visible()
    everything = total(page)
    assert everything > 5
    assert "Hà Nội" in page.locator(".hit-list").inner_text()  # folded query, exact text

    # Narrow by the first format on offer; the count drops and the filter can be removed.
    facet = page.locator("fieldset.facet--format input[type=checkbox]").first
    facet.check()
    page.locator(".facets__apply").click()
    narrowed = total(page)
    assert 0 < narrowed < everything
    assert page.locator("fieldset.facet--format input[type=checkbox]:checked").count() == 1
    remove = page.locator(".chips a").first
    expect(remove).to_be_visible()

    # Open the first hit: its record page has a title, holdings and citations.
    first_hit = page.locator(".hit__title a").first
    title = first_hit.inner_text()
    first_hit.click()
    expect(page.locator("h1")).to_contain_text(title.split(":")[0].strip())
    expect(page.locator("table.holdings tbody tr").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("a[href$='cite.ris']").click()
    ris = Path(download.value.path()).read_text(encoding="utf-8")
    assert ris.startswith("TY  - ")
    assert title.split(":")[0].strip() in ris
    assert ris.rstrip().endswith("ER  -")

    # Back on the results, removing the filter restores the full count.
    page.go_back()
    page.locator(".chips a").first.click()
    assert total(page) == everything


def test_the_same_journey_by_keyboard_alone(page: Page, site: Site) -> None:
    in_language(page, site, "en")
    page.goto(site.url + "/")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    box = page.locator("input[name=q]").first
    tab_to(page, box)
    page.keyboard.type("truyen kieu")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_be_visible()
    before = total(page)

    checkbox = page.locator("fieldset.facet--library input[type=checkbox]").first
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    tab_to(page, page.locator(".facets__apply"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert 0 < total(page) <= before

    tab_to(page, page.locator(".hit__title a").first)
    page.keyboard.press("Enter")
    expect(page.locator("table.holdings")).to_be_visible()
    link = page.locator("a[href$='cite.bib']")
    tab_to(page, link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    bibtex = Path(download.value.path()).read_text(encoding="utf-8")
    assert bibtex.lstrip().startswith("@")
    assert "Kiều" in bibtex or "Ki{\\`e}u" in bibtex or "Kieu" in bibtex


def test_focus_is_always_visible(page: Page, site: Site) -> None:
    """WCAG 2.4.7/2.4.11: every focused control draws an outline the reader can see."""
    page.goto(site.url + "/search?q=ha+noi")
    for _ in range(25):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.outlineStyle, s.outlineWidth, document.activeElement.tagName]; }"""
        )
        assert style[0] != "none" and style[1] != "0px", f"no focus outline on {style[2]}"
