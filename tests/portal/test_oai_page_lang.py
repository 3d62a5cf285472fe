"""The /oai page (what a browser gets) in the reader's UI language, and the XML (what a
harvester gets) the same bytes whatever that language is.

The page is made by portal/static/oai.xsl from the protocol's answer; the portal's
language switch (`?lang=` on any page, kept in the session) chooses its words.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from indexer.text import is_vietnamese
from portal.oai import PAGE_SIZE_CONFIG, STYLESHEET, as_page

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
OAI_NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
ERROR_CODES = (
    "badArgument",
    "badResumptionToken",
    "badVerb",
    "cannotDisseminateFormat",
    "idDoesNotExist",
    "noMetadataFormats",
    "noRecordsMatch",
    "noSetHierarchy",
)
VERBS = ("Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers", "ListRecords")
# UI words of the English page that must not be left on the Vietnamese one.
ENGLISH_UI = (
    "About this repository",
    "machine interface",
    "Response date",
    "home page",
    "Records",
    "Identifier",
    "Last changed",
    "Next page",
    "Items",
    "Error",
    "Details",
    "Metadata formats",
)


def _page(client: FlaskClient, query: str) -> lxml.html.HtmlElement:
    response = client.get(f"/oai?{query}", headers=BROWSER)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert {"Accept", "Cookie"} <= set(response.vary)  # the words follow the session
    return lxml.html.fromstring(response.data)


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _english_ui(page: lxml.html.HtmlElement) -> list[str]:
    """English UI words left on a page, outside what is marked English."""
    text = " ".join(page.xpath("//text()[not(ancestor::*[@lang='en'])]"))
    return [words for words in ENGLISH_UI if re.search(rf"\b{words}\b", text)]


def _count(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The paragraph under a list's heading that says which items the page shows."""
    (paragraph,) = page.xpath("//main/h2/following-sibling::p[1]")
    return paragraph


def _choose(client: FlaskClient, language: str) -> None:
    """The reader's choice, made the portal's way: the switch on any page."""
    assert client.get(f"/?lang={language}").status_code == 303


@pytest.fixture
def english(app: Flask) -> FlaskClient:
    client = app.test_client()
    _choose(client, "en")
    return client


def test_the_page_is_vietnamese_by_default(client: FlaskClient) -> None:
    page = _page(client, "verb=Identify")
    assert page.get("lang") == "vi"
    assert page.findtext("head/title") == "Identify – OAI-PMH – thuvien"
    (heading,) = page.iter("h1")
    assert _text(heading) == "OAI-PMH: Identify Giao diện thu thập siêu dữ liệu của thuvien"
    assert [_text(h) for h in page.iter("h2")] == ["Thông tin về kho dữ liệu"]
    assert page.find(".//nav").get("aria-label") == "Các yêu cầu OAI-PMH"
    verbs = [_text(li) for li in page.iterfind(".//nav/ul/li")]
    assert verbs[0] == "Identify – thông tin về kho dữ liệu"
    assert verbs[-1] == "ListRecords – các bản ghi kèm siêu dữ liệu"
    assert "Đây là giao diện dành cho phần mềm thu thập dữ liệu" in _text(page.find(".//main/p"))
    labels = [_text(dt) for dt in page.iter("dt")]
    assert labels[:2] == ["Tên kho (repositoryName)", "Địa chỉ gốc (baseURL)"]
    assert "Mô tả (description)" in labels
    # The repository describes itself in both languages: the English one is marked.
    descriptions = [dd for dd in page.iter("dd") if "thư viện" in dd.text_content().lower()]
    assert [dd.find("span") for dd in descriptions] == [None]  # Vietnamese on a Vietnamese page
    (english,) = page.xpath("//dd/span[@lang='en']")
    assert english.text == "The union catalogue of Hanoi's libraries"
    (home,) = page.xpath("//footer//a")
    assert (home.text, home.get("href")) == ("Trang chủ thuvien", "/")
    (switch,) = page.xpath("//header//a[@hreflang]")
    assert (switch.text, switch.get("lang"), switch.get("hreflang")) == ("English", "en", "en")
    assert switch.get("href") == "/oai?verb=Identify&lang=en"
    assert _english_ui(page) == []


