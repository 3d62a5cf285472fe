"""The record page as a reader (and a librarian) meets it: description, holdings, works,
JSON-LD, citations, the raw record, errors, both languages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import UserMixin
from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord

from catalogue import DigitalObject, Holding, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal import record as record_module
from portal.app import create_app
from portal.record import is_librarian
from portal.record_description import author_query, rights_label, subject_query
from portal.record_files import duration_text
from tests.indexer.sample_records import HN, KIEU_ISBN, NL, SECRET, VNU
from tests.portal.conftest import WITHDRAWN_ID
from tests.support import accounts

KIEU = "hanoi-library:hn-001"
TALE = "national-library:nl-tale"
HOSTILE = "</script><script>alert(1)</script>"
HIDDEN_C = "lib-c:c1"


_SIMPLE = re.compile(r"^([a-z0-9]*)(?:#([\w-]+))?(?:\.([\w-]+))?(?:\[(\w+)='([^']*)'\])?$")


def sel(element: lxml.html.HtmlElement, css: str) -> list[lxml.html.HtmlElement]:
    """Descendants matching a simple CSS selector ("table.holdings tbody th", "a[href='/']")."""
    path = "."
    for part in css.split():
        match = _SIMPLE.match(part)
        assert match, f"selector too fancy for this helper: {part!r}"
        tag, id_, cls, attr, value = match.groups()
        path += f"//{tag or '*'}"
        if id_:
            path += f"[@id='{id_}']"
        if cls:
            path += f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
        if attr:
            path += f"[@{attr}='{value}']"
    return element.xpath(path)


def page(client: FlaskClient, path: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return lxml.html.fromstring(response.get_data(as_text=True))


def field_values(doc: lxml.html.HtmlElement, name: str) -> list[str]:
    item = sel(doc, f".record-description__item--{name}")
    return [dd.text_content().strip() for dd in sel(item[0], "dd")] if item else []


def table_rows(doc: lxml.html.HtmlElement, css: str) -> list[list[str]]:
    table = sel(doc, css)[0]
    return [
        [cell.text_content().strip() for cell in row.xpath("./th|./td")]
        for row in sel(table, "tbody tr")
    ]


def json_ld(response_text: str) -> dict:
    doc = lxml.html.fromstring(response_text)
    scripts = doc.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


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


# --- languages -------------------------------------------------------------------------------


def test_labels_render_in_vietnamese_and_english(client):
    vi = page(client, f"/record/{KIEU}")
    vi_labels = [dt.text_content() for dt in sel(vi, "dt")]
    assert {"Tác giả", "Nhà xuất bản", "Chủ đề", "Tóm tắt"} <= set(vi_labels)
    assert sel(vi, "#holdings-heading")[0].text == "Nơi lưu giữ"
    client.get("/?lang=en")
    en = page(client, f"/record/{KIEU}")
    en_labels = [dt.text_content() for dt in sel(en, "dt")]
    assert {"Authors", "Publisher", "Subjects", "Summary"} <= set(en_labels)
    assert sel(en, "#holdings-heading")[0].text == "Holdings"
    assert field_values(en, "languages") == ["Vietnamese"]
    assert field_values(en, "format") == ["Book"]
    assert table_rows(en, "table.holdings")[0][3] == "Available"


def test_rights_statements_get_human_labels(app):
    with app.test_request_context("/"):
        inc = rights_label("http://rightsstatements.org/vocab/InC/1.0/")
        assert inc is not None and inc.href == "http://rightsstatements.org/vocab/InC/1.0/"
        assert inc.text == "Được bảo hộ quyền tác giả"
        cc = rights_label("https://creativecommons.org/licenses/by-nc-sa/4.0/")
        assert cc is not None
        assert cc.text == (
            "Creative Commons Ghi công – Phi thương mại – Chia sẻ tương tự 4.0 (CC BY-NC-SA 4.0)"
        )
        zero = rights_label("https://creativecommons.org/publicdomain/zero/1.0/")
        assert zero is not None and zero.text.startswith("CC0")
        other = rights_label("https://example.org/licence")
        assert other is not None and other.text == other.href == "https://example.org/licence"
        script = rights_label("javascript:alert(1)")
        assert script is not None and script.href == ""  # shown, never a link
        assert rights_label("") is None


def test_durations_read_like_a_player():
    assert duration_text(59.6) == "1:00"
    assert duration_text(3723) == "1:02:03"
    assert duration_text(None) == ""


# --- the raw record: librarians only -------------------------------------------------------


class StubUser(UserMixin):
    def __init__(self, role: str) -> None:
        self.id = role
        self.role = role
        self.username = f"test-{role}"
        self.display_name = self.name = self.username


def log_in(app: Flask, client: FlaskClient, role: str) -> None:
    """Log in a fresh account with this role, through the real log-in form."""
    response = accounts.log_in(client, accounts.make_user(app, role))
    assert response.status_code == 303


def test_is_librarian_checks_the_role():
    assert is_librarian(StubUser("librarian"))
    assert is_librarian(StubUser("admin"))
    assert not is_librarian(StubUser("reader"))
    anonymous = type("Anonymous", (), {"is_authenticated": False, "role": "librarian"})()
    assert not is_librarian(anonymous)
    assert not is_librarian(object())


def test_raw_view_sends_anonymous_users_to_log_in(client):
    response = client.get(f"/record/{KIEU}/raw")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert client.get(f"/record/{KIEU}/raw/download").status_code == 302
    doc = page(client, f"/record/{KIEU}")
    assert not sel(doc, f"a[href='/record/{KIEU}/raw']")


def test_raw_view_is_forbidden_to_readers(app, client):
    log_in(app, client, "reader")
    assert client.get(f"/record/{KIEU}/raw").status_code == 403
    assert not sel(page(client, f"/record/{KIEU}"), f"a[href='/record/{KIEU}/raw']")


@pytest.mark.parametrize("role", ["librarian", "admin"])
def test_raw_view_for_librarians(app, client, role):
    log_in(app, client, role)
    doc = page(client, f"/record/{KIEU}")
    assert sel(doc, f"a[href='/record/{KIEU}/raw']")
    response = client.get(f"/record/{KIEU}/raw")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<pre" in text and "&lt;record/&gt;" in text and "<record/>" not in text
    download = client.get(f"/record/{KIEU}/raw/download")
    assert download.status_code == 200
    assert download.get_data() == b"<record/>"
    assert download.mimetype == "application/xml"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="hanoi-library_hn-001.xml"'
    )


# --- a catalogue of its own: hostile data, work keys kept by the store, binary MARC ---------


def _marc(title: str) -> bytes:
    marc = MarcRecord(force_utf8=True)
    marc.add_field(Field(tag="001", data="evil-1"))
    marc.add_field(
        Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)])
    )
    return marc.as_marc()


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    when = datetime(2024, 5, 1, 8, 0)
    records = {
        "evil": [
            Record(
                "evil",
                "1",
                title=HOSTILE,
                subtitle="<img src=x onerror=alert(2)>",
                authors=['Nguyễn "Quote" Du'],
                year=2020,
                languages=["vie"],
                description="</script><!--",
                rights_statement="javascript:alert(3)",
                holdings=[Holding("Thư viện <b>Độc</b>", status="on_loan", status_read_at=when)],
                digital_objects=[
                    DigitalObject(
                        "audio", "https://x/1.mp3", label="Chương 1", bytes=1_500_000, duration=75
                    )
                ],
            )
        ],
        "lib-a": [Record("lib-a", "a1", title="Cùng một sách", isbns=["9780300040517"])],
        "lib-b": [Record("lib-b", "b1", title="Cùng một sách", isbns=["9780300040517"])],
        # Same work, hidden by the rules: never listed among the work's other records.
        "lib-c": [Record("lib-c", "c1", title="Cùng một sách", isbns=["9780300040517"])],
    }
    for key, recs in records.items():
        store.put_source(Source(key=key, name=f"Nguồn {key}", type="marc", url="/dev/null"))
        run = store.start_run(key, "full")
        items = [HarvestedItem(r.local_id, _marc(r.title), "marc21", r) for r in recs]
        store.save_items(run, key, items)
        store.finish_run(run, "succeeded")
    save_rule(
        store,
        LicenceRule(
            name="lib-c is restricted",
            conditions=Conditions(sources=("lib-c",)),
            outcomes=Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
        ),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)  # keeps each record's work key in the store too
    yield create_app(settings, store=store, index=index)
    store.close()


def test_hostile_title_cannot_break_out_of_json_ld(own_app):
    response = own_app.test_client().get("/record/evil:1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text
    assert text.count("</script>") == text.count("<script")  # no script closed early
    data = json_ld(text)
    assert data["name"] == HOSTILE
    assert data["alternativeHeadline"] == "<img src=x onerror=alert(2)>"
    assert data["description"] == "</script><!--"
    doc = lxml.html.fromstring(text)
    assert sel(doc, "h1")[0].text_content().startswith(HOSTILE)


def test_hostile_values_are_escaped_on_the_page(own_app):
    client = own_app.test_client()
    doc = page(client, "/record/evil:1")
    assert table_rows(doc, "table.holdings")[0][0] == "Thư viện <b>Độc</b>"
    rights = sel(doc, ".record-description__item--rights dd")[0]
    assert rights.text_content() == "javascript:alert(3)" and not sel(rights, "a")
    author = sel(doc, ".record-description__item--authors a")[0]
    assert parse_qs(urlsplit(author.get("href")).query)["q"] == ['author:"Nguyễn Quote Du"']
    ris = client.get("/record/evil:1/cite.ris").get_data(as_text=True)
    assert f"TI  - {HOSTILE}: <img src=x onerror=alert(2)>" in ris
    assert client.get("/record/evil:1/cite.ris").mimetype != "text/html"


def test_file_sizes_and_durations_are_localised(own_app):
    client = own_app.test_client()
    row = table_rows(page(client, "/record/evil:1"), "table.digital-files")[0]
    assert row == ["Chương 1", "Âm thanh", "1,5 MB", "1:15"]
    client.get("/?lang=en")
    row = table_rows(page(client, "/record/evil:1"), "table.digital-files")[0]
    assert row == ["Chương 1", "Audio", "1.5 MB", "1:15"]


def test_other_records_come_from_the_stores_work_keys_without_hidden_ones(own_app, monkeypatch):
    store = own_app.extensions["thuvien"].store
    keys = store.work_keys()
    assert keys["lib-a:a1"] == keys["lib-b:b1"] == keys[HIDDEN_C]  # one work, kept by sync

    def index_down(query):
        raise RuntimeError("index down")

    # The list needs no search index: the store has the keys, the policy the visibility.
    monkeypatch.setattr(own_app.extensions["thuvien"].index, "search", index_down)
    doc = page(own_app.test_client(), "/record/lib-a:a1")
    assert sel(doc, "h1")[0].text_content() == "Cùng một sách"
    assert [a.get("href") for a in sel(doc, "table.other-records a")] == ["/record/lib-b:b1"]
    assert table_rows(doc, "table.other-records")[0][1] == "Nguồn lib-b"  # no holdings: source


def test_binary_marc_is_shown_readably_to_librarians(own_app):
    client = own_app.test_client()
    log_in(own_app, client, "librarian")
    text = client.get("/record/evil:1/raw").get_data(as_text=True)
    assert HOSTILE not in text
    assert "\x1e" not in text and "␞" in text  # separators made visible, not raw controls
    doc = lxml.html.fromstring(text)
    rows = table_rows(doc, "table.marc-fields")  # VuFind's staff view: tag, ind., subfields
    assert rows[0][0] == "LDR"
    assert ["001", "", "", "evil-1"] in rows
    assert ["245", "1", "0", f"$a {HOSTILE}"] in rows
    download = client.get("/record/evil:1/raw/download")
    assert download.mimetype == "application/marc"
    assert download.get_data() == _marc(HOSTILE)
    assert download.headers["Content-Disposition"] == 'attachment; filename="evil_1.mrc"'
