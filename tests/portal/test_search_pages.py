"""The search pages as a reader meets them: home, results with filters, advanced search, browse.

Over the sample Hanoi catalogue (tests/indexer/sample_records.py). Pages are parsed with
lxml, so the assertions are about what is on the page (headings, links, checked boxes,
counts), not about status codes alone.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import session, url_for
from flask.testing import FlaskClient

from catalogue import Holding, Record
from indexer import SearchQuery, TantivyIndex, index_records
from indexer.query import MAX_QUERY_CHARS, And, Or, Range, parse
from indexer.text import vietnamese_sort_key
from portal import search as search_module
from portal import search_http_cache
from portal.app import create_app
from portal.i18n import number_text
from portal.record_text import is_vietnamese
from portal.search_facets import year_histogram
from portal.search_hits import PageLinks, safe_highlight
from portal.search_labels import format_label, status_text, works_text
from portal.search_state import (
    SearchState,
    advanced_rows,
    build_query,
    row_clause,
    within_year_range,
)
from tests.indexer.sample_records import HN, NL, SECRET, VNU
from tests.portal.test_record_access import rights_app  # noqa: F401 — a fixture
from tests.support.accounts import browser, log_in, make_user

TUYEN_TAP = 25  # volumes of "Tuyển tập thơ Việt Nam" in the sample


def page(client: FlaskClient, url: str, status: int = 200, **params) -> lxml.html.HtmlElement:
    response = client.get(url, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return lxml.html.fromstring(response.get_data(as_text=True))


def redirected(client: FlaskClient, url: str, **params) -> tuple[dict[str, list[str]], str]:
    """A results URL the page cleans: the 302's target query and the target itself."""
    response = client.get(url, query_string=params or None)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert urlsplit(location).path == "/search"
    return parse_qs(urlsplit(location).query), location


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def h1(doc: lxml.html.HtmlElement) -> str:
    headings = doc.xpath("//h1")
    assert len(headings) == 1, "exactly one h1"
    return text(headings[0])


def hit_titles(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(a) for a in doc.xpath("//ol[@class='hit-list']/li//h3/a")]


def hit_years(doc: lxml.html.HtmlElement) -> list[int]:
    items = doc.xpath("//ol[@class='hit-list']/li//ul[contains(@class,'hit__meta')]/li")
    years = []
    for item in items:
        value = text(item).split(":")[-1].strip()
        if value.isdigit() and len(value) == 4:
            years.append(int(value))
    return years


def total_of(doc: lxml.html.HtmlElement) -> int:
    match = re.match(r"([\d.,]+)", h1(doc))
    assert match, h1(doc)
    return int(re.sub(r"[.,]", "", match.group(1)))


def english(client: FlaskClient) -> FlaskClient:
    assert client.get("/?lang=en").status_code == 303
    return client


def api_facets(client: FlaskClient, **params) -> dict[str, dict[str, int]]:
    body = client.get("/api/search", query_string={"facet_limit": 200, **params}).get_json()
    return {
        name: {fc["value"]: fc["count"] for fc in counts} for name, counts in body["facets"].items()
    }


# --- home -----------------------------------------------------------------------------


def test_home_has_a_labelled_search_box_that_goes_to_results(client):
    doc = page(client, "/")
    assert h1(doc) == "Tìm cùng lúc trong mục lục của các thư viện Hà Nội"
    form = doc.xpath("//form[@role='search']")[0]
    assert form.get("method") == "get" and form.get("action") == "/search"
    box = form.xpath(".//input[@name='q']")[0]
    assert box.get("type") == "search"
    label = doc.xpath(f"//label[@for='{box.get('id')}']")
    assert label and text(label[0])
    assert doc.xpath("//a[@href='/advanced']") and doc.xpath("//a[@href='/browse']")
    listen = doc.xpath("//ul[@class='home-links']//a[@href='/audiobooks/']")
    assert listen and text(listen[0]) == "Nghe sách nói trực tuyến"


def test_home_lists_libraries_with_work_counts_from_the_index(client):
    doc = page(client, "/")
    counts = api_facets(client, q="")["library"]
    listed = {}
    for item in doc.xpath("//section[@aria-labelledby='libraries-heading']//li"):
        link = item.xpath(".//a")[0]
        assert parse_qs(urlsplit(link.get("href")).query)["f.library"] == [text(link)]
        listed[text(link)] = int(re.match(r"\d+", text(item.xpath(".//span")[0])).group())
    assert listed == counts
    assert set(listed) == {HN, NL, VNU}  # the hidden archive is not a library readers see
    assert SECRET not in doc.text_content()
    collections = doc.xpath("//section[@aria-labelledby='collections-heading']//a")
    assert [text(a) for a in collections] == ["Sách nói"]


def test_home_shows_recently_added_records(client, catalogue):
    doc = page(client, "/")
    links = doc.xpath("//section[@aria-labelledby='recent-heading']//a")
    recent = [r for r in catalogue.store.recent_records(8)]
    assert len(links) == len(recent) > 0
    assert links[0].get("href") == f"/record/{recent[0].id}"
    assert text(links[0]) == recent[0].title.rstrip(" /")


def test_home_leaves_out_records_the_policy_refuses(client, catalogue, monkeypatch):
    refused = catalogue.store.recent_records(1)[0].id
    monkeypatch.setattr(search_module, "may_see_record", lambda record: record.id != refused)
    doc = page(client, "/")
    hrefs = [a.get("href") for a in doc.xpath("//section[@aria-labelledby='recent-heading']//a")]
    assert f"/record/{refused}" not in hrefs and hrefs


# --- results --------------------------------------------------------------------------


def test_ha_noi_finds_ha_noi_and_announces_the_count(client):
    response = client.get("/search?q=ha+noi")
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert h1(doc) == "5 kết quả cho “ha noi”"
    assert doc.xpath("//*[@role='status']//h1")  # screen readers find it
    assert "5 kết quả cho “ha noi”" in text(doc.xpath("//title")[0])
    titles = hit_titles(doc)
    assert "Hà Nội trong mắt tôi" in titles and "Hà Nội ba mươi sáu phố phường" in titles
    assert doc.xpath("//input[@name='q']")[0].get("value") == "ha noi"


@pytest.mark.parametrize("q", ["📚", "-", "*:*", "\u200b"])
def test_a_search_with_nothing_to_look_for_does_not_claim_its_hits_matched(client, q):
    everything = total_of(page(client, "/search"))
    response = client.get("/search", query_string={"q": q}, follow_redirects=True)
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert h1(doc) == f"{everything} kết quả" and total_of(doc) == everything
    told = any("không có chữ hay số" in text(n) for n in doc.xpath("//p[@class='notice']"))
    assert told == (q != "\u200b")  # an invisible character alone is no search at all


def test_invisible_direction_controls_are_dropped_from_the_query(client):
    response = client.get(
        "/search", query_string={"q": "ha\u200b noi\u202e\u061c"}, follow_redirects=True
    )
    body = response.get_data(as_text=True)
    assert "\u202e" not in body and "\u200b" not in body and "\u061c" not in body
    assert h1(lxml.html.fromstring(body)) == "5 kết quả cho “ha noi”"


