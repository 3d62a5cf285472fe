"""F14: every copy on a record page links to its own library's catalogue (OPAC), built from
the record URL template of the source the copy's record came from, with the values
percent-encoded; no link where a source has no template."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask

from catalogue import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.support.record_pages import page, sel, table_rows

HN_OPAC = "https://opac.thuvienhanoi.example/cgi-bin/koha/opac-detail.pl?biblionumber={local_id}"
NL_OPAC = "http://opac.nlv.example/item?bib={local_id}&barcode={barcode}"
ISBN = "9786049690012"


@dataclass
class Site:
    app: Flask
    store: Store


def save(store: Store, source: Source, record: Record) -> None:
    store.put_source(source)
    run = store.start_run(source.key, "full")
    store.save_items(run, source.key, [HarvestedItem(record.local_id, b"", "marc21", record)])
    store.finish_run(run, "succeeded")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """One work held by three libraries: Koha (a record link), another OPAC (a copy link
    by barcode, and a local id that needs escaping) and one without a template."""
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    work = {"title": "Số đỏ", "authors": ["Vũ Trọng Phụng"], "year": 1936, "isbns": [ISBN]}
    save(
        store,
        Source("hn", "Thư viện Hà Nội", "marc", "/dev/null", opac_url=HN_OPAC),
        Record("hn", "10037", **work, holdings=[Holding("Thư viện Hà Nội", "Kho mở", "A1")]),
    )
    save(
        store,
        Source("nl", "Thư viện Quốc gia", "marc", "/dev/null", opac_url=NL_OPAC),
        Record(
            "nl",
            "NL 77&admin=1",
            **work,
            holdings=[
                Holding("Thư viện Quốc gia", "Kho đọc", "VV 1", barcode="NL/0001 A"),
                Holding("Thư viện Quốc gia", "Kho đọc", "VV 2"),  # no barcode: no link
            ],
        ),
    )
    save(
        store,
        Source("dh", "Thư viện Đại học", "marc", "/dev/null"),
        Record("dh", "5", **work, holdings=[Holding("Thư viện Đại học", "Phòng đọc", "B1")]),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield Site(create_app(settings, store=store, index=index), store)
    store.close()


def opac_cells(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Each copy's status cell, where its link to the library's catalogue stands."""
    return [row.xpath("./td")[2] for row in sel(doc, "table.holdings tbody tr")]


def test_each_copy_links_to_its_own_sources_catalogue(site: Site):
    doc = page(site.app.test_client(), "/record/hn:10037")
    rows = table_rows(doc, "table.holdings")
    assert [(r[0], r[2]) for r in rows] == [
        ("Thư viện Hà Nội", "A1"),
        ("Thư viện Quốc gia", "VV 1"),
        ("Thư viện Quốc gia", "VV 2"),
        ("Thư viện Đại học", "B1"),
    ]
    headers = [th.text_content().strip() for th in sel(doc, "table.holdings thead th")]
    assert headers[3] == "Tình trạng"  # the link stands beside the copy's status
    links = [cell.xpath(".//a") for cell in opac_cells(doc)]
    assert [len(found) for found in links] == [1, 1, 0, 0]
    hanoi, national = links[0][0], links[1][0]
    assert hanoi.get("href") == (
        "https://opac.thuvienhanoi.example/cgi-bin/koha/opac-detail.pl?biblionumber=10037"
    )
    # The other record's copy goes to ITS library's catalogue, with its own id and barcode,
    # percent-encoded: the '&admin=1' in the id stays inside the bib value.
    href = national.get("href")
    assert href == "http://opac.nlv.example/item?bib=NL%2077%26admin%3D1&barcode=NL%2F0001%20A"
    assert parse_qs(urlsplit(href).query) == {"bib": ["NL 77&admin=1"], "barcode": ["NL/0001 A"]}


def test_the_link_names_the_library_and_says_it_leaves_thuvien(site: Site):
    doc = page(site.app.test_client(), "/record/hn:10037")
    link = sel(doc, "a.holdings__opac")[0]
    name = " ".join(link.text_content().split())
    assert name == "Xem tại Thư viện Hà Nội (trang web của thư viện)"
    assert link.get("target") is None  # the same tab


def test_the_english_page_marks_the_library_name_vietnamese(site: Site):
    client = site.app.test_client()
    client.get("/?lang=en")
    doc = page(client, "/record/nl:NL%2077%26admin=1")
    link = sel(doc, "a.holdings__opac")[0]
    assert " ".join(link.text_content().split()) == (
        "View at Thư viện Quốc gia (the library's website)"
    )
    assert link.xpath("./span[@lang='vi']")[0].text == "Thư viện Quốc gia"
    # This record's page lists its own copies first, the Hanoi copy links to Hanoi.
    hrefs = [a.get("href") for a in sel(doc, "a.holdings__opac")]
    assert hrefs[-1].startswith("https://opac.thuvienhanoi.example/")


def test_no_template_no_link(site: Site):
    for key in ("hn", "nl"):
        source = site.store.get_source(key)
        source.opac_url = ""
        site.store.put_source(source)
    doc = page(site.app.test_client(), "/record/dh:5")
    assert not sel(doc, "a.holdings__opac")
    headers = [th.text_content().strip() for th in sel(doc, "table.holdings thead th")]
    assert all(len(r) == len(headers) for r in table_rows(doc, "table.holdings"))


def test_a_deleted_source_gives_no_link(site: Site):
    site.store.delete_source("nl")
    doc = page(site.app.test_client(), "/record/hn:10037")
    hrefs = [a.get("href") for a in sel(doc, "a.holdings__opac")]
    assert len(hrefs) == 1 and "biblionumber=10037" in hrefs[0]
