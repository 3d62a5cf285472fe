"""Suggestions in Chromium: grouped by kind (titles, authors) as a WAI-ARIA APG grouped
listbox, and taking one (keyboard or mouse) searches at once: a title for its text, an
author as `author:"<name>"` (F22)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, in_language

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MIXED = "tran"  # the demo has authors (Trần …) and titles (Tranh Đông Hồ …) for it


def _suggestions(page: Page, site: Site, typed: str):
    page.goto(site.url + "/")
    box = page.locator("input[name=q]").first
    box.click()
    page.keyboard.type(typed)
    options = page.locator("[role=listbox] [role=option]")
    expect(options.first).to_be_visible()
    return box, options


def _query(page: Page) -> list[str]:
    return parse_qs(urlsplit(page.url).query)["q"]


def _group(page: Page, label: str):
    return page.get_by_role("listbox").get_by_role("group", name=label, exact=True)


def test_enter_on_a_suggestion_searches_for_it(page: Page, site: Site) -> None:
    box, options = _suggestions(page, site, "truyen")
    chosen = options.first.inner_text()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")
    page.wait_for_url("**/search?**")
    assert _query(page) == [chosen]
    expect(page.locator("#results-heading")).to_contain_text(chosen)


def test_clicking_a_suggestion_searches_for_it(page: Page, site: Site) -> None:
    _box, options = _suggestions(page, site, "truyen")
    chosen = options.first.inner_text()
    options.first.click()
    page.wait_for_url("**/search?**")
    assert _query(page) == [chosen]


@pytest.mark.parametrize(
    ("language", "titles", "authors"), [("vi", "Nhan đề", "Tác giả"), ("en", "Titles", "Authors")]
)
def test_suggestions_are_grouped_titles_then_authors(
    page: Page, site: Site, language: str, titles: str, authors: str
) -> None:
    in_language(page, site, language)
    _box, options = _suggestions(page, site, MIXED)
    title_group, author_group = _group(page, titles), _group(page, authors)
    expect(title_group).to_be_visible()
    expect(author_group).to_be_visible()
    expect(title_group.locator("[role=presentation]")).to_have_text(titles)
    title_texts = title_group.get_by_role("option").all_inner_texts()
    author_texts = author_group.get_by_role("option").all_inner_texts()
    assert title_texts and all(t.startswith("Tranh") for t in title_texts)
    assert author_texts and all(t.startswith("Trần") for t in author_texts)
    # Visual order: the titles' group first, the options numbered through both groups.
    assert options.all_inner_texts() == title_texts + author_texts
    ids = [options.nth(i).get_attribute("id") for i in range(options.count())]
    assert len(set(ids)) == len(ids) and all(ids)
    # Vietnamese titles and names are marked so on the English page only (WCAG 3.1.2).
    langs = {options.nth(i).get_attribute("lang") for i in range(options.count())}
    assert langs == ({"vi"} if language == "en" else {None})
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_down_moves_across_the_groups_and_enter_on_an_author_searches_their_works(
    page: Page, site: Site
) -> None:
    box, _options = _suggestions(page, site, MIXED)
    titles = _group(page, "Nhan đề").get_by_role("option")
    authors = _group(page, "Tác giả").get_by_role("option")
    for _ in range(titles.count()):
        box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", titles.last.get_attribute("id"))
    box.press("ArrowDown")  # from the last title to the first author
    first_author = authors.first
    expect(box).to_have_attribute("aria-activedescendant", first_author.get_attribute("id"))
    expect(first_author).to_have_attribute("aria-selected", "true")
    name = first_author.inner_text()
    box.press("Enter")
    page.wait_for_url("**/search?**")
    assert _query(page) == [f'author:"{name}"']
    expect(page.locator("#results-heading")).to_contain_text(name)
    hits = page.locator("ol.hit-list > li")
    expect(hits.first).to_be_visible()
    for i in range(hits.count()):  # that author's works, not every record with "tran"
        expect(hits.nth(i).locator(".hit__authors")).to_contain_text(name)


def test_enter_on_a_title_runs_the_title_search(page: Page, site: Site) -> None:
    box, _options = _suggestions(page, site, MIXED)
    first_title = _group(page, "Nhan đề").get_by_role("option").first
    title = first_title.inner_text()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", first_title.get_attribute("id"))
    box.press("Enter")
    page.wait_for_url("**/search?**")
    assert _query(page) == [title]


def test_up_from_the_box_wraps_to_the_last_author(page: Page, site: Site) -> None:
    box, options = _suggestions(page, site, MIXED)
    box.press("ArrowUp")
    last = _group(page, "Tác giả").get_by_role("option").last
    expect(box).to_have_attribute("aria-activedescendant", last.get_attribute("id"))
    assert options.last.get_attribute("id") == last.get_attribute("id")
