"""F22 in Chromium: taking a suggestion (keyboard or mouse) searches for it at once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def _suggestions(page: Page, site: Site, typed: str):
    page.goto(site.url + "/")
    box = page.locator("input[name=q]").first
    box.click()
    page.keyboard.type(typed)
    options = page.locator("[role=listbox] [role=option]")
    expect(options.first).to_be_visible()
    return box, options


def test_enter_on_a_suggestion_searches_for_it(page: Page, site: Site) -> None:
    box, options = _suggestions(page, site, "truyen")
    chosen = options.first.inner_text()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")
    page.wait_for_url("**/search?**")
    assert parse_qs(urlsplit(page.url).query)["q"] == [chosen]
    expect(page.locator("#results-heading")).to_contain_text(chosen)


def test_clicking_a_suggestion_searches_for_it(page: Page, site: Site) -> None:
    _box, options = _suggestions(page, site, "truyen")
    chosen = options.first.inner_text()
    options.first.click()
    page.wait_for_url("**/search?**")
    assert parse_qs(urlsplit(page.url).query)["q"] == [chosen]