def test_the_page_is_english_when_the_reader_chose_english(english: FlaskClient) -> None:
    page = _page(english, "verb=Identify")
    assert page.get("lang") == "en"
    (heading,) = page.iter("h1")
    assert _text(heading) == "OAI-PMH: Identify thuvien's metadata harvesting interface"
    assert [_text(h) for h in page.iter("h2")] == ["About this repository"]
    assert page.find(".//nav").get("aria-label") == "OAI-PMH requests"
    assert _text(page.find(".//nav/ul/li")) == "Identify – about this repository"
    labels = [_text(dt) for dt in page.iter("dt")]
    assert labels[:2] == ["Repository name (repositoryName)", "Base URL (baseURL)"]
    (vietnamese,) = page.xpath("//dd/span[@lang='vi']")  # now the Vietnamese one is marked
    assert vietnamese.text == "Mục lục liên hợp các thư viện Hà Nội"
    assert not page.xpath("//*[@lang='en' and not(self::html)]")
    (home,) = page.xpath("//footer//a")
    assert home.text == "thuvien home page"
    (switch,) = page.xpath("//header//a[@hreflang]")
    assert (switch.text, switch.get("lang"), switch.get("hreflang")) == ("Tiếng Việt", "vi", "vi")
    assert switch.get("href") == "/oai?verb=Identify&lang=vi"


def test_the_page_switches_language_with_its_own_link(client: FlaskClient) -> None:
    vietnamese = _page(client, "verb=ListSets")
    (switch,) = vietnamese.xpath("//header//a[@hreflang]")
    response = client.get(switch.get("href"), headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"] == "/oai?verb=ListSets"  # the same request, in English
    english = _page(client, "verb=ListSets")
    assert english.get("lang") == "en"
    assert [_text(h) for h in english.iter("h2")] == ["Sets"]
    (back,) = english.xpath("//header//a[@hreflang]")
    assert client.get(back.get("href"), headers=BROWSER).status_code == 303
    again = _page(client, "verb=ListSets")
    assert (again.get("lang"), [_text(h) for h in again.iter("h2")]) == ("vi", ["Tập hợp"])
    assert [_text(th) for th in again.iterfind(".//thead//th")] == ["Mã tập hợp", "Tên"]


def test_a_list_in_both_languages(app: Flask, client: FlaskClient, english: FlaskClient) -> None:
    app.config[PAGE_SIZE_CONFIG] = 10
    query = "verb=ListRecords&metadataPrefix=oai_dc"
    vietnamese = _page(client, query)
    headers = [_text(th) for th in vietnamese.iterfind(".//thead//th")]
    assert headers == ["Định danh", "Nhan đề", "Thay đổi lần cuối", "Tập hợp"]
    count = re.fullmatch(r"Bản ghi 1–10 trên tổng số (\d+)\.", _text(_count(vietnamese)))
    assert count and int(count.group(1)) > 10
    (next_page,) = [a for a in vietnamese.iter("a") if a.text == "Trang sau"]
    assert "resumptionToken=" in next_page.get("href")
    titles = {_text(td): td for td in vietnamese.xpath("//tbody/tr/td[1]")}
    assert "Truyện Kiều" in titles
    assert not vietnamese.xpath("//tbody//*[@lang]")  # catalogue text on a Vietnamese page
    assert _english_ui(vietnamese) == []

    page = _page(english, query)
    headers = [_text(th) for th in page.iterfind(".//thead//th")]
    assert headers == ["Identifier", "Title", "Last changed", "Sets"]
    assert _text(_count(page)) == f"Items 1–10 of {count.group(1)}."
    assert [a for a in page.iter("a") if a.text == "Next page"]
    marked = [span.text for span in page.xpath("//tbody/tr/td[1]/span[@lang='vi']")]
    assert "Truyện Kiều" in marked
    unmarked = [td.text for td in page.xpath("//tbody/tr/td[1][not(span)]") if td.text]
    assert unmarked and not [title for title in unmarked if is_vietnamese(title)]


def test_counts_are_written_as_the_reader_writes_numbers(app: Flask) -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b"<responseDate>2024-01-01T00:00:00Z</responseDate>"
        b'<request verb="ListIdentifiers" metadataPrefix="oai_dc">http://x/oai</request>'
        b"<ListIdentifiers><header><identifier>oai:x:1</identifier>"
        b"<datestamp>2024-01-01T00:00:00Z</datestamp></header>"
        b'<resumptionToken cursor="12000" completeListSize="12345">t</resumptionToken>'
        b"</ListIdentifiers></OAI-PMH>"
    )
    with app.test_request_context("/oai"):
        vietnamese = lxml.html.fromstring(as_page(body, "vi"))
        english = lxml.html.fromstring(as_page(body, "en"))
    assert "Bản ghi 12.001–12.001 trên tổng số 12.345." in _text(vietnamese)
    assert "Items 12,001–12,001 of 12,345." in _text(english)
    assert not vietnamese.xpath("//header//a[@hreflang]")  # no address given, no switch


