"""Refused audiobook pages in real Chromium: axe-clean in both languages, with the
heading, the reason and the reading room or the library to ask (walkthrough 6, H2).

The site is tests/accessibility/test_refusal.py's catalogue; Chromium comes from
127.0.0.1, which is off the library network there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from harvesters.demo.server import serve_wsgi
from portal.app import create_app
from tests.accessibility.test_refusal import LIBRARY, build_refusal_catalogue
from tests.browser.test_audiobooks import check_axe

pytestmark = pytest.mark.browser

# path: (status, heading in Vietnamese, heading in English)
PAGES = {
    "/audiobooks/lib:chieu-thu": (
        403,
        "Nghe tại phòng đọc của thư viện",
        "Listen in the library's reading room",
    ),
    "/audiobooks/lib:inhouse": (403, "Không nghe trực tuyến được", "Not available online"),
    "/audiobooks/lib:reg": (401, "Đăng nhập để nghe", "Log in to listen"),
}


@pytest.fixture(scope="module")
def refusal_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_refusal_catalogue(tmp_path_factory.mktemp("refusal-site"))
    app = create_app(site.settings, store=site.store, index=site.index)
    with serve_wsgi(app, host="127.0.0.1") as url:
        yield url
    site.store.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_refused_pages_say_why_and_pass_axe(page: Page, refusal_url: str, language: str) -> None:
    page.goto(f"{refusal_url}/?lang={language}")
    for path, (status, heading_vi, heading_en) in PAGES.items():
        response = page.goto(refusal_url + path)
        assert response is not None and response.status == status, path
        assert page.locator("html").get_attribute("lang") == language
        notice = page.get_by_role("region", name=heading_vi if language == "vi" else heading_en)
        expect(notice.get_by_role("heading", level=2)).to_be_visible()
        expect(notice.locator(".audiobook-refused__reason")).not_to_be_empty()
        if status == 403:
            expect(notice).to_contain_text(LIBRARY)
        check_axe(page, f"{path} ({language})")
