"""The content security policy in Chromium: every interactive page works under it.

The policy allows scripts only from the site's own files. A page that still relied on an
inline script or handler would break silently for readers, so each journey records the
browser's `securitypolicyviolation` events and expects none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from catalogue.store import Store
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__violations || []")


@pytest.fixture
def watched(browser: Browser) -> Iterator[Page]:
    """A page under the site's policy (the shared `page` fixture bypasses it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(RECORD_VIOLATIONS)
    yield page
    context.close()


def test_search_pages_and_autocomplete_run_under_the_policy(watched: Page, site: Site) -> None:
    page = watched
    response = page.goto(f"{site.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    box = page.get_by_role("combobox").first
    box.fill("ha n")
    expect(page.get_by_role("option").first).to_be_visible()  # search.js answered
    page.goto(f"{site.url}/search?q=ha+noi")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations(page) == []


def test_the_scan_viewer_runs_under_the_policy(watched: Page, site: Site) -> None:
    page = watched
    store = Store(site.settings.db_url)
    try:
        scanned = store.digitised_records()
        record = next(r for r in scanned if any(o.kind == "image" for o in r.digital_objects))
    finally:
        store.close()
    page.goto(f"{site.url}/record/{record.id}")
    viewer = page.locator("#scan-viewer")
    expect(viewer).to_have_attribute("data-opened", re.compile(r"\d"))
    page.get_by_role("button", name=re.compile("Phóng to")).click()
    page.wait_for_timeout(500)
    assert violations(page) == []


def test_the_audiobook_player_and_preferences_run_under_the_policy(
    watched: Page, site: Site
) -> None:
    page = watched
    store = Store(site.settings.db_url)
    try:
        book = next(r for r in store.iter_records() if r.format == "audiobook" and not r.deleted)
    finally:
        store.close()
    page.goto(f"{site.url}/audiobooks/{book.id}")
    expect(page.locator("#player-controls")).to_be_visible()  # player.js ran: no longer hidden
    page.locator("#player-controls button").first.click()
    page.goto(f"{site.url}/preferences")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations(page) == []
