"""Browsing the catalogue: libraries and formats with counts, every value of a facet."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from indexer.text import vietnamese_sort_key
from tests.indexer.sample_records import SECRET
from tests.support.search_pages import api_facets, h1, page, text, total_of


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
