"""axe-core in Chromium: 0 violations of WCAG 2.0/2.1/2.2 A and AA on every public page,
in Vietnamese and in English."""

from __future__ import annotations

import json
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

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


# The admin's own account page too: the one page only a logged-in person sees.
CONSOLE_PAGES = [
    "/account",
    "/admin/",
    "/admin/sources",
    "/admin/rules",
    "/admin/users",
    "/admin/audit",
]


def test_librarian_console_has_no_wcag_violations(page: Page, site: Site) -> None:
    """The console and the account page, as an administrator sees them, in both languages."""
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


# -- with the reader's display settings on, zoomed, and at the size of a finger ---------

PREFS_COOKIE = "thuvien_prefs"
LARGE_HIGH_CONTRAST = "size=200&contrast=high&spacing=wide"
SETTINGS_PAGES = ["home", "results", "advanced search", "login", "register", "browse"]


def with_settings(page: Page, site: Site, value: str) -> None:
    page.context.add_cookies([{"name": PREFS_COOKIE, "value": value, "url": site.url}])


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_with_large_text_and_high_contrast_have_no_wcag_violations(
    page: Page, site: Site, language: str
) -> None:
    """High contrast must itself pass axe's colour-contrast rule; large text must not make
    controls overlap or shrink below target size."""
    with_settings(page, site, LARGE_HIGH_CONTRAST)
    pages = {name: PAGES[name] for name in SETTINGS_PAGES}
    pages["record"] = next(iter(record_pages(site).values()))
    for name, path in pages.items():
        check_page(page, site, name, path, language)
        classes = set((page.locator("html").get_attribute("class") or "").split())
        assert {"prefs-size-200", "prefs-contrast-high", "prefs-spacing-wide"} <= classes


ERROR_FORMS = {
    "login": ("/login", "form.account-form button[type=submit]"),
    "register": ("/register", "form.account-form button[type=submit]"),
    "advanced search": ("/advanced?field=all&term=&year_from=19x0", None),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(ERROR_FORMS))
def test_form_errors_are_summarised_focused_and_linked(
    page: Page, site: Site, name: str, language: str
) -> None:
    """WCAG 3.3.1/3.3.3: the summary takes the focus, each message links to its field,
    the field says it is invalid and is described by its message; axe-clean."""
    in_language(page, site, language)
    path, submit = ERROR_FORMS[name]
    page.goto(site.url + path)
    if submit:
        page.locator(submit).click()
        page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Lỗi:" if language == "vi" else "Error:")
    link = summary.locator("a").first
    target_id = link.get_attribute("href").lstrip("#")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    field = page.locator(f"#{target_id}")
    expect(field).to_be_focused()
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert f"{target_id}-error" in described
    message = page.locator(f"#{target_id}-error").inner_text()
    assert link.inner_text() in message
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_reflow_at_200_percent_zoom(browser: Browser, site: Site, language: str) -> None:
    """WCAG 1.4.4/1.4.10: a 1280 px window zoomed to 200% is 640 CSS px at device scale 2."""
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 640, "height": 450}, device_scale_factor=2
    )
    try:
        page = context.new_page()
        in_language(page, site, language)
        paths = [PAGES[name] for name in SETTINGS_PAGES]
        paths.append(next(iter(record_pages(site).values())))
        for path in paths:
            page.goto(site.url + path)
            assert page.evaluate("window.devicePixelRatio") == 2
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 200% zoom"
    finally:
        context.close()


# Controls that are never inline in a sentence, so 2.5.8's inline exception never applies.
CONTROLS = (
    "button, input:not([type=hidden]), select, textarea, summary, nav a, .paging__link, "
    ".chip, .skip-link:focus"
)
TOO_SMALL = """(selector) => [...document.querySelectorAll(selector)]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, r]) => r.width < 24 || r.height < 24)
    .map(([el, r]) => `${el.tagName}#${el.id}.${el.className} ${r.width}x${r.height}`)"""


@pytest.mark.parametrize("settings", ["", LARGE_HIGH_CONTRAST, "size=125&spacing=wide"])
def test_controls_are_at_least_24_css_pixels(page: Page, site: Site, settings: str) -> None:
    """WCAG 2.5.8: every control (not a link inside a sentence) is 24×24 CSS px or more,
    with the header's display settings open."""
    if settings:
        with_settings(page, site, settings)
    paths = [PAGES[name] for name in SETTINGS_PAGES]
    paths.append(next(iter(record_pages(site).values())))
    for path in paths:
        page.goto(site.url + path)
        page.locator("header summary.prefs-menu__toggle").click()
        small = page.evaluate(TOO_SMALL, CONTROLS)
        assert not small, f"{path}: controls smaller than 24×24: {small}"
