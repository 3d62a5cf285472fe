"""The content security policy in Chromium: every interactive page works under it.

The policy allows scripts only from the site's own files. A page that still relied on an
inline script or handler would break silently for readers, so each journey records the
browser's `securitypolicyviolation` events and expects none.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

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
def watched(page: Page) -> Page:
    page.add_init_script(RECORD_VIOLATIONS)
    return page


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