def test_a_hit_shows_authors_year_format_libraries_and_availability(client):
    doc = page(client, "/search", q="truyện kiều")
    kieu = next(
        li
        for li in doc.xpath("//ol[@class='hit-list']/li")
        if text(li.xpath(".//h3")[0]) == "Truyện Kiều"
    )
    body = text(kieu)
    assert kieu.xpath(".//h3/a")[0].get("href").startswith("/record/")
    assert "Nguyễn Du" in body and "2015" in body and "Sách" in body
    assert "Có tại 3 thư viện" in body
    for library in (HN, NL, VNU):
        assert library in body
    assert SECRET not in body  # the hidden record of the same work lends nothing
    statuses = [text(li) for li in kieu.xpath(".//ul[@class='availability']/li")]
    assert any("1 bản có sẵn" in s for s in statuses)
    assert any("1 bản đang cho mượn" in s for s in statuses)
    assert any("1 bản chỉ đọc tại chỗ" in s for s in statuses)
    author = kieu.xpath(".//p[@class='hit__authors']/a")[0]
    assert parse_qs(urlsplit(author.get("href")).query)["q"] == ['author:"Nguyễn Du"']
    assert "Truyện Kiều" in hit_titles(page(client, author.get("href")))


def test_matches_are_marked_and_titles_in_other_languages_carry_lang(client):
    doc = page(client, "/search", q="kieu")
    marks = [text(m) for m in doc.xpath("//h3//mark")]
    assert "Kiều" in marks and "Kieu" in marks
    tale = next(a for a in doc.xpath("//h3/a") if text(a) == "The Tale of Kieu")
    assert tale.get("lang") == "en"
    vietnamese = next(a for a in doc.xpath("//h3/a") if text(a) == "Truyện Kiều")
    assert vietnamese.get("lang") is None  # same as the page's language
    english(client)
    doc = page(client, "/search", q="kieu")
    tale = next(a for a in doc.xpath("//h3/a") if text(a) == "The Tale of Kieu")
    assert tale.get("lang") is None
    kieu = next(a for a in doc.xpath("//h3/a") if text(a) == "Truyện Kiều")
    assert kieu.get("lang") == "vi"


def test_vietnamese_catalogue_text_is_marked_vi_in_the_english_ui(client):
    """WCAG 3.1.2: snippets, authors, libraries, facet values and filter chips hold
    catalogue text; on an English page the Vietnamese ones say so, the UI text does not."""
    english(client)
    doc = page(client, "/search", q="kieu", **{"f.library": HN})
    snippet = next(p for p in doc.xpath("//p[@class='hit__snippet']") if "trường" in text(p))
    assert snippet.get("lang") == "vi"
    authors = {text(a): a.xpath("./span/@lang") for a in doc.xpath("//p[@class='hit__authors']/a")}
    assert authors["Nguyễn Du"] == ["vi"]
    held = doc.xpath("//p[@class='hit__held']/span[@lang='vi']")
    assert HN in [text(span) for span in held]
    labels = {text(label).split(" (")[0]: label for label in doc.xpath("//fieldset//label")}
    assert labels[HN].xpath("./span/@lang") == ["vi"]
    assert labels["Book"].xpath(".//span[@lang]") == []  # translated UI text
    chip = doc.xpath("//a[@class='chip']")[0]
    assert chip.xpath("./span[@lang='vi']/text()") == [HN]
    home = page(client, "/")
    assert HN in [
        text(span) for span in home.xpath("//ul[@class='count-list']//a/span[@lang='vi']")
    ]
    recent = home.xpath("//ul[contains(@class, 'recent-list__meta')]/li")
    marked = {text(span) for li in recent for span in li.xpath("./span[@lang='vi']")}
    assert {VNU, "Hội Nhà văn Việt Nam"} <= marked  # a library and an author of recent records


def test_vietnamese_text_is_told_from_other_languages_with_diacritics():
    assert is_vietnamese("Sách nói") and is_vietnamese("Lịch sử") and is_vietnamese("Bến quê")
    assert is_vietnamese("Lý Anh Dung") and is_vietnamese("Chu Bá Phong")
    others = ("Canción", "Café", "José", "Les Misérables", "Crème brûlée", "Müller", "Kieu")
    others += ("São Paulo",)
    for other in (*others, "Fragile recordings: heard in the Hán Nôm room only."):
        assert not is_vietnamese(other), other


def test_snippets_are_escaped_with_marks(client):
    raw = client.get("/search", query_string={"q": "đoạn trường"}).get_data(as_text=True)
    assert "<mark>đoạn</mark>" in raw or "<mark>đoạn trường</mark>" in raw
    assert "&lt;" in raw and "<đoạn" not in raw  # the record's "<đoạn trường>" escaped


def test_a_thumbnail_only_where_the_hit_has_an_image(client):
    doc = page(client, "/search", q="số đỏ")
    images = doc.xpath("//ol[@class='hit-list']//img")
    assert [img.get("src") for img in images] == ["https://example.org/so-do/cover.jpg"]
    assert images[0].get("alt") == ""  # the title beside it says what it is
    doc = page(client, "/search", q="truyện kiều")
    assert not doc.xpath("//ol[@class='hit-list']//img")


def test_hidden_records_never_show(client):
    doc = page(client, "/search", q="Zyzzyva")
    assert total_of_or_zero(doc) == 0
    assert "Hồ sơ nội bộ" not in doc.text_content()


def total_of_or_zero(doc: lxml.html.HtmlElement) -> int:
    heading = h1(doc)
    return 0 if heading.startswith("Không có kết quả") else total_of(doc)


# --- filters --------------------------------------------------------------------------


def test_facets_are_fieldsets_of_labelled_checkboxes_with_counts(client):
    doc = page(client, "/search", q="ha noi")
    form = doc.xpath("//form[@id='search-form']")[0]
    assert form.get("method") == "get" and form.get("action") == "/search"
    legends = [text(legend) for legend in doc.xpath("//section[@class='facets']//legend")]
    assert legends[:2] == ["Thư viện", "Loại tài liệu"]
    boxes = doc.xpath("//section[@class='facets']//input[@type='checkbox']")
    assert boxes
    for box in boxes:
        assert box.xpath("ancestor::fieldset")
        label = doc.xpath(f"//label[@for='{box.get('id')}']")
        assert label and text(label[0]), box.get("id")
    assert doc.xpath("//section[@class='facets']//button[@type='submit']")
    hn = doc.xpath(f"//input[@name='f.library'][@value='{HN}']")[0]
    label = doc.xpath(f"//label[@for='{hn.get('id')}']")[0]
    # Seen as "(3)"; heard as "…, 3 works" (the bracketed number alone says little).
    assert text(label) == f"{HN} (3), 3 tác phẩm"
    assert label.xpath(".//span[@aria-hidden='true']")[0].text == "(3)"
    assert text(label.xpath(".//span[@class='visually-hidden']")[0]) == ", 3 tác phẩm"
    assert hn.get("checked") is None


