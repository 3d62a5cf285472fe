"""The results page as a reader meets it: the count, each hit with its authors, year,
format, libraries, availability, marks, snippet and thumbnail, the links to records.

Over the sample Hanoi catalogue (tests/indexer/sample_records.py). The other search pages
have files of their own: test_home_page, test_search_filters, test_year_histogram,
test_search_paging, test_zero_results, test_search_input, test_advanced_search_page,
test_browse_pages, test_search_languages, test_search_suggestions, test_search_caching.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import url_for

from indexer.text import is_vietnamese
from portal.search_hits import PageLinks
from tests.indexer.sample_records import HN, NL, SECRET, VNU
from tests.portal.test_record_access import rights_app  # noqa: F401 — a fixture
from tests.support.search_pages import (
    english,
    h1,
    hit_titles,
    page,
    text,
    total_of,
    total_of_or_zero,
)


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
