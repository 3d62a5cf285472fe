"""The home page: the search box, the libraries with their counts, recent records."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from portal import search as search_module
from tests.indexer.sample_records import HN, NL, SECRET, VNU
from tests.support.search_pages import api_facets, h1, page, text


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
