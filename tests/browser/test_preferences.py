"""Display settings in Chromium: chosen with the keyboard alone, applied at once, kept on
the next page and after a reload, working without JavaScript, and axe-clean and
reflowing (320 px, 200% zoom) with large text and high contrast on."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MAX_TABS = 60
COOKIE = "thuvien_prefs"


def tab_to(page: Page, target: Locator) -> None:
    """Tab until `target` has the focus, as a keyboard user would; fail if it never does."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"{target} cannot be reached with Tab")


def focused(page: Page, attribute: str) -> str | None:
    return page.evaluate(f"document.activeElement.getAttribute({attribute!r})")


def html_classes(page: Page) -> set[str]:
    return set((page.locator("html").get_attribute("class") or "").split())


def root_font_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def prefs_cookie(context: BrowserContext) -> str | None:
    for cookie in context.cookies():
        if cookie["name"] == COOKIE:
            return cookie["value"]
    return None


def record_path(site: Site) -> str:
    with urllib.request.urlopen(f"{site.url}/api/search?q=truyen+kieu") as response:
        return "/record/" + json.load(response)["hits"][0]["id"]


def axe_clean(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def no_sideways_scroll(page: Page, where: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_large_text_and_high_contrast_by_keyboard_alone(page: Page, site: Site) -> None:
    in_language(page, site, "vi")
    page.goto(site.url + "/")
    assert html_classes(page) == set() and root_font_px(page) == 16

    # The disclosure in the header opens with Enter; its radios are groups of labelled choices.
    toggle = page.locator("header summary.prefs-menu__toggle")
    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(page.locator("header details.prefs-menu")).to_have_attribute("open", "")
    expect(page.get_by_role("group", name="Cỡ chữ")).to_be_visible()

    # Tab lands on the checked radio of a group; the arrow keys choose within it.
    size_now = page.locator("header input[name=size][value='100']")
    tab_to(page, size_now)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused(page, "value") == "150"
    assert page.locator("header input[name=size][value='150']").is_checked()
    assert "prefs-size-150" in html_classes(page)  # applied at once, no page load
    assert root_font_px(page) == 24
    status = page.locator("header [data-prefs-status]")
    expect(status).to_have_text("Đã lưu tùy chọn hiển thị của bạn.")

    page.keyboard.press("Tab")  # to the next group: contrast, on "follow my device"
    assert focused(page, "name") == "contrast" and focused(page, "value") == "auto"
    page.keyboard.press("ArrowDown")
    assert focused(page, "value") == "high"
    assert html_classes(page) == {"prefs-size-150", "prefs-contrast-high"}
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert prefs_cookie(page.context) == "size=150&contrast=high"

    # Saving with the button (Enter) stays on the page and keeps the focus.
    save = page.locator("header .prefs-form button:not([data-prefs-reset])")
    tab_to(page, save)
    url = page.url
    page.keyboard.press("Enter")
    expect(status).to_have_text("Đã lưu tùy chọn hiển thị của bạn.")
    assert page.url == url and page.evaluate("document.activeElement.tagName") == "BUTTON"

    # The next page and a reload are painted with the choice from the start.
    page.goto(site.url + "/search?q=ha+noi")
    assert html_classes(page) == {"prefs-size-150", "prefs-contrast-high"}
    assert root_font_px(page) == 24
    page.reload()
    assert html_classes(page) == {"prefs-size-150", "prefs-contrast-high"}
    page.locator("header summary.prefs-menu__toggle").click()
    assert page.locator("header input[name=size][value='150']").is_checked()
    assert page.locator("header input[name=contrast][value='high']").is_checked()

    # Back to the defaults, by keyboard too.
    reset = page.locator("header .prefs-form button[data-prefs-reset]")
    tab_to(page, reset)
    page.keyboard.press("Enter")
    assert html_classes(page) == set() and prefs_cookie(page.context) is None
    assert page.locator("header input[name=size][value='100']").is_checked()


def test_without_javascript_the_form_saves_and_comes_back(no_js_page: Page, site: Site) -> None:
    page = no_js_page
    page.goto(f"{site.url}/search?q=ha+noi&lang=en")
    url = page.url
    assert "lang=" not in url
    tab_to(page, page.locator("header summary.prefs-menu__toggle"))
    page.keyboard.press("Enter")  # <details> needs no script
    tab_to(page, page.locator("header input[name=size][value='100']"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert page.locator("header input[name=size][value='200']").is_checked()
    assert html_classes(page) == set()  # nothing happens until the form is sent
    tab_to(page, page.locator("header input[name=spacing][value='standard']"))
    page.keyboard.press("ArrowDown")
    tab_to(page, page.locator("header .prefs-form button:not([data-prefs-reset])"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == url  # back where the reader was
    assert html_classes(page) == {"prefs-size-200", "prefs-spacing-wide"}
    assert root_font_px(page) == 32
    expect(page.locator("main .flash")).to_have_text("Your display settings are saved.")
    assert prefs_cookie(page.context) == "size=200&spacing=wide"

    page.goto(site.url + "/advanced")
    assert html_classes(page) == {"prefs-size-200", "prefs-spacing-wide"}
    letter, word, font = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('main p'));
                   return [s.letterSpacing, s.wordSpacing, s.fontSize].map(parseFloat); }"""
    )
    assert abs(letter - 0.12 * font) < 0.01 and abs(word - 0.16 * font) < 0.01  # WCAG 1.4.12

    # The preferences page is the same form on a page of its own.
    page.goto(site.url + "/preferences")
    page.locator("main input[name=contrast][value='high']").check()
    with page.expect_navigation():
        page.locator("main .prefs-form button:not([data-prefs-reset])").click()
    assert html_classes(page) == {"prefs-size-200", "prefs-spacing-wide", "prefs-contrast-high"}


def test_axe_finds_nothing_with_the_settings_on_and_the_panel_open(page: Page, site: Site) -> None:
    page.context.add_cookies(
        [{"name": COOKIE, "value": "size=200&contrast=high&spacing=wide", "url": site.url}]
    )
    for language in ("vi", "en"):
        in_language(page, site, language)
        for path in ("/", "/search?q=ha+noi", record_path(site), "/preferences"):
            page.goto(site.url + path)
            assert html_classes(page) == {
                "prefs-size-200",
                "prefs-contrast-high",
                "prefs-spacing-wide",
            }
            toggle = page.locator("header summary.prefs-menu__toggle")
            if toggle.count():
                toggle.click()
                expect(page.locator("header .prefs-form")).to_be_visible()
            axe_clean(page)


def test_the_device_asking_for_more_contrast_gets_it(browser: Browser, site: Site) -> None:
    context = browser.new_context(bypass_csp=True, contrast="more", reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(site.url + "/")
        muted = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--muted').trim()"
        )
        assert muted == "#1f1f1f"
        axe_clean(page)
        # "Standard contrast" overrides the device.
        context.add_cookies([{"name": COOKIE, "value": "contrast=standard", "url": site.url}])
        page.reload()
        muted = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--muted').trim()"
        )
        assert muted == "#4d4d4d"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("width", "scale", "size"),
    [(320, 1, "200"), (320, 1, "150"), (640, 2, "200"), (640, 2, "150")],
    ids=["320px-text200", "320px-text150", "zoom200-text200", "zoom200-text150"],
)
def test_large_text_reflows_without_sideways_scrolling(
    browser: Browser, site: Site, width: int, scale: int, size: str
) -> None:
    """WCAG 1.4.10 and 1.4.4 together: 320 CSS px wide, or 200% zoom of a 1280 px window
    (640 CSS px at device scale 2), with the reader's large text and wider spacing on."""
    context = browser.new_context(
        bypass_csp=True, viewport={"width": width, "height": 720}, device_scale_factor=scale
    )
    try:
        context.add_cookies(
            [{"name": COOKIE, "value": f"size={size}&spacing=wide", "url": site.url}]
        )
        page = context.new_page()
        for path in ("/", "/search?q=ha+noi", record_path(site), "/advanced"):
            page.goto(site.url + path)
            assert root_font_px(page) == 16 * int(size) / 100
            no_sideways_scroll(page, f"{path} at {width}px, text {size}%")
            page.locator("header summary.prefs-menu__toggle").click()
            no_sideways_scroll(page, f"{path} with the settings open")
    finally:
        context.close()
