"""The audiobook list in real Chromium offers each book as this reader may use it
(walkthrough 9, L4): axe-clean in both languages, every offer named with its book, and
"log in to listen" leading through the login form to a playing book.

The site is tests/accessibility/test_refusal.py's catalogue; Chromium comes from
127.0.0.1, which is off the library network there: one book for readers anywhere (log
in to listen), three for reading rooms, one for staff only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from catalogue import users
from harvesters.demo.server import serve_wsgi
from portal.app import create_app
from tests.accessibility.test_refusal import build_refusal_catalogue
from tests.browser.test_audiobooks import check_axe
from tests.support.accounts import PASSWORD, unique

pytestmark = pytest.mark.browser

DE_MEN = "Dế Mèn phiêu lưu ký"
# language: (log in to listen, listen, reading room note, not online note)
WORDS = {
    "vi": (
        "Đăng nhập để nghe: ",
        "Nghe: ",
        "Chỉ nghe được tại phòng đọc của thư viện",
        "Không nghe trực tuyến được",
    ),
    "en": (
        "Log in to listen: ",
        "Listen: ",
        "Only in the library's reading room",
        "Not available online",
    ),
}


@pytest.fixture(scope="module")
def list_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The site's address and a reader's user name on it."""
    site = build_refusal_catalogue(tmp_path_factory.mktemp("list-access-site"))
    reader = unique("reader")
    users.create_user(site.store, reader, PASSWORD, role="reader")
    app = create_app(site.settings, store=site.store, index=site.index)
    with serve_wsgi(app, host="127.0.0.1") as url:
        yield url, reader
    site.store.close()


def assert_target_size(page: Page, selector: str) -> None:
    """WCAG 2.5.8: every such control at least 24 by 24 CSS pixels."""
    for box in page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    ):
        assert box[0] >= 24 and box[1] >= 24, (selector, box)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_list_offers_what_an_anonymous_visitor_may_do_and_passes_axe(
    page: Page, list_site: tuple[str, str], language: str
) -> None:
    url, _reader = list_site
    login, listen, room, offline = WORDS[language]
    page.goto(f"{url}/?lang={language}")
    page.goto(f"{url}/audiobooks/")
    assert page.locator("html").get_attribute("lang") == language
    items = page.locator("li.audiobook-item")
    expect(items).to_have_count(5)
    expect(page.get_by_role("link", name=re.compile("^" + re.escape(listen)))).to_have_count(0)
    offer = page.get_by_role("link", name=login + DE_MEN, exact=True)
    expect(offer).to_be_visible()
    expect(offer.locator("span[lang='vi']")).to_have_count(1 if language == "en" else 0)
    expect(page.locator(".audiobook-item__refused", has_text=room)).to_have_count(3)
    expect(page.locator(".audiobook-item__refused", has_text=offline)).to_have_count(1)
    # Every book still has its labelled details link, refused or not.
    details = page.locator(".audiobook-item__links a:not(.audiobook-item__login)")
    expect(details).to_have_count(5)
    assert_target_size(page, ".audiobook-item__links a")
    check_axe(page, f"audiobook list, anonymous ({language})")


def test_log_in_to_listen_leads_to_the_playing_book_and_the_list_then_says_listen(
    page: Page, list_site: tuple[str, str]
) -> None:
    url, reader = list_site
    page.goto(f"{url}/?lang=vi")
    page.goto(f"{url}/audiobooks/")
    page.get_by_role("link", name="Đăng nhập để nghe: " + DE_MEN, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    page.locator("#username").fill(reader)
    page.locator("#password").fill(PASSWORD)
    with page.expect_response(re.compile(r"/audiobooks/lib:reg$")) as answer:
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
    assert answer.value.status == 200
    expect(page.locator("#player-audio")).to_have_count(1)

    page.goto(f"{url}/audiobooks/")
    listen = page.get_by_role("link", name="Nghe: " + DE_MEN, exact=True)
    expect(listen).to_have_attribute("href", "/audiobooks/lib:reg")
    expect(page.locator(".audiobook-item__login")).to_have_count(0)
    expect(page.locator(".audiobook-item__refused")).to_have_count(4)  # still not here
    assert_target_size(page, ".audiobook-item__links a")
    check_axe(page, "audiobook list, logged-in reader")
