"""/oai for people: harvesters get XML, browsers a page made by static/oai.xsl."""

from __future__ import annotations

import lxml.html
import requests
from lxml import etree
from sickle import Sickle

from tests.support.oai_catalogue import NS, SAFE

# --- for people: a page rendered by the stylesheet ---------------------------------------

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _page(url: str, **params: str) -> lxml.html.HtmlElement:
    """An /oai response as a browser gets it: a page made by static/oai.xsl."""
    response = requests.get(url, params=params, headers=BROWSER, timeout=10)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.text.startswith("<!DOCTYPE html") and response.text.count("<!DOCTYPE") == 1
    return lxml.html.fromstring(response.content)


def test_harvesters_get_xml_and_browsers_a_page(oai):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/xml"}, {"Accept": "application/xml"}):
        response = requests.get(oai.url, params={"verb": "Identify"}, headers=headers, timeout=10)
        assert response.headers["Content-Type"].startswith("text/xml"), headers
        assert b"xml-stylesheet" not in response.content  # nothing for the browser to do
        etree.fromstring(response.content, SAFE)
    assert list(Sickle(oai.url).ListSets())  # sickle's own requests: XML
    assert _page(oai.url, verb="Identify").tag == "html"


def test_the_page_for_identify(oai):
    page = _page(oai.url, verb="Identify")
    assert page.get("lang") == "vi"  # the UI's default language (test_oai_page_lang.py)
    assert "Identify" in page.findtext("head/title")
    assert page.find("head/meta[@name='viewport']") is not None
    (heading,) = page.iter("h1")
    assert "Identify" in heading.text_content()
    assert heading.find("span").text == "Giao diện thu thập siêu dữ liệu của thuvien"
    links = {a.text: a.get("href") for a in page.iter("a")}
    assert links["ListSets"] == f"{oai.url}?verb=ListSets"
    assert requests.get(links["ListSets"], timeout=10).status_code == 200
    descriptions = [dd for dd in page.iter("dd") if "thư viện" in dd.text_content()]
    assert [dd.text_content() for dd in descriptions] == ["Mục lục liên hợp các thư viện Hà Nội"]
    assert descriptions[0].find("span") is None  # Vietnamese on a Vietnamese page: unmarked
    assert [h.tag for h in page.iter("h1", "h2", "h3")][:2] == ["h1", "h2"]
    assert links["Trang chủ thuvien"] == "/"
    assert links["English"] == "/oai?verb=Identify&lang=en"


def test_the_page_for_a_list_shows_its_progress_and_next_page(oai):
    page = _page(oai.url, verb="ListRecords", metadataPrefix="oai_dc")
    (table,) = page.iter("table")
    rows = table.findall("tbody/tr")
    assert len(rows) == 100
    assert [th.text for th in table.findall("thead/tr/th")] == [
        "Định danh", "Nhan đề", "Thay đổi lần cuối", "Tập hợp",
    ]  # fmt: skip
    first = rows[0].find("th/a")
    title = rows[0].find("td")
    assert title.text.startswith("Sách số") and title.find("span") is None
    record = etree.fromstring(requests.get(first.get("href"), timeout=10).content, SAFE)
    assert record.findtext(".//o:identifier", namespaces=NS) == first.text
    assert "Bản ghi 1–100 trên tổng số 256." in page.text_content()
    (next_link,) = [a for a in page.iter("a") if a.text == "Trang sau"]
    second = etree.fromstring(requests.get(next_link.get("href"), timeout=10).content, SAFE)
    assert second.find(".//o:resumptionToken", NS).get("cursor") == "100"
    assert "Bản ghi 101–200 trên tổng số 256." in _page(next_link.get("href")).text_content()
    errors = _page(oai.url, verb="Nope")
    assert "badVerb" in errors.text_content()
