"""The subject facet as a reader meets it: one checkbox per heading part, not per heading.

Over the sample Hanoi catalogue, where "Hà Nội -- Lịch sử" and "Việt Nam -- Lịch sử" are
two headings sharing the subdivision "Lịch sử": the facet offers "Lịch sử" once, ticking
it finds the works of both, and the record page still links the whole heading.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.support.search_pages import api_facets, hit_titles, page, total_of

HISTORY_WORKS = {"Thăng Long ngàn năm văn hiến", "Đại Việt sử ký toàn thư", "Lịch sử Việt Nam"}


def test_the_facet_counts_heading_parts(client):
    subjects = api_facets(client, q="", facet="subject")["subject"]
    assert subjects["Lịch sử"] == len(HISTORY_WORKS)
    assert subjects["Hà Nội"] == 2  # "Hà Nội -- Văn hóa" and "Hà Nội -- Lịch sử"
    assert subjects["Văn hóa"] == 1 and subjects["Phố cổ"] == 1
    assert not [value for value in subjects if " -- " in value]


def test_ticking_a_subdivision_finds_every_heading_with_it(client):
    doc = page(client, "/search", q="")
    box = doc.xpath("//input[@name='f.subject'][@value='Lịch sử']")
    assert len(box) == 1, "one checkbox for the subdivision"
    label = doc.xpath(f"//label[@for='{box[0].get('id')}']")[0]
    assert "Lịch sử" in label.text_content()

    results = page(client, "/search", q="", **{"f.subject": "Lịch sử"})
    assert set(hit_titles(results)) == HISTORY_WORKS
    assert total_of(results) == len(HISTORY_WORKS)
    api = client.get("/api/search", query_string={"f.subject": "Lịch sử"}).get_json()
    assert api["total"] == len(HISTORY_WORKS)


def test_the_record_page_links_the_whole_heading_and_it_finds_the_record(client):
    doc = page(client, "/record/vnu-library:vnu-thang-long")
    links = doc.xpath("//*[contains(@class,'record-description__item--subjects')]//a")
    hrefs = [link.get("href") for link in links]
    assert [parse_qs(urlsplit(h).query)["q"] for h in hrefs] == [['subject:"Hà Nội -- Lịch sử"']]
    assert hit_titles(page(client, hrefs[0])) == ["Thăng Long ngàn năm văn hiến"]
    assert set(hit_titles(page(client, "/search", q='subject:"Lịch sử"'))) == HISTORY_WORKS


def test_the_api_answers_a_whole_heading_filter_by_its_parts(client):
    old = client.get("/api/search", query_string={"f.subject": "Hà Nội -- Lịch sử"}).get_json()
    assert old["query"]["filters"] == {"subject": ["Hà Nội", "Lịch sử"]}
    assert [hit["title"] for hit in old["hits"]] == ["Thăng Long ngàn năm văn hiến"]
