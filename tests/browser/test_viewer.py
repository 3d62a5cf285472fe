"""The scan viewer in Chromium on the demo: the large scanned map opens in deep zoom
(tiles, not one big image), the keyboard changes pages, and axe finds nothing."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
import pyvips
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from catalogue.store import Store
from tests.browser.conftest import LANGUAGES, Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# A tile request: a region of the image, not all of it.
TILE = re.compile(r"/iiif/3/[^/]+/\d+,\d+,\d+,\d+/\d*,\d*/0/default\.jpg$")


@pytest.fixture(scope="module")
def map_record(site: Site) -> Iterator[str]:
    """The demo's large scanned map: a record whose first page is at least 6000 px long."""
    store = Store(site.settings.db_url)
    try:
        for record in store.digitised_records():
            images = sorted(
                (o for o in record.digital_objects if o.kind == "image" and o.stored_path),
                key=lambda o: o.order,
            )
            if record.format == "map" and max(images[0].width or 0, images[0].height or 0) >= 6000:
                yield record.id
                return
    finally:
        store.close()
    pytest.fail("the demo has no scanned map of 6000 px or more")


def open_viewer(page: Page, site: Site, record_id: str) -> None:
    page.goto(f"{site.url}/record/{record_id}")
    expect(page.locator("#scan-viewer")).to_be_visible()
    expect(page.locator("#scan-viewer")).to_have_attribute("data-opened", "0")


def test_map_opens_in_deep_zoom(page: Page, site: Site, map_record: str) -> None:
    tiles: list[str] = []
    page.on(
        "request", lambda request: tiles.append(request.url) if TILE.search(request.url) else None
    )
    open_viewer(page, site, map_record)
    info_url = json.loads(page.locator("#scan-viewer").get_attribute("data-pages"))[0]["info"]
    with urllib.request.urlopen(site.url + info_url) as response:
        info = json.load(response)
    assert max(info["width"], info["height"]) >= 6000
    assert len(info["tiles"][0]["scaleFactors"]) >= 4  # a pyramid to zoom through

    zoom_in = page.get_by_role("button", name=re.compile("Phóng to"))
    for _ in range(4):
        zoom_in.click()
    # Deep zoom: full-resolution tiles of small regions, never the whole map at once.
    page.wait_for_timeout(1500)
    assert tiles, "the viewer asked for no tiles"
    sizes = [int(m.group(1)) for m in (re.search(r"/\d+,\d+,(\d+),\d+/", t) for t in tiles) if m]
    assert min(sizes) <= 1024, sizes  # a region a few hundred source pixels wide
    assert not any("/full/max/" in t for t in tiles)


@pytest.fixture(scope="module")
def preview_record(site: Site) -> Iterator[tuple[str, dict]]:
    """A scanned record an anonymous visitor may only preview, and its first page's
    info.json as that visitor gets it (smaller `maxWidth` than the image)."""
    store = Store(site.settings.db_url)
    try:
        records = [r.id for r in store.digitised_records()]
    finally:
        store.close()
    for record_id in records:
        with urllib.request.urlopen(f"{site.url}/record/{record_id}") as response:
            found = re.search(rb'data-pages="([^"]+)"', response.read())
        if not found:
            continue
        pages = json.loads(found.group(1).decode().replace("&#34;", '"').replace("&quot;", '"'))
        with urllib.request.urlopen(site.url + pages[0]["info"]) as response:
            info = json.load(response)
        if info["maxWidth"] < info["width"]:
            yield record_id, info
            return
    pytest.fail("the demo has no scan an anonymous visitor may only preview")


def test_a_preview_shows_its_largest_allowed_size_and_asks_for_nothing_refused(
    page: Page, site: Site, preview_record: tuple[str, dict]
) -> None:
    record_id, info = preview_record
    images: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: images.append((r.url, r.status)) if "/iiif/3/" in r.url else None,
    )
    open_viewer(page, site, record_id)
    page.wait_for_timeout(1500)
    refused = [(url, status) for url, status in images if status >= 400]
    assert refused == []
    # The whole preview, at its largest: the server's "max" for this visitor.
    [whole] = [url for url, _ in images if "/full/max/" in url]
    with urllib.request.urlopen(whole) as response:
        shown = pyvips.Image.new_from_buffer(response.read(), "")
    assert (shown.width, shown.height) == (info["maxWidth"], info["maxHeight"])


def test_keyboard_changes_the_page(page: Page, site: Site, map_record: str) -> None:
    open_viewer(page, site, map_record)
    viewer = page.locator("#scan-viewer")
    status = page.locator("#scan-viewer-status")
    expect(status).to_contain_text("1/")
    previous = page.get_by_role("button", name="Trang trước")
    expect(previous).to_be_disabled()

    # Tab through the toolbar to "Next page" and press Enter.
    next_button = page.get_by_role("button", name="Trang sau")
    page.locator("#scans-heading").evaluate("h => { h.tabIndex = -1; h.focus(); }")
    for _ in range(10):
        page.keyboard.press("Tab")
        if next_button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Next page button")
    page.keyboard.press("Enter")
    expect(viewer).to_have_attribute("data-current-page", "1")
    expect(status).to_contain_text("2/")
    current = page.locator('.scan-pages__link[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("data-page", "1")

    # In the view itself, Page Down and Page Up change the page too.
    canvas = page.get_by_role("application")
    canvas.focus()
    page.keyboard.press("PageDown")
    expect(viewer).to_have_attribute("data-current-page", "2")
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    expect(viewer).to_have_attribute("data-current-page", "0")
    expect(previous).to_be_disabled()


@pytest.mark.parametrize("language", LANGUAGES)
def test_record_page_with_the_viewer_has_no_wcag_violations(
    page: Page, site: Site, map_record: str, language: str
) -> None:
    in_language(page, site, language)
    open_viewer(page, site, map_record)
    page.get_by_role("button", name=re.compile("Phóng to|Zoom in")).click()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
