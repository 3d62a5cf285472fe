"""/browse/library tells a reader, per library, what they need to choose where to go:
its address, opening hours, website, contact (from its source's profile) and when its
records were last updated here (its latest successful harvest). A library with no
profile, or none of whose sources has succeeded yet, still lists its name and works."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from catalogue.record import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import HarvestRunRow
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from portal.library_profiles import LibraryProfile, library_profiles, profile_for

HANOI = "Thư viện Hà Nội"
DISTRICT = "Thư viện Quận Hoàn Kiếm"
PROVINCE = "Thư viện tỉnh Bắc Ninh"  # named on a holding, fed by no source
HANOI_PROFILE = {
    "website": "https://thuvienhanoi.example.vn/",
    "address": "47 Bà Triệu, Hoàn Kiếm, Hà Nội",
    "hours": "Thứ Hai – Thứ Sáu: 8:00 – 20:00\nThứ Bảy: 8:00 – 17:00",
    "contact": "024 0000 0000 · <b>hoi@thuvienhanoi.example.vn</b>",
}
SUCCEEDED_AT = datetime(2025, 4, 5, 3, 0, tzinfo=UTC)  # 10:00 in Hanoi, the same day


@dataclass
class Libraries:
    store: Store
    app: Flask


def _harvest(store: Store, source: Source, records: list[Record], status: str) -> int:
    run = store.start_run(source.key, "full")
    items = [HarvestedItem(r.local_id, b"<record/>", "oai_dc", r) for r in records]
    store.save_items(run, source.key, items)
    store.finish_run(run, status, "" if status == "succeeded" else "the server went away")
    return run


def _finished_at(store: Store, run: int, when: datetime) -> None:
    with store.session() as s:
        s.execute(update(HarvestRunRow).where(HarvestRunRow.id == run).values(finished_at=when))


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Libraries]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("libraries"))
    store = Store(settings.db_url)
    hanoi = Source("thu-vien-ha-noi", HANOI, "oai", "http://127.0.0.1:1/oai", **HANOI_PROFILE)
    district = Source("thu-vien-hoan-kiem", DISTRICT, "marc", "/srv/hk.mrc")
    for source in (hanoi, district):
        store.put_source(source)
    kieu = Record(
        "thu-vien-ha-noi",
        "1",
        title="Truyện Kiều",
        languages=["vie"],
        holdings=[Holding(HANOI), Holding(PROVINCE)],
    )
    chi_pheo = Record("thu-vien-ha-noi", "2", title="Chí Phèo", holdings=[Holding(HANOI)])
    succeeded = _harvest(store, hanoi, [kieu, chi_pheo], "succeeded")
    _finished_at(store, succeeded, SUCCEEDED_AT)
    _harvest(store, hanoi, [], "failed")  # later, but not a successful update
    tat_den = Record("thu-vien-hoan-kiem", "9", title="Tắt đèn", holdings=[Holding(DISTRICT)])
    _harvest(store, district, [tat_den], "failed")  # its records kept, never succeeded
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield Libraries(store, create_app(settings, store=store, index=index))
    store.close()


def _page(client: FlaskClient, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return lxml.html.fromstring(response.get_data(as_text=True))


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _entry(doc: lxml.html.HtmlElement, library: str) -> lxml.html.HtmlElement:
    (item,) = [li for li in doc.xpath("//main//ul[@class='library-list']/li") if
               _text(li.xpath("h2")[0]) == library]  # fmt: skip
    return item


def _facts(item: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    """dt text -> its dd, each pair in its own div of the description list."""
    return {_text(div.xpath("dt")[0]): div.xpath("dd")[0] for div in item.xpath("dl/div")}


def test_a_library_shows_its_address_hours_website_contact_and_last_update(libraries):
    client = libraries.app.test_client()
    doc = _page(client, "/browse/library")
    assert [_text(h) for h in doc.xpath("//h1")] == ["Các thư viện"]
    hanoi = _entry(doc, HANOI)
    link = hanoi.xpath("h2/a")[0]
    assert parse_qs(urlsplit(link.get("href")).query) == {"f.library": [HANOI]}
    assert _text(hanoi.xpath("p[@class='library-count']")[0]) == "2 tác phẩm"
    facts = _facts(hanoi)
    assert list(facts) == [
        "Địa chỉ",
        "Giờ mở cửa",
        "Trang web",
        "Liên hệ",
        "Biểu ghi cập nhật lần cuối",
    ]
    assert _text(facts["Địa chỉ"]) == "47 Bà Triệu, Hoàn Kiếm, Hà Nội"
    hours = facts["Giờ mở cửa"]
    assert len(hours.xpath("br")) == 1  # one line a group of days
    assert [t for t in hours.itertext() if t.strip()] == HANOI_PROFILE["hours"].splitlines()
    (website,) = facts["Trang web"].xpath("a")
    assert website.get("href") == "https://thuvienhanoi.example.vn/"
    assert website.get("target") is None  # opens where the reader is
    # The visible text leads its accessible name, which says whose website it is.
    assert _text(website) == "thuvienhanoi.example.vn (trang web của Thư viện Hà Nội)"
    assert _text(website.xpath("span[@class='visually-hidden']")[0]).startswith("(trang web")
    contact = facts["Liên hệ"]
    assert _text(contact) == HANOI_PROFILE["contact"]  # as text: no markup gets in
    assert not contact.xpath(".//b")
    mail = contact.xpath(".//a")  # an e-mail address is a link to write to it
    assert [(a.get("href"), a.text) for a in mail] == [
        ("mailto:hoi@thuvienhanoi.example.vn", "hoi@thuvienhanoi.example.vn")
    ]
    (when,) = facts["Biểu ghi cập nhật lần cuối"].xpath("time")
    # The successful run's day, not the later failed run's.
    assert _text(when) == "5/4/2025"
    assert datetime.fromisoformat(when.get("datetime")) == SUCCEEDED_AT


def test_in_english_the_labels_and_date_are_english_and_the_data_is_marked_vietnamese(libraries):
    client = libraries.app.test_client()
    client.get("/?lang=en")
    doc = _page(client, "/browse/library")
    assert doc.get("lang") == "en"
    facts = _facts(_entry(doc, HANOI))
    assert list(facts) == ["Address", "Opening hours", "Website", "Contact", "Records last updated"]
    assert [s.get("lang") for s in facts["Address"].xpath("span")] == ["vi"]
    assert {s.get("lang") for s in facts["Opening hours"].xpath("span")} == {"vi"}
    assert _text(facts["Records last updated"]) == "5 Apr 2025"
    website = facts["Website"].xpath("a")[0]
    assert _text(website) == "thuvienhanoi.example.vn (website of Thư viện Hà Nội)"


def test_a_library_without_a_profile_or_a_successful_harvest_lists_name_and_works(libraries):
    doc = _page(libraries.app.test_client(), "/browse/library")
    for library, works in ((DISTRICT, "1 tác phẩm"), (PROVINCE, "1 tác phẩm")):
        item = _entry(doc, library)
        assert item.xpath("h2/a")
        assert _text(item.xpath("p[@class='library-count']")[0]) == works
        assert not item.xpath("dl"), library  # nothing to say: no empty list
    assert [_text(h) for h in doc.xpath("//main//h2")][0] == HANOI  # most works first
    by_name = _page(libraries.app.test_client(), "/browse/library?order=name")
    assert [_text(h) for h in by_name.xpath("//main//h2")] == [HANOI, DISTRICT, PROVINCE]


def test_other_facets_keep_their_count_table(libraries):
    doc = _page(libraries.app.test_client(), "/browse/format")
    assert doc.xpath("//main//table[@class='count-table']//tbody/tr/th/a")
    assert not doc.xpath("//main//ul[@class='library-list']")
    assert not doc.xpath("//main//dl")


def test_the_profile_follows_the_source_when_a_librarian_changes_it(libraries):
    store = libraries.store
    district = store.get_source("thu-vien-hoan-kiem")
    store.put_source(Source(**{**district.__dict__, "hours": "Thứ Hai – Chủ nhật: 8:00 – 18:00"}))
    try:
        doc = _page(libraries.app.test_client(), "/browse/library")
        facts = _facts(_entry(doc, DISTRICT))
        assert list(facts) == ["Giờ mở cửa"]
        assert _text(facts["Giờ mở cửa"]) == "Thứ Hai – Chủ nhật: 8:00 – 18:00"
    finally:
        store.put_source(district)


# -- the lookup itself -------------------------------------------------------------------


def test_a_library_fed_by_several_sources_reads_their_profiles_together(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    try:
        oai = Source("hn-b-oai", HANOI, "oai", "http://127.0.0.1:1/oai", address="47 Bà Triệu")
        marc = Source(
            "hn-a-marc",
            # decomposed, as some systems send it: the index holds the composed form
            "Thư viện Hà Nội".replace("ư", "u\u031b"),
            "marc",
            "/srv/hn.mrc",
            website="https://a.example.vn/",
        )
        for source in (oai, marc):
            store.put_source(source)
        early, late = datetime(2025, 1, 2, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)
        for source, when in ((oai, late), (marc, early)):
            run = store.start_run(source.key, "full")
            store.finish_run(run, "succeeded")
            _finished_at(store, run, when)
        profiles = library_profiles(store)
        assert profile_for(profiles, HANOI) == LibraryProfile(
            website="https://a.example.vn/", address="47 Bà Triệu", updated_at=late
        )
        # A record indexed under the source key (no holding named it) finds it too.
        assert profile_for(profiles, "hn-b-oai").address == "47 Bà Triệu"
        assert profile_for(profiles, "Thư viện khác") is None
    finally:
        store.close()
