"""The record page in Chromium: from the results to a record and on to the next one by
the search-context bar, the work's holdings, a restricted item's notice and the raw MARC
table, each checked by axe (WCAG 2.2 A/AA) in Vietnamese and English."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from argon2 import PasswordHasher
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from catalogue import users
from catalogue.store import Store
from tests.browser.conftest import LANGUAGES, Site, in_language
from tests.browser.test_accessibility import WCAG_TAGS

pytestmark = pytest.mark.browser

PASSWORD = "thư-viện-record-page-42"


def no_violations(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def api(site: Site, query: str) -> dict:
    with urllib.request.urlopen(f"{site.url}/api/search?{query}") as response:
        return json.load(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_from_results_to_a_record_and_on_to_the_next(page: Page, site: Site, language: str):
    in_language(page, site, language)
    page.goto(f"{site.url}/search?q=ha+noi")
    titles = page.locator("h3.hit__title a")
    second = titles.nth(1).get_attribute("href").split("?")[0]
    titles.first.click()
    page.wait_for_load_state()
    bar = page.locator("nav.search-context")
    expect(bar).to_be_visible()
    expect(bar.locator(".search-context__position")).to_have_text(re.compile(r"^\D+ ?1\D"))
    no_violations(page)
    bar.locator("a[rel=next]").click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(second)
    expect(page.locator(".search-context__position")).to_have_text(re.compile(r"\b2\b"))
    page.locator("nav.search-context a").first.click()  # back to the results
    page.wait_for_load_state()
    assert "/search?" in page.url and "q=ha+noi" in page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_work_held_by_several_libraries(page: Page, site: Site, language: str):
    hit = next(h for h in api(site, "q=&per_page=100")["hits"] if len(h["libraries"]) >= 2)
    in_language(page, site, language)
    page.goto(f"{site.url}/record/{hit['id']}")
    libraries = page.locator("table.holdings tbody th[scope=row]").all_inner_texts()
    assert set(hit["libraries"]) <= set(libraries)
    summary = page.locator(".availability-summary__list li")
    assert summary.count() == len(set(libraries))
    if language == "en":
        assert page.locator("table.holdings tbody th[lang=vi]").count() >= 1
    no_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_restricted_items_notice(page: Page, site: Site, language: str):
    found = None
    for hit in api(site, "q=&f.online=true&per_page=100")["hits"]:
        with urllib.request.urlopen(f"{site.url}/record/{hit['id']}") as response:
            if b"access-notice__reason" in response.read():
                found = hit["id"]
                break
    assert found, "the demo has restricted digitised items"
    in_language(page, site, language)
    page.goto(f"{site.url}/record/{found}")
    notice = page.locator(".access-notice").first
    expect(notice.locator(".access-notice__reason")).to_be_visible()
    expect(notice.locator(".access-notice__actions")).to_be_visible()
    no_violations(page)


def test_the_raw_marc_table_for_a_librarian(page: Page, site: Site):
    store = Store(site.settings.db_url)
    try:
        if users.find_user(store, "thuthu-raw") is None:
            hasher = users.HASHER
            users.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
            try:
                users.create_user(store, "thuthu-raw", PASSWORD, role="librarian")
            finally:
                users.HASHER = hasher
    finally:
        store.close()
    page.goto(f"{site.url}/login")
    page.fill("input[name=username]", "thuthu-raw")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    hit = api(site, "q=truyen+kieu")["hits"][0]
    for record_id in [hit["id"], *hit.get("record_ids", [])]:
        page.goto(f"{site.url}/record/{record_id}/raw")
        if page.locator("table.marc-fields").count():
            break
    expect(page.locator("table.marc-fields")).to_be_visible()
    assert "245" in page.locator("table.marc-fields tbody th").all_inner_texts()
    no_violations(page)


def test_on_a_phone_each_copy_links_to_its_library_without_scrolling_sideways(
    page: Page, site: Site
):
    """The link to place a hold stands beside the copy's status, inside the first screen
    width at 320 px (later columns of the holdings table would be off screen)."""
    hit = next(h for h in api(site, "q=&per_page=100")["hits"] if h["holdings"])
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{site.url}/record/{hit['id']}")
    link = page.locator("table.holdings a.holdings__opac").first
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + min(box["width"], 40) <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    no_violations(page)
