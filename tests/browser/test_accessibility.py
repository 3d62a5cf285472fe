"""axe-core in Chromium: 0 violations of WCAG 2.0/2.1/2.2 A and AA on every public page,
in Vietnamese and in English."""

from __future__ import annotations

import json
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import LANGUAGES, Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

PAGES = {
    "home": "/",
    "results": "/search?q=ha+noi",
    "results, filtered, page 2": "/search?q=&f.format=book&page=2",
    "zero results": "/search?q=lich+su+viet+nma&f.format=map",
    "advanced search": "/advanced",
    "browse": "/browse",
    "browse libraries": "/browse/library",
    "login": "/login",
    "register": "/register",
    "not found": "/no/such/page",
}


def record_pages(site: Site) -> dict[str, str]:
    """Record pages found the way a reader would find them: from a search."""

    def first(query: str) -> str:
        with urllib.request.urlopen(f"{site.url}/api/search?{query}") as response:
            hit = json.load(response)["hits"][0]
        return f"/record/{hit['id']}"

    return {
        "record held by several libraries": first("q=truyen+kieu"),
        "record with digitised files": first("q=&f.online=true"),
        "citation-ready audiobook record": first("q=&f.format=audiobook"),
    }


def check_page(page: Page, site: Site, name: str, path: str, language: str) -> None:
    in_language(page, site, language)
    response = page.goto(site.url + path)
    assert response is not None
    assert response.ok or name == "not found", f"{name} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_wcag_violations(page: Page, site: Site, name: str, language: str) -> None:
    check_page(page, site, name, PAGES[name], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_record_pages_have_no_wcag_violations(page: Page, site: Site, language: str) -> None:
    for name, path in record_pages(site).items():
        check_page(page, site, name, path, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_reflow_at_320_css_pixels(page: Page, site: Site, language: str) -> None:
    """WCAG 1.4.10: no horizontal scrolling at 320 px wide (400% zoom of 1280)."""
    page.set_viewport_size({"width": 320, "height": 640})
    in_language(page, site, language)
    for path in [PAGES["home"], PAGES["results"], PAGES["advanced search"], PAGES["login"]]:
        page.goto(site.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"


CONSOLE_PAGES = ["/admin/", "/admin/sources", "/admin/rules", "/admin/users", "/admin/audit"]


def test_librarian_console_has_no_wcag_violations(page: Page, site: Site) -> None:
    """The console, as an administrator sees it (every page), in both languages."""
    from catalogue import users
    from catalogue.store import Store

    store = Store(site.settings.db_url)
    name = "axe-admin"
    if users.find_user(store, name) is None:
        users.create_user(store, name, "kiểm tra khả năng truy cập", role="admin")
    page.goto(site.url + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "kiểm tra khả năng truy cập")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    for language in LANGUAGES:
        for path in CONSOLE_PAGES:
            check_page(page, site, path, path, language)
            assert page.url == site.url + path, f"{path} sent the admin to {page.url}"
