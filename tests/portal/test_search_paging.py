"""Sorting and paging the results: sort orders, pages, results per page, clean URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.search_pages import (
    TUYEN_TAP,
    english,
    hit_titles,
    hit_years,
    page,
    redirected,
    text,
)


def test_sort_by_year_orders_the_hits(client):
    newest = hit_years(page(client, "/search", q="tuyển tập thơ", sort="year_desc"))
    oldest = hit_years(page(client, "/search", q="tuyển tập thơ", sort="year_asc"))
    assert newest == sorted(newest, reverse=True) and newest[0] == 2004
    assert oldest == sorted(oldest) and oldest[0] == 1980
    doc = page(client, "/search", q="tuyển tập thơ", sort="year_desc")
    assert doc.xpath("//select[@name='sort']/option[@selected]")[0].get("value") == "year_desc"


def test_sort_by_title(client):
    titles = hit_titles(page(client, "/search", q="ha noi", sort="title"))
    assert titles[0] == "Bản đồ Hà Nội năm 1873"


def test_pages_differ_and_paging_never_passes_the_last_page(client):
    first = page(client, "/search", q="tuyển tập thơ", per_page="10")
    second = page(client, "/search", q="tuyển tập thơ", per_page="10", page="2")
    assert len(hit_titles(first)) == 10 and len(hit_titles(second)) == 10
    assert not set(hit_titles(first)) & set(hit_titles(second))
    assert second.xpath("//ol[@class='hit-list']")[0].get("start") == "11"
    nav = second.xpath("//nav[@class='paging']")[0]
    assert nav.get("aria-label") == "Các trang kết quả"
    current = nav.xpath(".//a[@aria-current='page']")
    assert len(current) == 1 and text(current[0]) == "Trang 2"
    pages = set()
    for link in nav.xpath(".//a"):
        query = parse_qs(urlsplit(link.get("href")).query)
        assert query["q"] == ["tuyển tập thơ"] and query["per_page"] == ["10"]
        pages.add(int(query.get("page", ["1"])[0]))
    assert pages == {1, 2, 3}
    assert "page 2" not in text(second.xpath("//title")[0])  # Vietnamese page
    assert "trang 2/3" in text(second.xpath("//title")[0])

    query, target = redirected(client, "/search", q="tuyển tập thơ", per_page="10", page="99")
    assert query == {"q": ["tuyển tập thơ"], "per_page": ["10"], "page": ["3"]}
    past = page(client, target)
    assert len(hit_titles(past)) == 5  # the last page, not an empty one
    nav = past.xpath("//nav[@class='paging']")[0]
    assert text(nav.xpath(".//a[@aria-current='page']")[0]) == "Trang 3"
    assert not nav.xpath(".//a[@rel='next']")


def test_one_page_of_results_has_no_paging(client):
    doc = page(client, "/search", q="ha noi")
    assert not doc.xpath("//nav[@class='paging']")


def test_results_per_page_is_chosen_from_a_labelled_select_and_kept_in_links(client):
    doc = page(client, "/search", q="tuyển tập thơ")
    select = doc.xpath("//form[@id='search-form']//select[@name='per_page']")[0]
    assert text(doc.xpath(f"//label[@for='{select.get('id')}']")[0]) == "Số kết quả mỗi trang"
    assert [o.get("value") for o in select.xpath("option")] == ["10", "20", "50", "100"]
    assert select.xpath("option[@selected]")[0].get("value") == "20"
    assert len(hit_titles(doc)) == 20

    doc = page(client, "/search", q="tuyển tập thơ", per_page="10")
    assert len(hit_titles(doc)) == 10
    select = doc.xpath("//select[@name='per_page']")[0]
    assert select.xpath("option[@selected]")[0].get("value") == "10"
    # Only the select carries it in the form (no hidden twin to contradict a new choice).
    assert len(doc.xpath("//form[@id='search-form']//*[@name='per_page']")) == 1
    links = doc.xpath("//nav[@class='paging']//a/@href")
    for href in links:
        assert parse_qs(urlsplit(href).query)["per_page"] == ["10"]
    assert len(links) >= 3

    doc = page(client, "/search", q="tuyển tập thơ", per_page="50")
    assert len(hit_titles(doc)) == TUYEN_TAP and not doc.xpath("//nav[@class='paging']")


@pytest.mark.parametrize("bad", ["7", "0", "-10", "1000", "abc", "20.5", ""])
def test_a_per_page_not_offered_is_the_default(client, bad):
    query, target = redirected(client, "/search", q="tuyển tập thơ", per_page=bad)
    assert query == {"q": ["tuyển tập thơ"]}
    doc = page(client, target)
    assert len(hit_titles(doc)) == 20
    assert doc.xpath("//select[@name='per_page']/option[@selected]")[0].get("value") == "20"
    for href in doc.xpath("//nav[@class='paging']//a/@href"):
        assert "per_page" not in parse_qs(urlsplit(href).query)


def test_per_page_survives_a_filter_and_the_empty_results_form(client):
    doc = page(client, "/search", q="tuyển tập thơ", per_page="10", **{"f.format": "map"})
    assert not hit_titles(doc)
    hidden = doc.xpath("//form[@id='search-form']//input[@type='hidden'][@name='per_page']")
    assert hidden and hidden[0].get("value") == "10"
    widen = [h for h in doc.xpath("//a[starts-with(@href,'/search?')]/@href") if "tuy" in h]
    assert widen  # "search without filters"
    for href in widen:
        assert parse_qs(urlsplit(href).query).get("per_page") == ["10"], href


def test_a_page_past_the_last_redirects_to_the_last(client):
    query, _ = redirected(client, "/search", q="tuyển tập thơ", page="99999")
    assert query == {"q": ["tuyển tập thơ"], "page": ["2"]}
    query, _ = redirected(client, "/search", q="zzzzqqq", page="3")
    assert query == {"q": ["zzzzqqq"]}  # nothing found: page 1


def test_default_and_empty_parameters_are_dropped_from_the_url(client):
    query, target = redirected(
        client,
        "/search",
        q="kiều",
        sort="relevance",
        per_page="20",
        year_from="",
        year_to="",
        page="1",
    )
    assert query == {"q": ["kiều"]} and target == "/search?q=ki%E1%BB%81u"
    query, _ = redirected(client, "/search", q="kiều", sort="bogus", year_from="99999x")
    assert query == {"q": ["kiều"]}
    # A clean URL is served, not redirected; other parameters survive a clean-up.
    assert client.get("/search?q=ki%E1%BB%81u&sort=title&per_page=10").status_code == 200
    query, _ = redirected(client, "/search", q="kiều", sort="relevance", utm_source="x")
    assert query == {"q": ["kiều"], "utm_source": ["x"]}


def test_pagination_says_next_page_in_one_phrase(client):
    doc = page(client, "/search", q="tuyển tập thơ", per_page="10", page="2")
    nav = doc.xpath("//nav[@class='paging']")[0]
    assert text(nav.xpath(".//a[@rel='next']")[0]) == "Trang sau ›"
    assert text(nav.xpath(".//a[@rel='prev']")[0]) == "‹ Trang trước"
    english(client)
    doc = page(client, "/search", q="tuyển tập thơ", per_page="10", page="2")
    assert text(doc.xpath("//nav[@class='paging']//a[@rel='next']")[0]) == "Next page ›"