def test_format_and_language_show_translated_labels_but_raw_values(client):
    doc = page(client, "/search", q="")
    book = doc.xpath("//input[@name='f.format'][@value='book']")[0]
    assert text(doc.xpath(f"//label[@for='{book.get('id')}']")[0]).startswith("Sách (")
    vie = doc.xpath("//input[@name='f.language'][@value='vie']")[0]
    assert text(doc.xpath(f"//label[@for='{vie.get('id')}']")[0]).startswith("Tiếng Việt (")
    english(client)
    doc = page(client, "/search", q="")
    book = doc.xpath("//input[@name='f.format'][@value='book']")[0]
    assert text(doc.xpath(f"//label[@for='{book.get('id')}']")[0]).startswith("Book (")
    fre = doc.xpath("//input[@name='f.language'][@value='fre']")[0]
    assert text(doc.xpath(f"//label[@for='{fre.get('id')}']")[0]).startswith("French (")


def test_a_filter_narrows_and_its_remove_link_restores(client):
    before = total_of(page(client, "/search", q="ha noi"))
    doc = page(client, "/search", **{"q": "ha noi", "f.library": HN})
    after = total_of(doc)
    assert 0 < after < before
    box = doc.xpath(f"//input[@name='f.library'][@value='{HN}']")[0]
    assert box.get("checked") is not None
    chips = doc.xpath("//section[@class='chips']//a")
    remove = next(a for a in chips if f"Thư viện: {HN}" in text(a))
    assert text(remove).startswith(f"Bỏ bộ lọc Thư viện: {HN}")
    restored = page(client, remove.get("href"))
    assert total_of(restored) == before
    assert not restored.xpath("//section[@class='chips']")
    assert restored.xpath("//input[@name='q']")[0].get("value") == "ha noi"


def test_clear_all_removes_every_filter_and_keeps_the_query(client):
    doc = page(client, "/search", **{"q": "ha noi", "f.library": HN, "f.format": "map"})
    assert total_of(doc) == 1
    chips = [text(a) for a in doc.xpath("//section[@class='chips']//a")]
    assert any("Loại tài liệu: Bản đồ" in c for c in chips)  # a label, not "map"
    clear = next(a for a in doc.xpath("//section[@class='chips']//a") if "Bỏ tất cả" in text(a))
    assert total_of(page(client, clear.get("href"))) == 5


def test_a_year_range_narrows_and_is_removable(client):
    doc = page(client, "/search", q="tuyển tập thơ", year_from="1990", year_to="1999")
    assert total_of(doc) == 10
    assert all(1990 <= y <= 1999 for y in hit_years(doc))
    assert doc.xpath("//input[@name='year_from']")[0].get("value") == "1990"
    chip = next(a for a in doc.xpath("//section[@class='chips']//a") if "1990–1999" in text(a))
    assert total_of(page(client, chip.get("href"))) == TUYEN_TAP
    open_ended = page(client, "/search", q="tuyển tập thơ", year_from="2000")
    assert all(y >= 2000 for y in hit_years(open_ended)) and total_of(open_ended) == 5
    query, target = redirected(
        client, "/search", q="tuyển tập thơ", year_from="1999", year_to="1990"
    )
    assert query["year_from"] == ["1990"] and query["year_to"] == ["1999"]
    assert total_of(page(client, target)) == 10


def test_a_year_range_keeps_an_or_query_whole():
    combined = within_year_range("kiều OR kieu)", "year:1990-2000")
    tree = parse(combined)
    assert isinstance(tree, And) and tree.children[0] == Range("year", 1990, 2000)
    assert isinstance(tree.children[1], Or)
    assert within_year_range("", "year:1990-") == "year:1990-"
    assert within_year_range("kiều", "") == "kiều"
    unclosed = parse(within_year_range('"phố (cổ OR kiều', "year:-1900"))
    assert isinstance(unclosed, And) and unclosed.children[0] == Range("year", None, 1900)


def test_selected_filter_values_stay_checked_even_without_a_count(client):
    doc = page(client, "/search", **{"q": "ha noi", "f.collection": "Không có"})
    assert total_of_or_zero(doc) == 0
    box = doc.xpath("//input[@name='f.collection']")[0]
    assert box.get("value") == "Không có" and box.get("checked") is not None


# --- sorting and paging ---------------------------------------------------------------


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


# --- nothing found --------------------------------------------------------------------


def test_zero_results_offer_the_suggestion_and_tips(client):
    doc = page(client, "/search", q="lich su viet nma")
    assert h1(doc) == "Không có kết quả cho “lich su viet nma”"
    suggestion = doc.xpath("//p[@class='did-you-mean']/a")[0]
    assert text(suggestion) == "lich su viet nam"
    assert total_of(page(client, suggestion.get("href"))) > 0
    assert doc.xpath("//div[@class='no-results']//ul[@class='tips']/li")


def test_the_suggestion_under_a_year_range_is_the_readers_own_words(client):
    doc = page(client, "/search", q="lich su viet nma", year_from="1990")
    suggestion = doc.xpath("//p[@class='did-you-mean']/a")[0]
    assert text(suggestion) == "lich su viet nam"
    query = parse_qs(urlsplit(suggestion.get("href")).query)
    assert query == {"q": ["lich su viet nam"], "year_from": ["1990"]}


def test_zero_results_with_filters_link_to_the_search_without_them(client):
    doc = page(client, "/search", **{"q": "truyện kiều", "f.format": "map", "year_from": "1900"})
    assert total_of_or_zero(doc) == 0
    widen = doc.xpath("//p[@class='no-results__widen']/a")[0]
    assert "truyện kiều" in text(widen)
    assert parse_qs(urlsplit(widen.get("href")).query) == {"q": ["truyện kiều"]}
    assert total_of(page(client, widen.get("href"))) > 0


# --- hostile and broken input ---------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "title:(((",
        ')))) OR AND NOT "',
        "{!xmlparser v='<!DOCTYPE a SYSTEM \"http://x\"><a/>'}",
        "tru\x00yện\x07 ki\x1bều",
        "*",
        "year:99999-",
        "a " * 400,
    ],
)
def test_malformed_queries_get_a_page_not_an_error(client, q):
    response = client.get("/search", query_string={"q": q}, follow_redirects=True)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    h1(doc)
    value = doc.xpath("//input[@name='q']")[0].get("value")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value)


def test_a_script_in_the_query_is_never_reflected_as_html(client):
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    for url, params in [
        ("/search", {"q": hostile}),
        ("/search", {"q": "kiều", "f.library": hostile}),
        ("/search", {"q": "kiều", "f.subject": hostile, "sort": hostile, "page": hostile}),
        ("/advanced", {"term": hostile, "field": hostile, "op": hostile}),
    ]:
        response = client.get(url, query_string=params, follow_redirects=True)
        assert response.status_code == 200
        raw = response.get_data(as_text=True)
        assert "<script>alert" not in raw and "<img src=x" not in raw
        assert "&lt;script&gt;" in raw or "%3Cscript%3E" in raw


