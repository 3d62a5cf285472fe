"""The record page's permalink, its JSON-LD, and the citation downloads (RIS, BibTeX, CSL)."""

from __future__ import annotations

import pytest

from tests.indexer.sample_records import KIEU_ISBN
from tests.support.record_pages import KIEU, json_ld, page, sel

# --- permalink and JSON-LD -------------------------------------------------------------------


def test_permalink_is_canonical_and_visible(client):
    doc = page(client, f"/record/{KIEU}")
    canonical = doc.xpath('//link[@rel="canonical"]')[0].get("href")
    assert canonical == f"http://localhost/record/{KIEU}"
    assert sel(doc, "a.permalink")[0].get("href") == canonical
    assert sel(doc, "a.permalink")[0].text_content() == canonical


def test_json_ld_parses_and_describes_the_record(client):
    data = json_ld(client.get(f"/record/{KIEU}").get_data(as_text=True))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Book"
    assert data["name"] == "Truyện Kiều"
    assert data["author"] == [{"@type": "Person", "name": "Nguyễn Du"}]
    assert data["datePublished"] == "2015"
    assert data["inLanguage"] == "vi"
    assert data["isbn"] == KIEU_ISBN
    assert data["url"] == f"http://localhost/record/{KIEU}"
    audiobook = json_ld(client.get("/record/hanoi-library:hn-so-do").get_data(as_text=True))
    assert audiobook["@type"] == "Audiobook"


# --- citations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ext", "media_type", "expected"),
    [
        ("ris", "application/x-research-info-systems", "TY  - BOOK"),
        ("bib", "application/x-bibtex", "@book{nguyen2015truyen,"),
        ("json", "application/vnd.citationstyles.csl+json", '"type": "book"'),
    ],
)
def test_citation_downloads(client, ext, media_type, expected):
    response = client.get(f"/record/{KIEU}/cite.{ext}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="hanoi-library_hn-001.{ext}"'
    )
    body = response.get_data()
    assert "Truyện Kiều".encode() in body and "Nguyễn Du".encode() in body
    assert expected in body.decode("utf-8")
    assert f"http://localhost/record/{KIEU}".encode() in body


def test_the_page_links_to_each_citation_format_and_shows_a_citation(client):
    doc = page(client, f"/record/{KIEU}")
    hrefs = {a.get("href") for a in sel(doc, ".record-links a")}
    assert {f"/record/{KIEU}/cite.{ext}" for ext in ("ris", "bib", "json")} <= hrefs
    citation = sel(doc, ".citation")[0]
    assert citation.text_content() == "Nguyễn Du (2015). Truyện Kiều. Nhà xuất bản Văn học."
    assert sel(citation, "i")[0].text == "Truyện Kiều"
