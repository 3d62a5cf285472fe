"""L3: the library pages are reachable from the interface. /browse links each list's own
page under its heading, the home page links the libraries' page, and a record's holdings
link each library to its entry on /browse/library (address, hours), whose `id` is the
library's source key (or, for a library no source feeds, a slug of its name)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.record import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import KEY_PATTERN, Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from portal.library_profiles import library_anchor, library_anchors
from tests.indexer.sample_records import HN, NL, VNU
from tests.support.record_pages import KIEU
from tests.support.search_pages import english, text

ALL = {
    "vi": {
        "library": "Xem thông tin các thư viện: địa chỉ, giờ mở cửa",
        "collection": "Tất cả bộ sưu tập",
        "format": "Tất cả loại tài liệu",
        "language": "Tất cả ngôn ngữ",
        "subject": "Tất cả chủ đề",
    },
    "en": {
        "library": "All libraries: addresses and opening hours",
        "collection": "All collections",
        "format": "All formats",
        "language": "All languages",
        "subject": "All subjects",
    },
}
HANOI = "Thư viện Hà Nội"
PROVINCE = "Thư viện tỉnh Bắc Ninh"  # named on a holding, fed by no source


def _doc(client: FlaskClient, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return lxml.html.fromstring(response.get_data(as_text=True))


def _in(client: FlaskClient, lang: str) -> FlaskClient:
    return english(client) if lang == "en" else client


def _entries(doc: lxml.html.HtmlElement) -> dict[str, str]:
    """/browse/library: library name -> the id of its entry."""
    return {
        text(li.xpath("h2")[0]): li.get("id")
        for li in doc.xpath("//main//ul[@class='library-list']/li")
    }


def _library_links(doc: lxml.html.HtmlElement) -> dict[str, set[str]]:
    """A record page's links to /browse/library: where they are -> their hrefs."""
    where = {
        "summary": "//ul[contains(@class,'availability-summary__list')]//a",
        "holdings": "//table[contains(@class,'holdings')]//th[@scope='row']/a",
    }
    found: dict[str, set[str]] = {}
    for name, path in where.items():
        for a in doc.xpath(path):
            found.setdefault(name, set()).add((text(a), a.get("href")))
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_browse_links_each_lists_own_page_under_its_heading(client, lang):
    doc = _doc(_in(client, lang), "/browse")
    sections = doc.xpath("//section[contains(@class,'browse-section')]")
    assert len(sections) == len(ALL[lang])
    for section in sections:
        facet = section.get("aria-labelledby").removeprefix("browse-")
        heading = section.xpath("h2")[0]
        after = heading.getnext()  # right under the heading, before the table
        assert after.tag == "p", lxml.html.tostring(section)[:300]
        (link,) = after.xpath("a")
        assert text(link) == ALL[lang][facet]
        assert link.get("href") == f"/browse/{facet}"
        # The page it names is there, headed as the section is.
        target = _doc(client, link.get("href"))
        assert text(target.xpath("//h1")[0]) == text(heading)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_home_pages_libraries_link_the_libraries_page(client, lang):
    doc = _doc(_in(client, lang), "/")
    section = doc.xpath("//section[@aria-labelledby='libraries-heading']")[0]
    links = [a for a in section.xpath(".//a") if a.get("href") == "/browse/library"]
    assert [text(a) for a in links] == [ALL[lang]["library"]]
    assert set(_entries(_doc(client, "/browse/library"))) == {HN, NL, VNU}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_records_libraries_link_their_entries_on_the_libraries_page(client, lang):
    record = _doc(_in(client, lang), f"/record/{KIEU}")
    found = _library_links(record)
    assert set(found) == {"summary", "holdings"}
    entries = _entries(_doc(client, "/browse/library"))
    names = set()
    for links in found.values():
        for name, href in links:
            url = urlsplit(href)
            assert url.path == "/browse/library" and url.fragment
            assert entries[name] == url.fragment  # lands on that library's entry
            names.add(name)
    assert {HN, NL} <= names  # the work's copies in several libraries
    assert {name for name, _href in found["summary"]} == names


def test_every_library_entry_has_its_own_id(client):
    ids = list(_entries(_doc(client, "/browse/library")).values())
    assert all(ids) and len(set(ids)) == len(ids)


def test_anchors_are_source_keys_or_slugs_that_never_clash_with_one():
    sources = [
        Source("thu-vien-ha-noi", HANOI, "oai", "http://127.0.0.1:1/oai"),
        Source("z-export", HANOI, "marc", "/srv/z.mrc"),  # the same library: the first key names it
    ]
    anchors = library_anchors(sources)
    assert library_anchor(anchors, HANOI) == "thu-vien-ha-noi"
    assert library_anchor(anchors, "z-export") == "z-export"
    province = library_anchor(anchors, PROVINCE)
    assert province.startswith("thu-vien-tinh-bac-ninh.")
    assert not KEY_PATTERN.match(province)
    assert library_anchor(anchors, PROVINCE) == province  # stable
    # Names that fold alike are still told apart.
    assert library_anchor({}, "Thư viện Hà Nội") != library_anchor({}, "Thu vien Ha Noi")


@pytest.fixture(scope="module")
def named_libraries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A library fed by a source named as readers know it, and one only named on a copy."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("library-links"))
    store = Store(settings.db_url)
    source = Source(
        "thu-vien-ha-noi", HANOI, "oai", "http://127.0.0.1:1/oai", address="47 Bà Triệu"
    )
    store.put_source(source)
    kieu = Record(
        "thu-vien-ha-noi", "1", title="Truyện Kiều", holdings=[Holding(HANOI), Holding(PROVINCE)]
    )
    run = store.start_run(source.key, "full")
    store.save_items(run, source.key, [HarvestedItem("1", b"<record/>", "oai_dc", kieu)])
    store.finish_run(run, "succeeded")
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield create_app(settings, store=store, index=index)
    store.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_holdings_link_the_source_key_anchor_and_the_slug(named_libraries, lang):
    client = _in(named_libraries.test_client(), lang)
    entries = _entries(_doc(client, "/browse/library"))
    assert entries[HANOI] == "thu-vien-ha-noi"
    assert entries[PROVINCE].startswith("thu-vien-tinh-bac-ninh.")
    found = _library_links(_doc(client, "/record/thu-vien-ha-noi:1"))
    expected = {(name, f"/browse/library#{entries[name]}") for name in (HANOI, PROVINCE)}
    assert found["holdings"] == expected
    assert found["summary"] == expected
    # The entry the link lands on is the one with the address.
    doc = _doc(client, "/browse/library")
    (entry,) = doc.xpath("//li[@id='thu-vien-ha-noi']")
    assert "47 Bà Triệu" in text(entry)


def test_every_library_is_on_one_page_so_its_anchor_is_found(client, monkeypatch):
    # With one value a page, formats page through, but the libraries never do: a record's
    # holdings link /browse/library#<anchor>, which must be on that one page.
    monkeypatch.setattr("portal.search_browse.BROWSE_PER_PAGE", 1)
    formats = lxml.html.fromstring(client.get("/browse/format").get_data(as_text=True))
    assert formats.xpath("//nav[@class='paging']//a[@rel='next']")
    libraries = _doc(client, "/browse/library")
    assert not libraries.xpath("//nav[@class='paging']")
    assert {HN, NL, VNU} <= set(_entries(libraries))  # every library, each with its id