def test_a_record_in_both_languages(client: FlaskClient, english: FlaskClient) -> None:
    query = "verb=GetRecord&metadataPrefix=marcxml&identifier=oai:thuvien:hanoi-library:hn-001"
    vietnamese = _page(client, query)
    assert [_text(dt) for dt in vietnamese.iter("dt")][:1] == ["Thay đổi lần cuối"]
    assert [_text(th) for th in vietnamese.iterfind(".//thead//th")] == ["Nhãn trường", "Giá trị"]
    assert not vietnamese.xpath("//main//*[@lang]")
    assert _english_ui(vietnamese) == []
    page = _page(english, query)
    assert [_text(th) for th in page.iterfind(".//thead//th")] == ["Tag", "Value"]
    assert "Truyện Kiều" in [span.text for span in page.xpath("//td/span[@lang='vi']")]
    query = "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:thuvien:hanoi-library:hn-001"
    labels = [_text(dt) for dt in _page(client, query).iter("dt")]
    assert {"Nhan đề (title)", "Tác giả (creator)", "Chủ đề (subject)"} <= set(labels)
    labels = [_text(dt) for dt in _page(english, query).iter("dt")]
    assert {"Title (title)", "Creator (creator)", "Subject (subject)"} <= set(labels)
    deleted = (
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:thuvien:hanoi-library:hn-withdrawn"
    )
    status = {_text(dt): _text(dt.getnext()) for dt in _page(client, deleted).iter("dt")}
    assert status["Trạng thái"] == "đã xóa"
    status = {_text(dt): _text(dt.getnext()) for dt in _page(english, deleted).iter("dt")}
    assert status["Status"] == "deleted"


ERRORS = {
    "verb=Nope": "badVerb",
    "verb=Identify&foo=1": "badArgument",
    "verb=ListRecords": "badArgument",
    "verb=ListRecords&resumptionToken=forged": "badResumptionToken",
    "verb=ListRecords&metadataPrefix=mods": "cannotDisseminateFormat",
    "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:thuvien:nope:1": "idDoesNotExist",
    "verb=ListRecords&metadataPrefix=oai_dc&from=1900-01-01&until=1900-01-02": "noRecordsMatch",
}


@pytest.mark.parametrize("query", ERRORS)
def test_error_pages_are_translated(client: FlaskClient, english: FlaskClient, query: str) -> None:
    code = ERRORS[query]
    vietnamese = _page(client, query)
    assert vietnamese.get("lang") == "vi"
    (box,) = vietnamese.xpath("//div[@class='error']")
    assert _text(box.find("h2")) == f"Lỗi: {code}"
    meaning, details = box.findall("p")
    assert is_vietnamese(_text(meaning))
    assert _text(details).startswith("Chi tiết: ")
    assert details.find("span").get("lang") == "en"  # the server's own words are English
    assert _english_ui(vietnamese) == []
    page = _page(english, query)
    (box,) = page.xpath("//div[@class='error']")
    assert _text(box.find("h2")) == f"Error: {code}"
    english_meaning, english_details = box.findall("p")
    assert _text(english_meaning) != _text(meaning) and not is_vietnamese(_text(english_meaning))
    assert _text(english_details) == _text(details).replace("Chi tiết: ", "Details: ")
    assert english_details.find("span") is None
    if code == "badVerb":
        assert vietnamese.findtext("head/title") == "Lỗi – OAI-PMH – thuvien"
        assert page.findtext("head/title") == "Error – OAI-PMH – thuvien"
        assert _text(meaning).startswith("Yêu cầu thiếu lệnh (verb)")
        assert _text(english_meaning).startswith("The request has no verb")