def test_a_very_long_query_gets_a_friendly_message(client):
    response = client.get("/search", query_string={"q": "kiều" * 1250})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert h1(doc) == "Nội dung tìm kiếm quá dài"
    assert "5.000" in text(doc.xpath("//p[contains(@class,'notice--error')]")[0])
    box = doc.xpath("//input[@name='q']")[0]
    assert len(box.get("value")) <= MAX_QUERY_CHARS
    assert box.get("maxlength") == str(MAX_QUERY_CHARS)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "nonsense", "page": "-3", "per_page": "0"},
        {"page": "abc", "per_page": "100000"},
        {"f.year": "nineteen", "f.online": "maybe", "f.nope": "x", "year_from": "19x0"},
        {"f.library": "x" * 1000},
    ],
)
def test_bad_parameters_are_redirected_to_the_cleaned_url(client, params):
    query, target = redirected(client, "/search", q="tuyển tập thơ", **params)
    assert query == {"q": ["tuyển tập thơ"]}  # every bad value dropped, nothing else lost
    doc = page(client, target)
    assert total_of(doc) == TUYEN_TAP
    assert not doc.xpath("//section[@class='chips']")


def test_index_failure_is_a_friendly_503(catalogue, caplog):
    class FailingIndex:
        def search(self, query: SearchQuery):
            raise OSError("index folder vanished")

        def suggest(self, prefix, limit=10, *, visibility=("public",)):
            raise OSError("index folder vanished")

    app = create_app(catalogue.settings, store=catalogue.store, index=FailingIndex())
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        for url in ("/search?q=kieu", "/advanced", "/browse", "/browse/library"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.headers["Retry-After"].isdigit()
            raw = response.get_data(as_text=True)
            assert "vanished" not in raw and "Traceback" not in raw
            assert "Chức năng tìm kiếm tạm thời không hoạt động" in raw
        assert client.get("/suggest?q=kie").status_code == 503
    home = client.get("/")
    assert home.status_code == 200  # the home page still offers the search box
    assert 'name="q"' in home.get_data(as_text=True)


def test_a_script_in_a_record_title_is_escaped_in_titles_and_snippets(catalogue):
    index = TantivyIndex()
    evil = Record(
        "evil",
        "1",
        title='<script>alert("x")</script> Hà Nội',
        description="Hà Nội <img src=x onerror=alert(1)> & more",
        year=2001,
        languages=["vie"],
        holdings=[Holding("Thư viện thử", status="available", status_read_at=datetime(2024, 1, 1))],
    )
    index_records(index, [evil])
    app = create_app(catalogue.settings, store=catalogue.store, index=index)
    raw = app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    assert "<script>alert" not in raw and "<img src=x" not in raw
    assert "&lt;script&gt;" in raw
    assert "<mark>Hà</mark> <mark>Nội</mark>" in raw


def test_safe_highlight_keeps_only_marks():
    assert str(safe_highlight("a <mark>b</mark> &lt;c&gt;")) == "a <mark>b</mark> &lt;c&gt;"
    assert str(safe_highlight("<script>x</script><mark>y</mark>")) == (
        "&lt;script&gt;x&lt;/script&gt;<mark>y</mark>"
    )
    assert str(safe_highlight("&amp;lt;")) == "&amp;lt;"


# --- advanced search ------------------------------------------------------------------


def test_advanced_form_has_rows_operators_years_and_filters(client):
    doc = page(client, "/advanced")
    assert h1(doc) == "Tìm kiếm nâng cao"
    form = doc.xpath("//form[contains(@class,'advanced-form')]")[0]
    assert form.get("method") == "get"
    assert len(form.xpath(".//input[@name='term']")) == 4
    assert len(form.xpath(".//select[@name='op']")) == 3
    fields = [o.get("value") for o in form.xpath(".//select[@name='field']")[0].xpath("option")]
    assert fields == ["all", "title", "author", "subject", "isbn", "issn", "callnumber"]
    ops = [o.get("value") for o in form.xpath(".//select[@name='op']")[0].xpath("option")]
    assert ops == ["AND", "OR", "NOT"]
    for control in form.xpath(".//input[@type!='hidden'] | .//select"):
        assert doc.xpath(f"//label[@for='{control.get('id')}']"), control.get("name")
    libraries = {i.get("value") for i in form.xpath(".//input[@name='f.library']")}
    assert libraries == {HN, NL, VNU}
    formats = form.xpath(".//input[@name='f.format'][@value='audiobook']")[0]
    assert "Sách nói" in text(doc.xpath(f"//label[@for='{formats.get('id')}']")[0])
    assert form.xpath(".//input[@name='year_from']") and form.xpath(".//input[@name='year_to']")


def test_advanced_search_builds_the_query_and_lands_on_results(client):
    params = [
        ("field", "title"),
        ("term", "truyện kiều"),
        ("op", "OR"),
        ("field", "author"),
        ("term", "Nguyễn Du"),
        ("op", "NOT"),
        ("field", "all"),
        ("term", "tale"),
        ("op", "AND"),
        ("field", "all"),
        ("term", ""),
        ("f.library", HN),
        ("f.library", NL),
        ("year_from", "1900"),
        ("sort", "year_desc"),
    ]
    response = client.get("/advanced", query_string=params)
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["q"] == ["(title:(truyện kiều) OR author:(Nguyễn Du)) NOT tale"]
    assert query["f.library"] == [HN, NL]
    assert query["year_from"] == ["1900"] and query["sort"] == ["year_desc"]
    doc = page(client, response.headers["Location"])
    assert doc.xpath("//input[@name='q']")[0].get("value") == query["q"][0]
    titles = hit_titles(doc)
    assert "Truyện Kiều" in titles and "The Tale of Kieu" not in titles


def test_an_advanced_search_can_be_edited_in_the_filled_in_form(client):
    """The results of an advanced search link back to the form with its rows, operators,
    filters and years filled in, and sending that form again gives the same search."""
    params = [
        ("field", "title"), ("term", "truyện kiều"), ("op", "OR"),
        ("field", "author"), ("term", "Nguyễn Du"), ("op", "NOT"),
        ("field", "all"), ("term", "tale"),
        ("f.library", HN), ("year_from", "1900"),
    ]  # fmt: skip
    results = client.get("/advanced", query_string=params).headers["Location"]
    doc = page(client, results)
    edit = doc.xpath("//a[text()='Sửa tìm kiếm nâng cao này']/@href")[0]
    form = page(client, edit)
    rows = [
        (
            form.xpath(f"//select[@id='field-{n}']/option[@selected]/@value"),
            form.xpath(f"//input[@id='term-{n}']/@value"),
            form.xpath(f"//select[@id='op-{n}']/option[@selected]/@value"),
        )
        for n in (1, 2, 3, 4)
    ]
    assert rows == [
        (["title"], ["truyện kiều"], []),
        (["author"], ["Nguyễn Du"], ["OR"]),
        (["all"], ["tale"], ["NOT"]),
        (["all"], [""], ["AND"]),
    ]
    assert form.xpath(f"//input[@name='f.library' and @value='{HN}']/@checked")
    assert form.xpath("//input[@id='adv-year-from']/@value") == ["1900"]
    again = [*params[:8], ("field", "all"), ("term", ""), ("f.library", HN), ("year_from", "1900")]
    assert client.get("/advanced", query_string=again).headers["Location"] == results
    assert h1(doc).endswith(
        "cho “Nhan đề: truyện kiều hoặc Tác giả: Nguyễn Du nhưng không có tale”"
    )
    plain = page(client, "/search", q="ha noi")  # one box of words: nothing to edit
    assert not plain.xpath("//a[text()='Sửa tìm kiếm nâng cao này']")


def test_advanced_queries_read_back_into_the_rows_that_wrote_them():
    for rows in (
        [("AND", "all", "ha noi"), ("NOT", "subject", "lich su")],
        [("AND", "title", "kiều"), ("OR", "author", "nguyễn du"), ("AND", "all", "thơ")],
        [("AND", "title", '"truyện kiều"'), ("AND", "isbn", "9786041234567")],
        [("AND", "callnumber", '"895.9221 NG-D"'), ("OR", "all", '"a:b"')],
        [("AND", "all", "ha noi thang long")],
    ):
        assert advanced_rows(build_query(rows)) == rows
    assert build_query([("AND", "all", "ha noi")]) == "ha noi"  # a lone box: no brackets
    for not_the_forms in ("NOT phố", "year:1990-2000", "(a", "a NOT NOT b", "title:(a"):
        assert advanced_rows(not_the_forms) is None, not_the_forms


def test_advanced_search_treats_typed_syntax_as_words():
    assert row_clause("title", 'a:b (c) -d OR "phố phường" thăng*') == (
        'title:("a:b" "(c)" "-d" "OR" "phố phường" thăng*)'
    )
    assert row_clause("isbn", "978 604 1 23456 7") == "isbn:9786041234567"
    assert row_clause("author", '"') == ""
    assert build_query([("AND", "all", "kiều"), ("AND", "subject", "thơ")]) == "kiều subject:thơ"
    assert build_query([("NOT", "all", "kiều")]) == "NOT kiều"
    assert build_query([("AND", "bogus", "x"), ("XOR", "title", "y")]) == "x title:y"


def test_advanced_search_with_nothing_to_search_says_so(client):
    response = client.get("/advanced", query_string={"field": "all", "term": "  "})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert "Hãy nhập ít nhất một từ" in text(doc.xpath("//*[@role='alert']")[0])


def test_advanced_search_with_only_a_filter_goes_to_results(client):
    response = client.get("/advanced", query_string={"term": "", "f.format": "map"})
    assert response.status_code == 303
    doc = page(client, response.headers["Location"])
    assert hit_titles(doc) == ["Bản đồ Hà Nội năm 1873"]


# --- browse ---------------------------------------------------------------------------


def test_browse_lists_libraries_and_formats_with_counts_matching_the_index(client):
    doc = page(client, "/browse")
    assert h1(doc) == "Duyệt mục lục"
    facets = api_facets(client, q="")
    table = doc.xpath("//section[@aria-labelledby='browse-library']//table")[0]
    assert table.xpath("caption") and table.xpath(".//th[@scope='col']")
    rows = {}
    for row in table.xpath(".//tbody/tr"):
        link = row.xpath("th[@scope='row']/a")[0]
        rows[text(link)] = int(text(row.xpath("td")[0]))
        assert parse_qs(urlsplit(link.get("href")).query) == {"f.library": [text(link)]}
    assert rows == facets["library"]
    formats = doc.xpath("//section[@aria-labelledby='browse-format']//tbody/tr/th/a")
    assert "Sách" in [text(a) for a in formats]
    assert SECRET not in doc.text_content()
    link = doc.xpath("//section[@aria-labelledby='browse-library']//th/a")[0]
    assert total_of(page(client, link.get("href"))) == rows[text(link)]


def test_browse_a_facet_lists_every_value_and_orders_by_name(client):
    doc = page(client, "/browse/subject", order="name")
    assert h1(doc) == "Chủ đề"
    names = [text(a) for a in doc.xpath("//tbody/tr/th/a")]
    assert names == sorted(names, key=vietnamese_sort_key)  # Đ after every D, Ă after A
    assert len(names) == len(api_facets(client, q="")["subject"])
    assert doc.xpath("//a[@aria-current='true']")
    assert page(client, "/browse/nonsense", status=404).xpath("//h1")


# --- languages ------------------------------------------------------------------------


def test_vietnamese_is_the_default_and_english_can_be_chosen(client):
    doc = page(client, "/search", q="ha noi")
    assert doc.get("lang") == "vi" and h1(doc) == "5 kết quả cho “ha noi”"
    english(client)
    doc = page(client, "/search", q="ha noi")
    assert doc.get("lang") == "en" and h1(doc) == "5 results for “ha noi”"
    assert "Refine results" in doc.text_content() and "Apply filters" in doc.text_content()
    assert h1(page(client, "/advanced")) == "Advanced search"
    assert h1(page(client, "/browse")) == "Browse the catalogue"
    one = page(client, "/search", q="tale of kieu")
    assert h1(one) == "1 result for “tale of kieu”"


def test_numbers_are_localised(client):
    def message() -> str:
        response = client.get("/search", query_string={"q": "k" * 1234})
        doc = lxml.html.fromstring(response.get_data(as_text=True))
        return text(doc.xpath("//p[contains(@class,'notice--error')]")[0])

    assert "1.234" in message() and "1.000" in message()
    english(client)
    assert "1,234" in message() and "1,000" in message()


# --- suggestions ----------------------------------------------------------------------


def test_suggestions_are_titles_and_authors_and_respect_visibility(client):
    body = client.get("/suggest", query_string={"q": "truy"}).get_json()
    assert {"text": "Truyện Kiều", "kind": "title"} in body["suggestions"]
    names = client.get("/suggest", query_string={"q": "nguyen"}).get_json()["suggestions"]
    assert {"text": "Nguyễn Du", "kind": "author"} in names
    assert client.get("/suggest", query_string={"q": "zyzz"}).get_json() == {"suggestions": []}
    assert client.get("/suggest", query_string={"q": "t"}).get_json() == {"suggestions": []}
    assert client.get("/suggest", query_string={"q": "x" * 5000}).status_code == 200
    # A librarian's suggestions may hold hidden titles: no shared cache may keep them.
    response = client.get("/suggest", query_string={"q": "truy"})
    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize("url", ["/", "/search?q=kiều"])
def test_the_suggestion_groups_are_labelled_in_the_readers_language(client, url):
    def groups() -> tuple[str | None, str | None]:
        wrapper = page(client, url).xpath("//div[@data-suggest-url]")[0]
        return wrapper.get("data-suggest-group-title"), wrapper.get("data-suggest-group-author")

    assert groups() == ("Nhan đề", "Tác giả")
    english(client)
    assert groups() == ("Titles", "Authors")


# --- results per page, call numbers, advanced-search errors -------------------------


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


def test_advanced_search_by_call_number_finds_the_shelf_mark(client):
    doc = page(client, "/advanced")
    field = doc.xpath("//select[@name='field']/option[@value='callnumber']")[0]
    assert text(field) == "Ký hiệu xếp giá"
    response = client.get(
        "/advanced", query_string={"field": "callnumber", "term": "895.9221 NG-D"}
    )
    assert response.status_code == 303
    q = parse_qs(urlsplit(response.headers["Location"]).query)["q"][0]
    assert q == 'callnumber:"895.9221 NG-D"'  # one phrase in its own field, never words
    assert "Truyện Kiều" in hit_titles(page(client, response.headers["Location"]))
    assert row_clause("callnumber", 'x" OR "y') == 'callnumber:"x OR y"'
    # A call number is not searched in titles: a title word finds nothing there.
    none = client.get("/advanced", query_string={"field": "callnumber", "term": "Kiều"})
    assert hit_titles(page(client, none.headers["Location"])) == []


def test_advanced_search_errors_are_summarised_linked_and_on_the_fields(client):
    response = client.get(
        "/advanced",
        query_string=[("field", "title"), ("term", "kiều"), ("year_from", "19x0"), ("year_to", "")],
    )
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert text(doc.xpath("//title")[0]).startswith("Lỗi:")
    summary = doc.xpath("//div[@class='error-summary']")[0]
    assert summary.get("tabindex") == "-1" and summary.get("autofocus") is not None
    links = summary.xpath(".//a")
    assert [a.get("href") for a in links] == ["#adv-year-from"]
    assert text(links[0]).startswith("Từ năm: hãy nhập tối đa bốn chữ số")
    year = doc.xpath("//input[@id='adv-year-from']")[0]
    assert year.get("aria-invalid") == "true"
    assert year.get("value") == "19x0"  # what was typed is kept
    assert "adv-year-from-error" in year.get("aria-describedby").split()
    assert "Từ năm: hãy nhập" in text(doc.xpath("//*[@id='adv-year-from-error']")[0])
    assert doc.xpath("//input[@id='term-1']")[0].get("value") == "kiều"
    assert doc.xpath("//input[@id='term-1']")[0].get("aria-invalid") is None


def test_advanced_search_year_errors_say_which_box(client):
    response = client.get(
        "/advanced", query_string={"term": "kiều", "year_from": "abc", "year_to": "19500"}
    )
    links = lxml.html.fromstring(response.get_data(as_text=True)).xpath(
        "//div[@class='error-summary']//a"
    )
    assert [(a.get("href"), text(a).split(":")[0]) for a in links] == [
        ("#adv-year-from", "Từ năm"),
        ("#adv-year-to", "Đến năm"),
    ]


def test_advanced_search_with_nothing_marks_the_first_row(client):
    response = client.get("/advanced", query_string={"field": "all", "term": ""})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("//div[@class='error-summary']//a/@href") == ["#term-1"]
    term = doc.xpath("//input[@id='term-1']")[0]
    assert term.get("aria-invalid") == "true"
    assert term.get("aria-describedby").split() == ["adv-hint", "term-1-error"]


# --- rendering shortcuts: the same links and numbers as url_for and babel -------------


@pytest.mark.parametrize(
    "record_id",
    ["hanoi-library:hn-1", "nlv:a b/c?d#e%f", "vnu:Hà Nội&x=1", "s:+;=@!$'()*,"],
)
def test_page_links_match_url_for(app, record_id):
    with app.test_request_context("/search"):
        links = PageLinks.current()
        assert links.record_url(record_id) == url_for("record.show", record_id=record_id)
        q = f'author:"{record_id}"'
        assert links.search_url(q) == url_for("search.results", q=q)


def test_cached_numbers_and_labels_follow_the_language(app):
    for lang, expected in (("vi", "12.345"), ("en", "12,345")):
        with app.test_request_context("/search"):
            session["lang"] = lang
            assert number_text(12345) == expected
            assert number_text(12345) == expected  # the second from the cache
            assert works_text(12345).startswith(expected)
    with app.test_request_context("/search"):
        session["lang"] = "en"
        assert format_label("map") == "Map"
        assert status_text("on_loan", 2) == "2 copies on loan"
    with app.test_request_context("/search"):
        assert format_label("map") == "Bản đồ"
        assert number_text(1.5) == "1,5"  # not an integer: formatted, not cached


# --- HTTP caching -----------------------------------------------------------------------


def etag_of(response) -> str:
    tag = response.headers.get("ETag", "")
    assert tag.startswith('W/"'), response.headers
    return tag


def test_an_anonymous_results_page_revalidates_with_a_weak_etag(client):
    first = client.get("/search?q=ha+noi")
    tag = etag_of(first)
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first.headers["Vary"]
    # The page carries the reader's CSRF token, so it is never public.
    assert 'name="csrf_token"' in first.get_data(as_text=True)
    assert "public" not in first.headers["Cache-Control"]

    again = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == "private, no-cache"

    other = client.get("/search?q=kieu", headers={"If-None-Match": tag})
    assert other.status_code == 200 and etag_of(other) != tag
    assert (
        client.get("/search?q=ha+noi&sort=title", headers={"If-None-Match": tag}).status_code == 200
    )


def test_an_etag_is_never_valid_for_another_reader(app, client):
    tag = etag_of(client.get("/search?q=ha+noi"))
    stranger = app.test_client()  # another browser: another session, another CSRF token
    response = stranger.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert response.status_code == 200 and etag_of(response) != tag


def test_language_and_display_settings_change_the_etag(client):
    tag = etag_of(client.get("/search?q=ha+noi"))
    client.set_cookie("thuvien_prefs", "size=150")
    resized = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert resized.status_code == 200 and 'class="prefs-size-150"' in resized.get_data(as_text=True)
    english(client)
    response = client.get("/search?q=ha+noi", headers={"If-None-Match": etag_of(resized)})
    assert response.status_code == 200 and "results for" in response.get_data(as_text=True)


def test_the_etag_moves_on_before_the_pages_csrf_token_expires(app, client, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 600
    now = [1_200_000.0]  # the start of a 300-second window
    monkeypatch.setattr(search_http_cache.time, "time", lambda: now[0])
    tag = etag_of(client.get("/search?q=ha+noi"))
    now[0] += 200
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 304
    now[0] += 300  # past half the token's lifetime: a fresh page with a fresh token
    response = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert response.status_code == 200 and etag_of(response) != tag


def test_a_changed_index_changes_the_etag(catalogue):
    index = TantivyIndex()
    book = Record("lib", "1", title="Hà Nội ba mươi sáu phố phường", year=1943, languages=["vie"])
    index_records(index, [book])
    client = create_app(catalogue.settings, store=catalogue.store, index=index).test_client()
    tag = etag_of(client.get("/search?q=ha+noi"))
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 304
    index_records(index, [Record("lib", "2", title="Hà Nội xưa", year=1950, languages=["vie"])])
    response = client.get("/search?q=ha+noi", headers={"If-None-Match": tag})
    assert response.status_code == 200 and "xưa</a>" in response.get_data(as_text=True)


def test_a_backend_that_tells_its_version_answers_304_without_searching(catalogue):
    class VersionedIndex(TantivyIndex):
        searches = 0

        def version(self) -> str:
            return f"{self.count()}"

        def search(self, query: SearchQuery):
            VersionedIndex.searches += 1
            return super().search(query)

    index = VersionedIndex()
    index_records(index, [Record("lib", "1", title="Hà Nội", year=1943, languages=["vie"])])
    client = create_app(catalogue.settings, store=catalogue.store, index=index).test_client()
    tag = etag_of(client.get("/search?q=ha+noi"))
    before = VersionedIndex.searches
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 304
    assert VersionedIndex.searches == before
    index_records(index, [Record("lib", "2", title="Hà Nội xưa", year=1950, languages=["vie"])])
    assert client.get("/search?q=ha+noi", headers={"If-None-Match": tag}).status_code == 200


def test_a_logged_in_readers_page_is_never_stored(app):
    web = browser(app)
    assert log_in(web, make_user(app)).status_code == 303
    response = web.get("/search?q=ha+noi")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    assert web.get("/search?q=ha+noi", headers={"If-None-Match": "*"}).status_code == 200


def test_a_page_with_a_message_waiting_is_not_revalidated(app):
    web = browser(app)
    assert log_in(web, make_user(app)).status_code == 303
    with web.session_transaction() as saved:
        saved.clear()  # logged out behind the portal's back, a message still to show
        saved["_flashes"] = [("success", "Một thông báo")]
    response = web.get("/search?q=ha+noi")
    assert "Một thông báo" in response.get_data(as_text=True)
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


# --- the rendered-page cache (portal.page_cache) ---------------------------------------


def _token(page: str) -> str:
    doc = lxml.html.fromstring(page)
    (token,) = set(doc.xpath("//input[@name='csrf_token']/@value"))
    return token


def test_a_repeated_anonymous_page_comes_from_the_cache_with_the_readers_own_token(app):
    cache = app.extensions["thuvien_page_cache"]
    first, second = app.test_client(), app.test_client()
    one = first.get("/search?q=truyen+kieu").get_data(as_text=True)
    assert len(cache.pages) == 1
    renders = []
    real = search_module.render_template
    search_module.render_template = lambda *a, **k: renders.append(a) or real(*a, **k)
    try:
        response = second.get("/search?q=truyen+kieu")
    finally:
        search_module.render_template = real
    two = response.get_data(as_text=True)
    assert renders == [] and response.status_code == 200
    assert _token(one) != _token(two)  # each reader's own
    assert two.replace(_token(two), "") == one.replace(_token(one), "")
    assert "\x00" not in two and etag_of(response)
    # the token put back is a working one: the display-settings form saves with it
    saved = second.post("/preferences", data={"csrf_token": _token(two), "size": "150"})
    assert saved.status_code in (200, 303)
    forged = second.post("/preferences", data={"csrf_token": _token(one), "size": "150"})
    assert forged.status_code == 400


def test_the_page_cache_keys_language_settings_and_query(app):
    cache = app.extensions["thuvien_page_cache"]
    client = app.test_client()
    client.get("/search?q=ha+noi")
    english(client)
    page = client.get("/search?q=ha+noi").get_data(as_text=True)
    assert "results for" in page and len(cache.pages) == 2
    client.set_cookie("thuvien_prefs", "size=150")
    assert 'class="prefs-size-150"' in client.get("/search?q=ha+noi").get_data(as_text=True)
    assert len(cache.pages) == 3


def test_a_logged_in_readers_page_never_enters_the_cache(app):
    cache = app.extensions["thuvien_page_cache"]
    web = browser(app)
    user = make_user(app)
    assert log_in(web, user).status_code == 303
    page = web.get("/search?q=ha+noi").get_data(as_text=True)
    assert user in page and len(cache.pages) == 0
    stranger = app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    assert user not in stranger


def test_a_new_index_version_empties_the_page_cache(catalogue):
    index = TantivyIndex()
    index_records(index, [Record("lib", "1", title="Hà Nội phố", year=1943, languages=["vie"])])
    app = create_app(catalogue.settings, store=catalogue.store, index=index)
    assert "phố</a>" in app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    index_records(index, [Record("lib", "2", title="Hà Nội xưa", year=1950, languages=["vie"])])
    page = app.test_client().get("/search?q=ha+noi").get_data(as_text=True)
    assert "xưa</a>" in page
    assert len(app.extensions["thuvien_page_cache"].pages) == 1


# --- session 4: search context, thumbnails, multi-select facets, clean URLs -------------


def submit(client: FlaskClient, doc: lxml.html.HtmlElement, tick: str = "") -> tuple[str, str]:
    """Send the results form as a browser does (`tick`: the id of a box to check first);
    the URL it asks for and the URL it lands on after any redirect."""
    form = doc.xpath("//form[@id='search-form']")[0]
    if tick:
        form.xpath(f".//input[@id='{tick}']")[0].checked = True
    response = client.get("/search", query_string=form.form_values())
    asked = landed = response.request.full_path
    if response.status_code == 302:
        landed = response.headers["Location"]
        response = client.get(landed)
    assert response.status_code == 200
    return landed, asked


def test_hit_links_carry_the_search_and_the_position(client):
    doc = page(client, "/search", q="tuyển tập thơ", per_page="10", page="2")
    links = doc.xpath("//ol[@class='hit-list']/li//h3/a")
    assert len(links) == 10
    for n, link in enumerate(links, 11):
        url = urlsplit(link.get("href"))
        assert url.path.startswith("/record/")
        query = parse_qs(url.query)
        assert query["pos"] == [str(n)]
        assert parse_qs(query["ctx"][0]) == {"q": ["tuyển tập thơ"], "per_page": ["10"]}
    record = client.get(links[0].get("href"))
    assert record.status_code == 200


def test_picking_a_second_library_ors_them_and_marks_both(client):
    doc = page(client, "/search", q="ha noi")
    first = doc.xpath(f"//input[@name='f.library'][@value='{HN}']")[0].get("id")
    landed, _asked = submit(client, doc, tick=first)
    doc = page(client, landed)
    # Counted without its own filter: the other libraries are still there to add.
    second = doc.xpath(f"//input[@name='f.library'][@value='{VNU}']")
    assert second and second[0].get("checked") is None
    landed, asked = submit(client, doc, tick=second[0].get("id"))
    assert parse_qs(urlsplit(asked).query).get("sort") == ["relevance"]  # what forms send
    query = parse_qs(urlsplit(landed).query)
    assert query == {"q": ["ha noi"], "f.library": [HN, VNU]}  # defaults dropped
    doc = page(client, landed)
    both = client.get(
        "/api/search", query_string=[("q", "ha noi"), ("f.library", HN), ("f.library", VNU)]
    )
    one = client.get("/api/search", query_string={"q": "ha noi", "f.library": HN})
    assert total_of(doc) == both.get_json()["total"] > one.get_json()["total"]
    for library in (HN, VNU):
        assert (
            doc.xpath(f"//input[@name='f.library'][@value='{library}']")[0].get("checked")
            is not None
        )
    chips = {text(a): a.get("href") for a in doc.xpath("//section[@class='chips']//a")}
    remove_nl = next(href for label, href in chips.items() if f"Thư viện: {VNU}" in label)
    assert parse_qs(urlsplit(remove_nl).query) == {"q": ["ha noi"], "f.library": [HN]}


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


def test_scanned_hits_show_a_thumbnail_only_where_the_reader_may_see_a_preview(rights_app):  # noqa: F811
    """Over test_record_access's catalogue: `open` is public, `room` on-site without a
    preview, `emb` staff only without a preview, `reg` has audio only."""
    client = rights_app.test_client()
    doc = page(client, "/search")
    thumbs = {}
    for hit in doc.xpath("//ol[@class='hit-list']/li"):
        href = urlsplit(hit.xpath(".//h3/a")[0].get("href")).path
        images = hit.xpath(".//img")
        thumbs[href.removeprefix("/record/")] = images[0] if images else None
    assert thumbs["lib:open"] is not None
    image = thumbs["lib:open"]
    assert image.get("src") == "/iiif/3/lib:open~1/full/!96,96/0/default.jpg"
    assert image.get("alt") == "" and image.get("loading") == "lazy"
    assert (image.get("width"), image.get("height")) == ("96", "96")
    for refused in ("lib:room", "lib:emb", "lib:reg"):
        assert thumbs[refused] is None, refused
    # What the page shows, the IIIF server serves (no broken image for a refused scan).
    assert client.get(image.get("src")).status_code != 401
    recent = page(client, "/").xpath("//section[@aria-labelledby='recent-heading']//img/@src")
    assert "/iiif/3/lib:open~1/full/!96,96/0/default.jpg" in recent
    assert not [src for src in recent if "lib:room" in src or "lib:emb" in src]


# --- session 5: the year facet as a histogram of decades ------------------------------


def year_bins(doc: lxml.html.HtmlElement) -> dict[str, tuple[int, str]]:
    """The histogram's bins: label → (count shown, the link's target)."""
    bins = {}
    for link in doc.xpath(
        "//fieldset[contains(@class,'facet--year')]//ul[@class='year-histogram']//a"
    ):
        label = text(link.xpath(".//span[@class='year-histogram__label']")[0])
        count = text(link.xpath(".//span[@class='year-histogram__count']")[0])
        bins[label] = (int(re.sub(r"[.,]", "", count)), link.get("href"))
    return bins


def test_the_year_facet_counts_works_per_decade(client):
    doc = page(client, "/search", q="tuyển tập thơ")  # volumes 1 to 25: 1980 to 2004
    bins = year_bins(doc)
    assert {label: count for label, (count, _href) in bins.items()} == {
        "1980–1989": 10,
        "1990–1999": 10,
        "2000–2009": 5,
    }
    fieldset = doc.xpath("//fieldset[contains(@class,'facet--year')]")[0]
    histogram = fieldset.xpath(".//ul[@class='year-histogram']")[0]
    caption = doc.xpath(f"//*[@id='{histogram.get('aria-labelledby')}']")[0]
    assert text(caption) == "Số tác phẩm theo thập niên"
    # Above the from/to boxes, and read as "1990–1999, 10 tác phẩm" (bar and digits hidden).
    assert fieldset.index(histogram) < fieldset.index(fieldset.xpath("div[@class='year-range']")[0])
    link = histogram.xpath(".//a")[1]
    spoken = "".join(t for t in link.xpath(".//text()[not(ancestor::*[@aria-hidden='true'])]"))
    assert " ".join(spoken.split()) == "1990–1999, 10 tác phẩm"
    bars = histogram.xpath(
        ".//span[@aria-hidden='true']/span[contains(@class,'year-histogram__bar')]"
    )
    assert [b.get("class").split("--")[-1] for b in bars] == ["100", "100", "50"]


def test_the_decades_add_up_the_year_facet_over_the_whole_catalogue(client):
    body = client.get(
        "/api/search", query_string={"q": "", "facet": "year", "facet_limit": 200}
    ).get_json()
    expected: dict[str, int] = {}
    for fc in body["facets"]["year"]:
        low = int(fc["value"]) // 10 * 10
        key = f"{low}–{low + 9}"
        expected[key] = expected.get(key, 0) + fc["count"]
    bins = year_bins(page(client, "/search", q=""))
    assert {label: count for label, (count, _href) in bins.items()} == expected
    assert bins["1870–1879"][0] == 1  # the 1873 map
    assert list(bins) == sorted(bins)  # oldest first


def test_the_histogram_shows_empty_decades_between_as_rows_without_links(client):
    doc = page(client, "/search", q="")
    rows = doc.xpath("//ul[@class='year-histogram']/li")
    labels = [text(r.xpath(".//span[@class='year-histogram__label']")[0]) for r in rows]
    lows = [int(label.split("–")[0]) for label in labels]
    assert lows == list(range(lows[0], lows[-1] + 1, 10))  # every decade, none skipped
    empty = [r for r in rows if "year-histogram__empty" in (r.get("class") or "")]
    assert empty and len(empty) + len(year_bins(doc)) == len(rows)
    for row in empty:
        assert not row.xpath(".//a") and not row.xpath(".//*[contains(@class,'__bar')]")
        spoken = "".join(row.xpath(".//text()[not(ancestor::*[@aria-hidden='true'])]"))
        assert spoken.endswith(", 0 tác phẩm")


def test_a_decade_link_narrows_the_search_to_it(client):
    bins = year_bins(page(client, "/search", q="tuyển tập thơ", sort="year_asc"))
    count, href = bins["1990–1999"]
    query = parse_qs(urlsplit(href).query)
    assert query == {
        "q": ["tuyển tập thơ"],
        "year_from": ["1990"],
        "year_to": ["1999"],
        "sort": ["year_asc"],
    }
    doc = page(client, href)
    assert total_of(doc) == count == 10
    assert sorted(hit_years(doc)) == list(range(1990, 2000))
    # Within one decade the bars are single years, each narrowing further.
    years = year_bins(doc)
    assert list(years) == [str(y) for y in range(1990, 2000)]
    assert text(doc.xpath("//p[@class='year-histogram__caption']")[0]) == "Số tác phẩm theo năm"
    one, href = years["1995"]
    assert one == 1 and hit_years(page(client, href)) == [1995]
    current = doc.xpath("//ul[@class='year-histogram']//a[@aria-current='true']")
    assert not current  # 1990–1999 is not one of the year bars
    narrowed = page(client, href)
    assert narrowed.xpath("//ul[@class='year-histogram']//a[@aria-current='true']")


def test_the_histogram_keeps_the_readers_filters(client):
    doc = page(client, "/search", **{"q": "", "f.library": HN})
    bins = year_bins(doc)
    assert len(bins) >= 3
    for _count, href in bins.values():
        assert parse_qs(urlsplit(href).query)["f.library"] == [HN]


def test_no_histogram_without_year_values(client):
    doc = page(client, "/search", q="zzqx nothing like this")
    assert doc.xpath("//fieldset[contains(@class,'facet--year')]//input[@name='year_from']")
    assert not doc.xpath("//ul[@class='year-histogram']")
    assert not doc.xpath("//*[@class='year-histogram__caption']")
    assert year_histogram(SearchState(), []) == []


def test_the_histogram_in_english(client):
    english(client)
    doc = page(client, "/search", q="tuyển tập thơ")
    assert text(doc.xpath("//p[@class='year-histogram__caption']")[0]) == "Works by decade"
    link = doc.xpath("//ul[@class='year-histogram']//a")[2]
    assert text(link.xpath(".//span[@class='visually-hidden']")[0]) == ", 5 works"
