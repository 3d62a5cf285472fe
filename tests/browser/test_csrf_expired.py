"""An expired registration form in Chromium: the cookies go while the reader types (as
after a long pause); the form comes back filled in, passwords left out, with the
message focused and announced, axe-clean; sent again, it registers and goes on to
`next`.
"""

from __future__ import annotations

import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LANGUAGES, Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "đọc sách mỗi ngày dưới gốc đa"
MESSAGE = {
    "vi": "Biểu mẫu đã hết hạn, vì lý do an toàn. Hãy kiểm tra rồi gửi lại.",
    "en": "The form had expired, for your safety. Please check and send it again.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_registration_comes_back_filled_in(page: Page, site: Site, language: str):
    name = f"het-han.{uuid.uuid4().hex[:8]}"
    in_language(page, site, language)
    page.goto(f"{site.url}/register?next=/browse")
    page.fill("#username", name)
    page.fill("#display_name", "Trần Văn Bình")
    page.fill("#email", "binh@example.vn")
    page.fill("#password", PASSWORD)
    page.fill("#confirm_password", PASSWORD)

    # The cookies go (and the session's token with them); the reader comes back through
    # another tab, which starts a new session in their language.
    page.context.clear_cookies()
    other = page.context.new_page()
    other.goto(f"{site.url}/?lang={language}")
    other.close()

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form.account-form button[type=submit]").click()
    assert posted.value.status == 400
    page.wait_for_load_state()

    notice = page.locator(".error-summary[role=alert]")
    expect(notice).to_have_text(MESSAGE[language])
    expect(notice).to_be_focused()
    assert page.locator("html").get_attribute("lang") == language
    assert page.title().startswith("Lỗi:" if language == "vi" else "Error:")
    expect(page.locator("#username")).to_have_value(name)
    expect(page.locator("#display_name")).to_have_value("Trần Văn Bình")
    expect(page.locator("#email")).to_have_value("binh@example.vn")
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#confirm_password")).to_have_value("")
    assert PASSWORD not in page.content()
    assert page.locator("input[name=next]").get_attribute("value") == "/browse"

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()

    # Checked and sent again: the fresh token works, and the reader goes on to `next`.
    page.fill("#password", PASSWORD)
    page.fill("#confirm_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url(f"{site.url}/browse")
    expect(page.locator("header a[href='/account']")).to_contain_text(name.casefold())