def test_every_text_of_the_page_is_written_in_both_languages(app: Flask) -> None:
    source = (app.static_folder and f"{app.static_folder}/{STYLESHEET}") or ""
    xsl = etree.parse(source, SAFE)
    strings = xsl.getroot().xpath(
        "//xsl:variable[@name='strings-tree']/s",
        namespaces={"xsl": "http://www.w3.org/1999/XSL/Transform"},
    )
    ids = [s.get("id") for s in strings]
    assert len(ids) == len(set(ids)), "an id defined twice"
    for s in strings:
        assert s.get("vi", "").strip() and s.get("en", "").strip(), s.get("id")
    expressions = " ".join(xsl.xpath("//@*"))  # select, test and {…} attributes
    used = set(re.findall(r"t:s\('([\w-]+)'\)", expressions))
    assert {"subtitle", "next-page", "home"} <= used
    wanted = used | {f"verb-{verb}" for verb in VERBS} | {f"error-{c}" for c in ERROR_CODES}
    assert wanted <= set(ids), wanted - set(ids)


def _same_second(clients: list[FlaskClient], query: str, headers: dict) -> list[bytes]:
    """The answers of every client, asked within one second (responseDate's precision)."""
    for _ in range(5):
        bodies = []
        for client in clients:
            response = client.get(f"/oai?{query}", headers=headers)
            assert response.status_code == 200
            assert response.content_type == "text/xml; charset=utf-8"
            assert "Set-Cookie" not in response.headers
            bodies.append(response.data)
        dates = {
            etree.fromstring(b, SAFE).findtext("o:responseDate", namespaces=OAI_NS) for b in bodies
        }
        if len(dates) == 1:
            return bodies
    pytest.fail("no two answers within one second")


@pytest.mark.parametrize(
    "query",
    [
        "verb=Identify",
        "verb=ListSets",
        "verb=ListRecords&metadataPrefix=oai_dc",
        "verb=GetRecord&metadataPrefix=marcxml&identifier=oai:thuvien:hanoi-library:hn-001",
        "verb=Nope",
        "verb=Identify&foo=1",
    ],
)
def test_harvesters_get_the_same_bytes_whatever_the_language(
    app: Flask, client: FlaskClient, english: FlaskClient, query: str
) -> None:
    vietnamese = app.test_client()
    _choose(vietnamese, "vi")
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/xml"}):
        bodies = _same_second([client, english, vietnamese], query, headers)
        assert bodies[0] == bodies[1] == bodies[2]


def test_a_lang_argument_is_a_bad_argument_for_harvesters(client: FlaskClient) -> None:
    """`lang` is the portal's switch for people; OAI-PMH has no such argument, and a
    harvester sending it must be told so, not redirected (nor given a session)."""
    harvester = {"Accept": "*/*"}
    by_get = client.get("/oai?verb=Identify&lang=en", headers=harvester)
    by_post = client.post("/oai", data={"verb": "Identify", "lang": "en"}, headers=harvester)
    for response in (by_get, by_post):
        assert response.status_code == 200, response.request.method
        assert "Set-Cookie" not in response.headers, response.request.method
        root = etree.fromstring(response.data, SAFE)
        assert [e.get("code") for e in root.iterfind("o:error", OAI_NS)] == ["badArgument"]
    page = _page(client, "verb=Identify")
    assert page.get("lang") == "vi"  # the harvester's `lang` chose nothing


def test_the_switch_keeps_the_portal_under_a_path_prefix(client: FlaskClient) -> None:
    prefix = {"SCRIPT_NAME": "/thuvien"}
    response = client.get("/oai?verb=ListSets", headers=BROWSER, environ_overrides=prefix)
    page = lxml.html.fromstring(response.data)
    (switch,) = page.xpath("//header//a[@hreflang]")
    assert switch.get("href") == "/thuvien/oai?verb=ListSets&lang=en"
    (home,) = page.xpath("//footer//a")
    assert home.get("href") == "/thuvien/"
