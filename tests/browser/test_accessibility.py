"""axe-core in Chromium: 0 violations of WCAG 2.0/2.1/2.2 A and AA on every public page,
in Vietnamese and in English."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import LANGUAGES, Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

PAGES = {
    "home": "/",
    "login": "/login",
    "register": "/register",
    "not found": "/no/such/page",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_wcag_violations(page: Page, site: Site, name: str, language: str) -> None:
    in_language(page, site, language)
    response = page.goto(site.url + PAGES[name])
    assert response is not None
    assert response.ok or name == "not found", f"{name} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
