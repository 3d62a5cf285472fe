"""Audiobooks in real Chromium: axe on the collection and the player (vi and en), a
keyboard-only journey from the home page to a bookmark, resume on a fresh browser for a
logged-in reader, and the pages without JavaScript.

Most tests run on a site built here from the audiobook catalogue of tests/accessibility
(the demo's own recordings, stored as ingest stores them), so they do not depend on the
demo build; the last ones check the demo itself (the shared `site` fixture).
Chromium is started with autoplay allowed: headless, nothing else would let audio start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from catalogue import users
from harvesters.demo.server import serve_wsgi
from portal.app import create_app
from tests.accessibility.catalogue import build_audio_catalogue
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
READER, PASSWORD = "bandoc", "nghe sách mỗi tối"
MAX_TABS = 80


@dataclass
class AudioSite:
    url: str


@pytest.fixture(scope="module")
def audio_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AudioSite]:
    data_dir: Path = tmp_path_factory.mktemp("audio-site")
    catalogue = build_audio_catalogue(data_dir)
    users.create_user(catalogue.store, READER, PASSWORD, role="reader")
    app = create_app(catalogue.settings, store=catalogue.store, index=catalogue.index)
    with serve_wsgi(app, host="127.0.0.1") as url:
        yield AudioSite(url)
    catalogue.store.close()


@pytest.fixture(scope="module")
def listening_browser(browser: Browser) -> Browser:
    """The session's chromium (one Playwright per process: a second would clash with it),
    which conftest launches with autoplay allowed."""
    return browser


@pytest.fixture
def page(listening_browser: Browser) -> Iterator[Page]:
    context = listening_browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def in_language(page: Page, site: AudioSite, language: str) -> None:
    page.goto(f"{site.url}/?lang={language}")


def log_in(page: Page, site: AudioSite, next_path: str) -> None:
    page.goto(f"{site.url}/login?next={next_path}")
    page.fill("#username", READER)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{next_path}")


def player_ready(page: Page) -> None:
    expect(page.locator("#player")).to_have_attribute("data-ready", "true")


def player(page: Page) -> dict:
    """What the player is doing: the book's position (file offset + time), speed, state."""
    return page.evaluate(
        """() => {
        const audio = document.getElementById('player-audio');
        const data = JSON.parse(document.getElementById('player-data').textContent);
        const file = data.files.findIndex(f => audio.currentSrc.endsWith(f.url));
        return {
          paused: audio.paused,
          file: file,
          position: (file >= 0 ? data.files[file].offset : 0) + audio.currentTime,
          rate: audio.playbackRate,
          status: document.getElementById('player-status').textContent,
          current: (document.querySelector('.chapter__link[aria-current=true]') || {}).textContent,
        };
    }"""
    )


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.textContent.trim().replace(/\\s+/g, ' ')")


