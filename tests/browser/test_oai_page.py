"""/oai opened in Chromium, under the site's content security policy: a browser gets
the response rendered as a page by static/oai.xsl on the server, so a person reads a
page, not an XML tree (and nothing depends on the browser's own XSLT, which Chromium is
dropping). The page is in the reader's UI language, Vietnamese until they choose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LANGUAGES, Site, in_language
from tests.browser.test_accessibility import WCAG_TAGS

pytestmark = pytest.mark.browser

# What each language calls the parts the test walks through.
WORDS = {
    "vi": {"records": "Bản ghi", "next": "Trang sau", "second": "Bản ghi 101–200 trên tổng số"},
    "en": {"records": "Records", "next": "Next page", "second": "Items 101–200 of"},
}


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    """A phone-width page under the site's own policy (no bypass)."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_oai_responses_read_as_pages_at_320_pixels(narrow: Page, site: Site, language: str) -> None:
    page, words = narrow, WORDS[language]
    in_language(page, site, language)
    response = page.goto(f"{site.url}/oai?verb=Identify")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_contain_text("OAI-PMH: Identify")
    assert page.evaluate("document.documentElement.lang") == language
    assert "Identify" in page.title()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll
    page.get_by_role("link", name="ListRecords", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=words["records"])).to_be_visible()
    expect(page.get_by_role("row")).to_have_count(101)  # a header row and a page of 100
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name=words["next"]).click()
    expect(page.get_by_text(words["second"])).to_be_visible()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_the_oai_page_switches_language_with_its_link(narrow: Page, site: Site) -> None:
    page = narrow
    in_language(page, site, "vi")
    page.goto(f"{site.url}/oai?verb=Nope")
    expect(page.get_by_role("heading", level=2)).to_have_text("Lỗi: badVerb")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Error: badVerb")
    assert page.url == f"{site.url}/oai?verb=Nope"
    assert page.evaluate("document.documentElement.lang") == "en"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Lỗi: badVerb")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
