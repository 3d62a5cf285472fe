"""F5, F4, F28 on the record page: the whole work's holdings in one table with a
per-library summary, Vietnamese data marked lang="vi" in the English UI, names in
reading order, each call number once, and the raw record as librarians read it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from portal.record_description import distinct_call_numbers
from portal.record_raw import marc_fields, pretty_xml
from tests.indexer.sample_records import HN, NL, SECRET, VNU
from tests.support.record_pages import field_values, log_in, page, sel, table_rows

KIEU = "hanoi-library:hn-001"


# --- F5: one holdings table for the whole work ------------------------------------------


def test_the_holdings_table_holds_every_librarys_copies_of_the_work(client):
    doc = page(client, f"/record/{KIEU}")
    rows = table_rows(doc, "table.holdings")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (HN, "Kho mở tầng 2", "895.9221 NG-D", "Có sẵn"),  # this record's own copy first
        (NL, "Kho đọc", "VV 12345", "Đang cho mượn"),
        (VNU, "Phòng đọc", "895.922 NGU", "Chỉ đọc tại chỗ"),
    ]
    # Grouped: one row group per library; every other copy links to its record.
    assert len(sel(doc, "table.holdings tbody")) == 3
    record_links = [a.get("href") for a in sel(doc, "table.holdings td a")]
    assert record_links == ["/record/national-library:nl-778", "/record/vnu-library:vnu-5"]
    assert rows[0][5] == "Biểu ghi này" and rows[1][5] == "Truyện Kiều (2015)"


def test_a_hidden_records_copies_are_never_shown(client):
    text = page(client, f"/record/{KIEU}").text_content()
    assert SECRET not in text and "MẬT-01" not in text


def test_another_record_of_the_work_lists_its_own_copies_first(client):
    rows = table_rows(page(client, "/record/vnu-library:vnu-5"), "table.holdings")
    assert [r[0] for r in rows] == [VNU, HN, NL]
    assert rows[0][5] == "Biểu ghi này"


def test_the_availability_summary_counts_copies_per_library(client):
    doc = page(client, f"/record/{KIEU}")
    items = [li.text_content().split() for li in sel(doc, "ul.availability-summary__list li")]
    assert [" ".join(words) for words in items] == [
        f"{HN}: 1 bản có sẵn",
        f"{NL}: 1 bản đang cho mượn",
        f"{VNU}: 1 bản chỉ đọc tại chỗ",
    ]
    assert sel(doc, "a[href='#holdings-heading']")


def test_a_record_without_copies_says_so(own_app):
    doc = page(own_app.test_client(), "/record/lib-a:map")
    assert not sel(doc, "table.holdings") and not sel(doc, ".availability-summary")
    assert "Chưa thư viện nào báo có bản của tác phẩm này." in doc.text_content()


# --- F28: names in reading order, each call number once ------------------------------------


def test_vietnamese_names_read_in_direct_order_as_in_the_results(client):
    doc = page(client, "/record/vnu-library:vnu-thang-long")  # "Trần, Quốc Vượng"
    assert field_values(doc, "authors") == ["Trần Quốc Vượng"]
    link = sel(doc, ".record-description__item--authors a")[0]
    assert parse_qs(urlsplit(link.get("href")).query)["q"] == ['author:"Trần, Quốc Vượng"']
    assert field_values(page(client, "/record/vnu-library:vnu-les-mis"), "authors") == [
        "Victor Hugo"
    ]


def test_each_call_number_is_shown_once():
    assert distinct_call_numbers(["912.597", "912.597 BA-B", " 912.597  BA-B", "VV 1"]) == [
        "912.597 BA-B",
        "VV 1",
    ]
    assert distinct_call_numbers(["912.59", "912.597"]) == ["912.59", "912.597"]  # not a word


def test_the_page_shows_a_call_number_once(own_app):
    doc = page(own_app.test_client(), "/record/lib-a:map")
    assert field_values(doc, "call_numbers") == ["912.597 BA-B"]


# --- F4: Vietnamese data marked in the English UI ----------------------------------------


def langs(doc: lxml.html.HtmlElement, css: str) -> list[tuple[str, str | None]]:
    return [(e.text_content().strip(), e.get("lang")) for e in sel(doc, css)]


def test_vietnamese_data_is_marked_vi_in_the_english_ui(client):
    client.get("/?lang=en")
    doc = page(client, f"/record/{KIEU}")
    assert doc.get("lang") == "en"
    assert langs(doc, ".record-description__item--authors dd") == [("Nguyễn Du", "vi")]
    assert ("Văn học Việt Nam -- Thơ", "vi") in langs(doc, ".record-description__item--subjects dd")
    holdings = sel(doc, "table.holdings tbody tr")[0]
    assert holdings.xpath("./th")[0].get("lang") == "vi"  # the library
    assert holdings.xpath("./td")[0].get("lang") == "vi"  # the location
    assert langs(doc, ".availability-summary__library")[0] == (HN, "vi")
    # English data on an English page is left alone.
    tale = page(client, "/record/national-library:nl-tale")
    assert langs(tale, ".record-description__item--subjects dd") == [("Vietnamese poetry", None)]


def test_nothing_is_marked_in_the_vietnamese_ui(client):
    doc = page(client, f"/record/{KIEU}")
    marked = doc.xpath("//main//*[@lang]")
    assert all(e.tag == "h1" or e.get("lang") != "vi" for e in marked), [
        lxml.html.tostring(e)[:80] for e in marked
    ]


# --- F28: the raw record -------------------------------------------------------------------

MARCXML = (
    b'<record xmlns="http://www.openarchives.org/OAI/2.0/"><header><identifier>oai:x:1'
    b"</identifier></header><metadata><marc:record xmlns:marc="
    b'"http://www.loc.gov/MARC21/slim"><marc:leader>00000nam a2200000 a 4500</marc:leader>'
    b'<marc:controlfield tag="001">10002</marc:controlfield>'
    b'<marc:datafield tag="245" ind1="1" ind2=" "><marc:subfield code="a">B\xe1\xba\xa3n '
    b'\xc4\x91\xe1\xbb\x93 /</marc:subfield><marc:subfield code="c">&lt;b&gt;</marc:subfield>'
    b"</marc:datafield></marc:record></metadata></record>"
)


def test_xml_is_indented_and_marc_xml_becomes_a_field_table():
    text = pretty_xml(MARCXML)
    assert "\n  <header>" in text and "\n      <marc:controlfield" in text
    fields = [(f.tag, f.indicators, f.data, f.subfields) for f in marc_fields(MARCXML)]
    assert fields == [
        ("LDR", ("", ""), "00000nam a2200000 a 4500", []),
        ("001", ("", ""), "10002", []),
        ("245", ("1", "#"), "", [("a", "Bản đồ /"), ("c", "<b>")]),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
        b"<r><unclosed></r>",
        b"plain text",
    ],
)
def test_unsafe_or_broken_xml_is_shown_as_received(content):
    assert pretty_xml(content) == "" and marc_fields(content) == []


def test_the_raw_view_shows_the_table_and_the_indented_xml(own_app):
    client = own_app.test_client()
    log_in(own_app, client, "librarian")
    doc = page(client, "/record/lib-a:map/raw")
    rows = table_rows(doc, "table.marc-fields")
    assert ["245", "1", "#", "$a Bản đồ / $c <b>"] in rows
    assert all(th.get("scope") == "col" for th in sel(doc, "table.marc-fields thead th"))
    pre = sel(doc, "pre.raw-record")[-1].text_content()
    assert "\n  <header>" in pre and "&lt;b&gt;" in pre  # escaped once, as in the XML


# --- a catalogue of its own -------------------------------------------------------------------


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    record = Record(
        "lib-a",
        "map",
        title="Bản đồ thành Hà Nội",
        year=1873,
        format="map",
        languages=["vie"],
        call_numbers=["912.597 BA-B", "912.597"],
        holdings=[],
    )
    store.put_source(Source(key="lib-a", name="Thư viện A", type="marc", url="/dev/null"))
    run = store.start_run("lib-a", "full")
    store.save_items(run, "lib-a", [HarvestedItem("map", MARCXML, "marc21", record)])
    store.finish_run(run, "succeeded")
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield create_app(settings, store=store, index=index)
    store.close()


def _one_record(tmp_path, record: Record, library: str) -> tuple[FlaskClient, Store]:
    """A portal over a catalogue of one harvested record, its source named `library`."""
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    store.put_source(Source(key=record.source_key, name=library, type="marc", url="/dev/null"))
    run = store.start_run(record.source_key, "full")
    store.save_items(
        run, record.source_key, [HarvestedItem(record.local_id, b"", "marc21", record)]
    )
    store.finish_run(run, "succeeded")
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    return create_app(settings, store=store, index=index).test_client(), store


def test_a_summary_in_the_works_own_language_is_marked_so(tmp_path):
    """A French map's French summary is French on either page; a Vietnamese summary of
    a French book is Vietnamese (marked only on the English page)."""
    french = Record(
        "lib-f", "map", title="Plan de Hanoï", languages=["fre"], description="Échelle 1:5.000"
    )
    client, store = _one_record(tmp_path / "fr", french, "Thư viện F")
    for lang in ("vi", "en"):
        client.get(f"/?lang={lang}")
        assert langs(
            page(client, "/record/lib-f:map"), ".record-description__item--description dd"
        ) == [("Échelle 1:5.000", "fr")]
        hit = page(client, "/search?q=echelle").xpath("//p[@class='hit__snippet']")[0]
        assert hit.get("lang") == "fr"
    store.close()
    vietnamese = Record(
        "lib-g",
        "1",
        title="Les Misérables",
        languages=["fre"],
        description="Tiểu thuyết của Victor Hugo",
    )
    client, store = _one_record(tmp_path / "vi", vietnamese, "Thư viện G")
    summary = ".record-description__item--description dd"
    assert langs(page(client, "/record/lib-g:1"), summary) == [
        ("Tiểu thuyết của Victor Hugo", None)
    ]
    client.get("/?lang=en")
    assert langs(page(client, "/record/lib-g:1"), summary) == [
        ("Tiểu thuyết của Victor Hugo", "vi")
    ]
    store.close()


def test_holding_without_a_library_name_uses_the_source_name(tmp_path):
    record = Record("lib-b", "1", title="Sách", holdings=[Holding("", "Kho", "A1", "available")])
    client, store = _one_record(tmp_path, record, "Thư viện B")
    rows = table_rows(page(client, "/record/lib-b:1"), "table.holdings")
    assert rows[0][:3] == ["Thư viện B", "Kho", "A1"]
    store.close()


def test_a_copy_past_its_due_date_says_overdue(tmp_path):
    today = date.today()
    late = Holding("Thư viện C", "Kho", "A1", "on_loan", due=today - timedelta(days=1))
    soon = Holding("Thư viện C", "Kho", "A2", "on_loan", due=today + timedelta(days=14))
    record = Record("lib-c", "1", title="Sách", holdings=[late, soon])
    client, store = _one_record(tmp_path, record, "Thư viện C")
    doc = page(client, "/record/lib-c:1")
    cells = {row[2]: row[3] for row in table_rows(doc, "table.holdings")}
    assert cells["A1"].endswith("(quá hạn)")
    assert "quá hạn" not in cells["A2"] and "hạn trả" in cells["A2"]
    store.close()


def test_a_copy_on_loan_says_when_it_is_due_back(tmp_path):
    """Koha's date due (952 $q) reaches the holdings table and the API, dated."""
    on_loan = Holding("Thư viện C", "Kho", "A1", "on_loan", due=date(2026, 6, 13))
    record = Record("lib-c", "1", title="Sách", holdings=[on_loan, Holding("Thư viện C", "Kho")])
    client, store = _one_record(tmp_path, record, "Thư viện C")
    doc = page(client, "/record/lib-c:1")
    due = sel(doc, "table.holdings .holdings__due time")
    assert len(due) == 1 and due[0].get("datetime") == "2026-06-13"
    text = " ".join(sel(doc, ".holdings__due")[0].text_content().split())
    assert text == "hạn trả 13/6/2026"
    hit = client.get("/api/search?q=Sách").get_json()["hits"][0]
    assert sorted(h["due"] or "" for h in hit["holdings"]) == ["", "2026-06-13"]
    store.close()