def tab_to(page: Page, target: Locator, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus; fail if it never does."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"{target} cannot be reached with {key}")


def check_axe(page: Page, what: str) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


# --- axe ------------------------------------------------------------------------------


PAGES = {
    "collection by title": "/audiobooks/",
    "collection by author": "/audiobooks/?by=author",
    "one author's audiobooks": "/audiobooks/?by=author&name=T%C3%B4+Ho%C3%A0i",
    "search within audiobooks": "/audiobooks/?q=ha+noi",
    "nothing found": "/audiobooks/?q=khong+co+gi",
    "book not online": "/audiobooks/lib:tape",
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_audiobook_pages_have_no_wcag_violations(
    page: Page, audio_site: AudioSite, language: str
) -> None:
    in_language(page, audio_site, language)
    for name, path in PAGES.items():
        response = page.goto(audio_site.url + path)
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        assert page.locator("html").get_attribute("lang") == language
        check_axe(page, name)
    refused = page.goto(audio_site.url + "/audiobooks/lib:hoa-vang")
    assert refused is not None and refused.status == 401
    check_axe(page, "log in to listen")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_player_has_no_wcag_violations_in_use(
    page: Page, audio_site: AudioSite, language: str
) -> None:
    in_language(page, audio_site, language)
    for book in ("lib:ha-noi", "lib:de-men"):
        page.goto(f"{audio_site.url}/audiobooks/{book}")
        player_ready(page)
        check_axe(page, f"{book}, ready")
    # In use: playing, a chapter current, a bookmark listed, the resume offer showing.
    page.locator(".chapter__link[data-chapter='2']").click()
    page.locator("#bookmark-add").click()
    expect(page.locator("#bookmark-list li")).to_have_count(1)
    page.locator("#player-play").click()
    page.reload()
    player_ready(page)
    expect(page.locator("#player-resume")).to_be_visible()
    check_axe(page, "lib:de-men, in use")


def test_the_player_reflows_at_320_css_pixels(page: Page, audio_site: AudioSite) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/audiobooks/", "/audiobooks/lib:ha-noi"):
        page.goto(audio_site.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"


# --- the keyboard journey --------------------------------------------------------------


def test_keyboard_only_from_home_to_bookmark(page: Page, audio_site: AudioSite) -> None:
    """Tab, Shift+Tab, Enter and Space only: find, open, play, chapter 3, faster, bookmark,
    pause — the focus and the player's state checked at every step."""
    in_language(page, audio_site, "vi")

    # Find: the main navigation's "Sách nói", then the book's descriptive link.
    main_nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav = main_nav.get_by_role("link", name="Sách nói")
    tab_to(page, nav)
    page.keyboard.press("Enter")
    page.wait_for_url("**/audiobooks/")
    expect(page.locator(".audiobooks-count")).to_have_text("5 sách nói")
    listen = page.get_by_role("link", name="Nghe: Dế Mèn phiêu lưu ký")
    tab_to(page, listen)
    page.keyboard.press("Enter")
    page.wait_for_url("**/audiobooks/lib:de-men")
    player_ready(page)
    assert player(page)["paused"]

    # Play.
    play = page.get_by_role("button", name="Phát", exact=True)
    tab_to(page, play)
    page.keyboard.press("Space")
    expect(page.locator("#player")).to_have_attribute("data-state", "playing")
    page.wait_for_function("document.getElementById('player-audio').currentTime > 0.3")
    assert focused(page) == "Tạm dừng"  # the same button, now offering to pause
    expect(page.locator("#player-status")).to_have_text("Đang phát")

    # Jump to chapter 3 (its own file): playing goes on from its start.
    chapter3 = page.locator(".chapter__link[data-chapter='3']")
    tab_to(page, chapter3)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('player-audio').currentSrc.endsWith('/audio/3')"
        " && document.getElementById('player-audio').currentTime > 0.2"
    )
    state = player(page)
    assert state["file"] == 2 and not state["paused"]
    assert state["current"].startswith("Chương 3. Một cuộc xô xát")
    assert focused(page).startswith("Chương 3. Một cuộc xô xát")  # focus stays on the link
    expect(page.locator("#player-status")).to_have_text(re.compile(r"chương 3: Chương 3\."))
    expect(page.locator("#player-chapter")).to_have_text(re.compile(r"^Chương 3/4"))

    # Raise the speed: back up to "Nhanh hơn" with Shift+Tab.
    faster = page.get_by_role("button", name="Nhanh hơn")
    tab_to(page, faster, "Shift+Tab")
    page.keyboard.press("Space")
    assert player(page)["rate"] == 1.25
    expect(page.locator("#player-speed")).to_have_text("1,25×")
    expect(page.locator("#player-status")).to_have_text("Tốc độ 1,25×")
    assert focused(page) == "Nhanh hơn"

    # Add a bookmark: named after the chapter, listed, announced; focus stays.
    add = page.get_by_role("button", name="Thêm dấu trang tại vị trí hiện tại")
    tab_to(page, add)
    page.keyboard.press("Space")
    expect(page.locator("#bookmark-list li")).to_have_count(1)
    expect(page.locator("#bookmark-list .bookmark__jump")).to_have_text(
        re.compile(r"^Đến Chương 3\. Một cuộc xô xát \(0:4\d\)$")
    )
    expect(page.locator("#player-status")).to_have_text(re.compile(r"^Đã thêm dấu trang tại 0:4\d"))
    assert focused(page) == "Thêm dấu trang tại vị trí hiện tại"

    # Pause: Shift+Tab back to the play/pause button.
    pause = page.get_by_role("button", name="Tạm dừng")
    tab_to(page, pause, "Shift+Tab")
    page.keyboard.press("Space")
    expect(page.locator("#player")).to_have_attribute("data-state", "paused")
    state = player(page)
    assert state["paused"] and state["file"] == 2
    assert 46.7 < state["position"] < 67  # inside chapter 3
    assert focused(page) == "Phát"
    expect(page.locator("#player-status")).to_have_text("Đã tạm dừng")


def test_shortcuts_work_only_while_the_player_has_focus(page: Page, audio_site: AudioSite) -> None:
    in_language(page, audio_site, "en")
    page.goto(f"{audio_site.url}/audiobooks/lib:ha-noi")
    player_ready(page)
    # Outside the player: the keys do nothing.
    page.locator(".chapter__link[data-chapter='1']").focus()
    page.keyboard.press(">")
    page.keyboard.press("b")
    assert player(page)["rate"] == 1
    expect(page.locator("#bookmark-list li")).to_have_count(0)
    # Inside it: they do, and say so once.
    page.locator("#player-play").focus()
    page.keyboard.press(">")
    assert player(page)["rate"] == 1.25
    expect(page.locator("#player-status")).to_have_text("Speed 1.25×")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.getElementById('player-audio').currentTime >= 14.9")
    expect(page.locator("#player-status")).to_have_text("0:15 of 0:57")
    page.keyboard.press("n")
    page.wait_for_function("document.getElementById('player-audio').currentTime >= 21.6")
    expect(page.locator("#player-chapter")).to_have_text(re.compile("^Chapter 2 of 3"))
    # The Vietnamese chapter title inside the English message is marked as Vietnamese,
    # the same in the announcement of the jump.
    title = page.locator("#player-chapter span[lang='vi']")
    expect(title).to_have_count(1)
    assert page.locator("#player-chapter").inner_text() == f"Chapter 2 of 3: {title.inner_text()}"
    expect(page.locator("#player-status span[lang='vi']")).to_have_text(title.inner_text())
    page.keyboard.press("b")
    expect(page.locator("#bookmark-list li")).to_have_count(1)
    page.keyboard.press("k")
    expect(page.locator("#player")).to_have_attribute("data-state", "playing")
    page.keyboard.press("k")
    expect(page.locator("#player")).to_have_attribute("data-state", "paused")
    # Fastest and slowest are announced as limits.
    for _ in range(8):
        page.keyboard.press(">")
    assert player(page)["rate"] == 2.5
    expect(page.locator("#player-status")).to_have_text("Already at the fastest speed, 2.5×")


def test_bookmarks_jump_and_delete_keep_the_focus(page: Page, audio_site: AudioSite) -> None:
    in_language(page, audio_site, "en")
    page.goto(f"{audio_site.url}/audiobooks/lib:ha-noi")
    player_ready(page)
    page.locator(".chapter__link[data-chapter='3']").click()
    page.locator("#player-play").click()
    page.fill("#bookmark-label", "Hàng Đào")
    page.locator("#bookmark-add").click()
    page.locator(".chapter__link[data-chapter='1']").click()
    page.locator("#player-play").click()
    expect(page.locator("#bookmark-list li")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"^Go to Hàng Đào")).click()
    page.wait_for_function("document.getElementById('player-audio').currentTime >= 38.3")
    page.locator("#player-play").click()
    page.get_by_role("button", name="Delete bookmark Hàng Đào").click()
    expect(page.locator("#bookmark-list li")).to_have_count(0)
    expect(page.locator("#bookmark-empty")).to_be_visible()
    assert focused(page) == "Add bookmark at the current position"  # not lost to <body>
    expect(page.locator("#player-status")).to_have_text("Bookmark deleted: Hàng Đào")


# --- resume -----------------------------------------------------------------------------


def test_a_readers_place_follows_them_to_a_fresh_browser(
    listening_browser: Browser, audio_site: AudioSite
) -> None:
    book = "/audiobooks/lib:hoa-vang"  # for registered readers: the reader logs in anyway
    first = listening_browser.new_context(bypass_csp=True)
    page = first.new_page()
    page.set_default_timeout(10_000)
    log_in(page, audio_site, book)
    player_ready(page)
    page.locator(".chapter__link[data-chapter='3']").click()
    page.wait_for_function("document.getElementById('player-audio').currentTime > 36.5")
    with page.expect_response(lambda r: r.url.endswith("/position") and r.request.method == "PUT"):
        page.locator("#player-play").click()  # pause: the place is saved
    saved = float(page.locator("#player").get_attribute("data-saved"))
    assert 36 < saved < 52.5
    page.fill("#bookmark-label", "Hoa vàng")
    page.locator("#bookmark-add").click()
    expect(page.locator("#bookmark-list li")).to_have_count(1)
    first.close()

    second = listening_browser.new_context(bypass_csp=True)  # nothing in its storage
    page = second.new_page()
    page.set_default_timeout(10_000)
    log_in(page, audio_site, book)
    player_ready(page)
    state = player(page)
    assert state["position"] == pytest.approx(saved, abs=0.1)
    assert state["paused"]
    expect(page.locator("#player-resume")).to_be_visible()
    expect(page.locator("#player-resume-text")).to_contain_text("chương 3: Chương 3. Hoa vàng")
    expect(page.locator("#bookmark-list .bookmark__jump")).to_have_text(
        re.compile(r"^Đến Hoa vàng \(0:\d\d\)$")
    )
    # Starting over is one button away.
    page.locator("#player-start-over").click()
    assert player(page)["position"] < 0.5
    expect(page.locator("#player-resume")).to_be_hidden()
    second.close()


def test_an_anonymous_listeners_place_is_kept_in_the_browser(
    page: Page, audio_site: AudioSite
) -> None:
    page.goto(f"{audio_site.url}/audiobooks/lib:ha-noi")
    player_ready(page)
    page.locator(".chapter__link[data-chapter='2']").click()
    page.wait_for_function("document.getElementById('player-audio').currentTime > 22")
    page.locator("#player-play").click()
    page.reload()
    player_ready(page)
    assert player(page)["position"] > 22
    expect(page.locator("#player-resume")).to_be_visible()


# --- without JavaScript --------------------------------------------------------------------


def test_without_javascript_native_controls_and_media_fragments(
    listening_browser: Browser, audio_site: AudioSite
) -> None:
    context = listening_browser.new_context(bypass_csp=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{audio_site.url}/audiobooks/lib:ha-noi")
    audio = page.locator("#player-audio")
    assert audio.get_attribute("controls") is not None
    expect(audio).to_be_visible()
    expect(page.locator("#player-controls")).to_be_hidden()
    link = page.get_by_role("link", name=re.compile(r"^Chương 3\. Hàng Bạc, Hàng Đào"))
    href = link.get_attribute("href")
    assert href == "/audiobooks/lib:ha-noi/audio/1#t=38.391"
    response = page.request.get(audio_site.url + href.split("#")[0])
    assert response.status == 200 and response.headers["content-type"] == "audio/mpeg"
    context.close()


# --- the demo, as `thuvien demo` builds it -----------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_demos_audiobooks_pass_axe(page: Page, site: Site, language: str) -> None:
    page.goto(f"{site.url}/?lang={language}")
    page.goto(f"{site.url}/audiobooks/")
    check_axe(page, "demo collection")
    listen = page.locator(".audiobook-item__listen")
    assert listen.count() >= 2
    assert page.locator(".audiobook-item__login").count() >= 1
    page.get_by_role("link", name=re.compile("Hà Nội băm sáu phố phường$")).first.click()
    player_ready(page)
    check_axe(page, "demo player")


def test_the_demos_audiobooks_are_found_played_and_navigated_by_chapter(
    page: Page, site: Site
) -> None:
    """The issue's "done when", on the real demo: the bundled recordings were harvested,
    ingested and play; the book for registered readers asks an anonymous visitor to log in."""
    page.goto(f"{site.url}/?lang=vi")
    page.get_by_role("link", name="Sách nói", exact=True).first.click()
    links = page.locator(".audiobook-item__listen")
    names = links.all_inner_texts()
    for title in ("Dế Mèn phiêu lưu ký", "Hà Nội băm sáu phố phường"):
        assert f"Nghe: {title}" in names
    page.get_by_role("link", name="Nghe: Dế Mèn phiêu lưu ký").click()
    player_ready(page)
    expect(page.locator(".chapter__link")).to_have_count(4)
    page.locator(".chapter__link[data-chapter='3']").click()
    page.wait_for_function(
        "document.getElementById('player-audio').currentSrc.endsWith('/audio/3')"
        " && document.getElementById('player-audio').currentTime > 0.2"
    )
    assert not player(page)["paused"]
    page.locator("#player-play").click()
    expect(page.locator("#player")).to_have_attribute("data-state", "paused")

    page.goto(f"{site.url}/audiobooks/")
    # A book for registered readers offers logging in, not a player that would refuse.
    title = "Tôi thấy hoa vàng trên cỏ xanh"
    expect(page.get_by_role("link", name=f"Nghe: {title}", exact=True)).to_have_count(0)
    page.get_by_role("link", name=f"Đăng nhập để nghe: {title}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    assert re.search(r"/login\?next=/audiobooks/[^/]+$", page.url)
