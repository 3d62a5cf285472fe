"""The record page's holdings on a phone and with large text (H5), in Chromium: below
about 40em each copy is a block of its own (library; location and call number; status,
copy, barcode and the link to the library's catalogue), each line led by its column's
name, with nothing to scroll sideways; screen readers still get a table whose cells
carry their column headers; the wide table is unchanged. axe (WCAG 2.2 A/AA) finds
nothing in either language."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from harvesters.demo import vocab as v
from harvesters.demo.generator import generate
from portal.demo import DEMO_SEED
from tests.browser.conftest import DEMO_WORKS, LANGUAGES, Site, in_language
from tests.browser.test_accessibility import PREFS_COOKIE
from tests.browser.test_record_page_journey import no_violations

pytestmark = pytest.mark.browser

HEADERS = {
    "vi": ["Thư viện", "Vị trí", "Ký hiệu xếp giá", "Tình trạng"],
    "en": ["Library", "Location", "Call number", "Status"],
}


def shared_record(site: Site) -> str:
    """A record of a work three libraries hold: rows from each, with their links."""
    with urllib.request.urlopen(f"{site.url}/api/search?q=truyen+kieu") as response:
        hits = json.load(response)["hits"]
    return next(h["id"] for h in hits if len(h["libraries"]) == 3)


def alike_record() -> str:
    """The served demo's university book whose copies were never barcoded (one row)."""
    for sample in generate(seed=DEMO_SEED, works=DEMO_WORKS).records(v.VNU):
        fields = sample.marc.get_fields("852") if sample.marc and not sample.deleted else []
        if len(fields) >= 2 and not any(f.get("p") for f in fields):
            return sample.id
    raise AssertionError("the demo has a record with copies that read alike")


def sideways(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def label(page: Page, css: str) -> str:
    """The column name drawn before a cell (its ::before content, quotes and all)."""
    return page.locator(css).first.evaluate("e => getComputedStyle(e, '::before').content")


def assert_stacked(page: Page, language: str, width: int) -> None:
    table = page.locator("table.holdings")
    expect(table).to_be_visible()
    assert sideways(page) <= 0, f"the page scrolls sideways at {width} px"
    region = page.locator(".holdings-region")
    assert region.evaluate("e => e.scrollWidth - e.clientWidth") <= 0  # nothing to scroll
    assert page.locator("table.holdings thead").evaluate("e => e.offsetHeight") <= 1
    rows = page.locator("table.holdings tbody tr")
    assert rows.count() >= 3
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.evaluate("e => getComputedStyle(e).display") == "block"
        box = row.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        # Top to bottom in a reader's order: library, shelf (an empty cell takes no room),
        # then status.
        cells = [
            row.locator(s).bounding_box() for s in ("th", "td:nth-child(2)", "td:nth-child(4)")
        ]
        assert cells[0]["y"] < cells[2]["y"] and cells[0]["y"] <= cells[1]["y"] <= cells[2]["y"]
    links = page.locator("table.holdings a.holdings__opac")
    assert links.count() >= 3
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["height"] >= 24  # a target a finger can hit
    library, location, call_number, status = HEADERS[language]
    # The name is shown, with empty alternative text: a screen reader hears the header.
    assert label(page, "table.holdings tbody th") == f'"{library}: " / ""'
    assert label(page, "table.holdings tbody td:nth-child(4)") == f'"{status}: " / ""'
    # Screen readers: still a table, each cell under its column header, not re-labelled.
    for name in HEADERS[language]:
        expect(table.get_by_role("columnheader", name=name, exact=True)).to_have_count(1)
    first = table.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_have_count(1)
    expect(first.get_by_role("cell")).to_have_count(5)
    snapshot = table.aria_snapshot()
    assert f"{location}:" not in snapshot and f"{call_number}:" not in snapshot


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_320_px_each_copy_is_a_block_with_its_link_in_view(
    page: Page, site: Site, language: str
):
    in_language(page, site, language)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{site.url}/record/{shared_record(site)}")
    assert_stacked(page, language, 320)
    no_violations(page)


@pytest.mark.parametrize("width", [640, 1280])
def test_with_text_at_200_percent_the_copies_stack_too(page: Page, site: Site, width: int):
    """The switch follows the reader's text size (the region's width in em), not only
    the window: at 200% a 1280 px window has room for 40em, not for the table."""
    page.context.add_cookies([{"name": PREFS_COOKIE, "value": "size=200", "url": site.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site.url}/record/{shared_record(site)}")
    assert "prefs-size-200" in (page.locator("html").get_attribute("class") or "")
    assert_stacked(page, "vi", width)
    no_violations(page)


def test_the_wide_table_is_unchanged(page: Page, site: Site):
    page.goto(f"{site.url}/record/{shared_record(site)}")
    headers = page.locator("table.holdings thead th")
    expect(headers).to_have_count(6)
    expect(headers.first).to_be_visible()
    row = page.locator("table.holdings tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "table-row"
    assert label(page, "table.holdings tbody td:nth-child(2)") == "none"  # no labels
    cells = [row.locator(s).bounding_box() for s in ("th", "td:nth-child(4)")]
    assert cells[0]["y"] == cells[1]["y"]  # side by side, one line per copy


@pytest.mark.parametrize("language", LANGUAGES)
def test_copies_that_read_alike_are_one_counted_block(page: Page, site: Site, language: str):
    in_language(page, site, language)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{site.url}/record/{alike_record()}")
    rows = page.locator("table.holdings tbody tr.holdings__own")
    expect(rows).to_have_count(1)
    copies = rows.locator(".holdings__copy")
    counted = r"^[23] bản$" if language == "vi" else r"^[23] copies$"
    expect(copies).to_have_text(re.compile(counted))  # "2 bản": the count is text
    assert sideways(page) <= 0
    no_violations(page)
