"""The record page as a reader meets it: the description, the holdings and the other
records of the work, and the errors for records that are unknown, hidden or withdrawn.

The page helpers live in tests/support/record_pages.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html

from portal import record as record_module
from portal.record_description import author_query, subject_query
from tests.indexer.sample_records import HN, KIEU_ISBN, NL, SECRET, VNU
from tests.portal.conftest import WITHDRAWN_ID
from tests.support.record_pages import KIEU, TALE, field_values, page, sel, table_rows

# --- description ------------------------------------------------------------------------


def test_full_description_is_shown(client):
    doc = page(client, f"/record/{KIEU}")
    assert [h.text_content().strip() for h in sel(doc, "h1")] == ["Truyện Kiều"]
    assert field_values(doc, "authors") == ["Nguyễn Du"]
    assert field_values(doc, "publisher") == ["Nhà xuất bản Văn học"]
    assert field_values(doc, "year") == ["2015"]
    assert field_values(doc, "isbns") == [KIEU_ISBN]
    assert field_values(doc, "call_numbers") == ["895.9221 NG-D"]
    assert field_values(doc, "subjects") == ["Văn học Việt Nam -- Thơ", "Truyện thơ"]
    assert field_values(doc, "languages") == ["Tiếng Việt"]
    assert field_values(doc, "format") == ["Sách"]
    assert field_values(doc, "source") == ["hanoi-library"]
    summary = field_values(doc, "description")[0]
    assert "<đoạn trường> & lưu lạc" in summary  # text, not markup


def test_description_is_a_definition_list_with_logical_headings(client):
    response = client.get(f"/record/{KIEU}")
    text = response.get_data(as_text=True)
    doc = lxml.html.fromstring(text)
    assert len(sel(doc, "h1")) == 1
    assert sel(doc, "dl.record-description dt")
    headings = [h.tag for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3]")]
    assert headings[0] == "h1" and set(headings[1:]) == {"h2"}
    assert "&lt;đoạn trường&gt; &amp; lưu lạc" in text


def test_isbd_punctuation_is_dropped_from_the_title(client):
    doc = page(client, "/record/national-library:nl-778")
    assert sel(doc, "h1")[0].text_content().strip() == "Truyện Kiều"


def test_author_links_search_for_the_author(client):
    doc = page(client, "/record/vnu-library:vnu-5")  # "Nguyễn Du, 1766-1820"
    link = sel(doc, ".record-description__item--authors a")[0]
    assert link.text_content() == "Nguyễn Du"  # in reading order, as in the results
    url = urlsplit(link.get("href"))
    assert url.path == "/search"
    assert parse_qs(url.query)["q"] == ['author:"Nguyễn Du"']


def test_contributors_and_subjects_link_to_searches(client):
    doc = page(client, f"/record/{TALE}")
    contributor = sel(doc, ".record-description__item--contributors a")[0]
    assert parse_qs(urlsplit(contributor.get("href")).query)["q"] == ['author:"Huỳnh, Sanh Thông"']
    subject = sel(doc, ".record-description__item--subjects a")[0]
    assert parse_qs(urlsplit(subject.get("href")).query)["q"] == ['subject:"Vietnamese poetry"']


def test_search_queries_are_quoted_safely():
    assert author_query("Nguyễn, Du, 1766-1820") == 'author:"Nguyễn, Du"'
    assert author_query('Lê "Quý" Đôn') == 'author:"Lê Quý Đôn"'
    assert author_query('"') == ""
    assert subject_query('Hà Nội -- "Lịch sử"') == 'subject:"Hà Nội -- Lịch sử"'
    assert subject_query("  ") == ""


def test_collections_link_to_the_collection_filter(client):
    doc = page(client, "/record/hanoi-library:hn-so-do")
    link = sel(doc, ".record-description__item--collections a")[0]
    assert parse_qs(urlsplit(link.get("href")).query) == {"f.collection": ["Sách nói"]}


def test_title_is_marked_with_the_records_language_when_it_differs(client):
    tale = page(client, f"/record/{TALE}")
    assert sel(tale, "h1")[0].get("lang") == "en"
    kieu = page(client, f"/record/{KIEU}")
    assert sel(kieu, "h1")[0].get("lang") is None
    client.get("/?lang=en")
    assert sel(page(client, f"/record/{KIEU}"), "h1")[0].get("lang") == "vi"
    assert sel(page(client, f"/record/{TALE}"), "h1")[0].get("lang") is None


# --- holdings and other records of the work ----------------------------------------------


def test_holdings_rows_match_the_records_holdings(client):
    doc = page(client, f"/record/{KIEU}")
    table = sel(doc, "table.holdings")[0]
    assert sel(table, "caption")
    assert all(th.get("scope") == "col" for th in sel(table, "thead th"))
    assert all(th.get("scope") == "row" for th in sel(table, "tbody th"))
    rows = table_rows(doc, "table.holdings")
    library, location, call_number, status, when, source = rows[0]  # this record's own first
    assert (library, location, call_number) == (HN, "Kho mở tầng 2", "895.9221 NG-D")
    assert status == "Có sẵn"  # the status in words, not only a colour
    assert "2024" in when and source == "Biểu ghi này"
    assert sel(table, "time")[0].get("datetime").startswith("2024-05-01T08:00")


def test_other_records_of_the_work_are_listed_with_their_library(client):
    doc = page(client, f"/record/{KIEU}")
    rows = table_rows(doc, "table.other-records")
    links = [a.get("href") for a in sel(doc, "table.other-records a")]
    assert links == ["/record/national-library:nl-778", "/record/vnu-library:vnu-5"]
    assert [row[1] for row in rows] == [NL, VNU]
    assert [row[2:] for row in rows] == [["2015", "Sách"], ["2015", "Sách"]]
    text = doc.text_content()
    assert SECRET not in text and "kieu-secret" not in " ".join(links)  # hidden: never listed


def test_a_record_alone_in_its_work_lists_no_others(client):
    doc = page(client, "/record/hanoi-library:hn-300")
    assert not sel(doc, "table.other-records")


def test_digital_files_are_listed_without_links(client):
    doc = page(client, "/record/hanoi-library:hn-so-do")
    rows = table_rows(doc, "table.digital-files")
    assert [row[:2] for row in rows] == [["Tệp 1", "Hình ảnh"], ["Tệp 2", "Âm thanh"]]
    assert not sel(doc, "table.digital-files a")
    assert "example.org" not in lxml.html.tostring(doc, encoding="unicode")


# --- errors ------------------------------------------------------------------------------


def test_unknown_record_is_404(client):
    assert client.get("/record/hanoi-library:no-such-record").status_code == 404
    assert client.get("/record/no-such-record/cite.ris").status_code == 404


def test_record_the_requester_may_not_see_is_404_like_an_unknown_one(client, monkeypatch):
    monkeypatch.setattr(record_module, "may_see_record", lambda record: record.id != KIEU)
    hidden = client.get(f"/record/{KIEU}")
    unknown = client.get("/record/hanoi-library:hn-nope")
    assert hidden.status_code == unknown.status_code == 404
    # The same page but for the id; the CSRF token is signed with the time, so it may
    # differ between two requests a second apart.
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    body = token.sub("TOKEN", hidden.get_data(as_text=True).replace(KIEU, "ID"))
    other = unknown.get_data(as_text=True).replace("hanoi-library:hn-nope", "ID")
    assert body == token.sub("TOKEN", other)
    assert "Truyện Kiều" not in body
    for suffix in ("/cite.ris", "/cite.bib", "/cite.json", "/raw"):
        assert client.get(f"/record/{KIEU}{suffix}").status_code == 404


def test_withdrawn_record_is_410_with_a_friendly_page(client):
    response = client.get(f"/record/{WITHDRAWN_ID}")
    assert response.status_code == 410
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert sel(doc, "h1")[0].text_content() == "Biểu ghi này đã bị rút khỏi mục lục"
    assert sel(doc, "main a[href='/']")
    assert client.get(f"/record/{WITHDRAWN_ID}/cite.ris").status_code == 410
