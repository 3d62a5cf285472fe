""" "Skip to player" in Chromium, on the demo's audiobook: Tab, Tab, Enter puts the focus on
the player's heading, and the next Tab on its first control (walkthrough, "Player": twelve
Tabs from page load to "Play" before)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def test_tab_tab_enter_reaches_the_player(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/?lang=vi")
    page.goto(f"{site.url}/audiobooks/")
    page.get_by_role("link", name="Nghe: Dế Mèn phiêu lưu ký").click()
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")
    page.reload()  # from the top of a freshly loaded page, as a reader arrives
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link[href='#player-heading']")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Đến trình phát")
    expect(skip).to_be_in_viewport()  # shown while focused
    page.keyboard.press("Enter")

    heading = page.locator("#player-heading")
    expect(heading).to_be_focused()
    assert page.evaluate("document.activeElement.closest('.player-section') !== null")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    expect(page.locator("#player-play")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#player")).to_have_attribute("data-state", "playing")
