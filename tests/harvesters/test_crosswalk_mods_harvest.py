"""MODS over OAI-PMH end to end: the demo provider serves hand-written MODS records
(`metadataPrefix=mods`) over real HTTP, the harvester follows resumption tokens,
crosswalks each record and stores it; deletions, a record without a title and an
incremental re-run behave as for every other format."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from catalogue.settings import HarvestSettings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.oai import OaiClient
from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import MODS, MemoryRepository, OaiItem, mods_element
from harvesters.runner import HarvestOptions, harvest_source, policy_from
from tests.support.http import serve_wsgi

BASE = datetime(2025, 6, 1, tzinfo=UTC)
FAST = HarvestSettings(timeout=2.0, max_retries=2, backoff=0.01, max_retry_after=0.05)
TITLES = ["Đại Việt sử ký toàn thư", "Lĩnh Nam chích quái", "Vũ trung tùy bút"]
UNTITLED = 13  # this record has no title
DELETED = (7, 19)


def mods_xml(n: int) -> bytes:
    """A library's own MODS export of item n (decomposed Unicode, as some systems send)."""
    title = "" if n == UNTITLED else f"<title>{TITLES[n % 3]} {n}</title>"
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<mods xmlns="http://www.loc.gov/mods/v3" version="3.8">
  <titleInfo>{title}<subTitle>Quyển {n}</subTitle></titleInfo>
  <name type="personal"><namePart>Ngô Sĩ Liên</namePart>
    <role><roleTerm type="text">tác giả</roleTerm></role></name>
  <typeOfResource>{"sound recording-nonmusical" if n % 5 == 0 else "text"}</typeOfResource>
  <originInfo><publisher>Nhà xuất bản Khoa học xã hội</publisher>
    <dateIssued encoding="w3cdtf">{1990 + n}-01-15</dateIssued></originInfo>
  <language><languageTerm type="code" authority="iso639-2b">vie</languageTerm></language>
  <subject><topic>Lịch sử</topic><geographic>Việt Nam</geographic></subject>
  <identifier type="isbn">978-604-{n:02d}-0000-0</identifier>
  <location><physicalLocation>Kho Hán Nôm</physicalLocation>
    <shelfLocator>959.7 NG-L {n}</shelfLocator>
    <url access="raw object">https://thuvien.example/audio/{n}.mp3</url></location>
  <accessCondition type="use and reproduction"
    >http://rightsstatements.org/vocab/NoC-US/1.0/</accessCondition>
</mods>"""
    return unicodedata.normalize("NFD", body).encode("utf-8")


def repository(count: int = 25) -> MemoryRepository:
    items = [
        OaiItem(f"oai:hannom:{n:03d}", BASE + timedelta(hours=n), deleted=n in DELETED)
        for n in range(1, count + 1)
    ]

    def render(item: OaiItem, prefix: str):
        return mods_element(mods_xml(int(item.identifier.rsplit(":", 1)[1])))

    return MemoryRepository("Viện Nghiên cứu Hán Nôm", items, render, [MODS])


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    yield store
    store.close()


def harvest(store: Store, url: str):
    source = Source(key="hannom", name="Viện Hán Nôm", type="oai", url=url, metadata_prefix="mods")
    store.put_source(source)
    return harvest_source(store, source, FAST, HarvestOptions(progress=False))


def test_mods_records_are_harvested_over_http_with_tokens_deletions_and_errors(store):
    with serve_wsgi(make_wsgi_app(repository(), page_size=10), "/oai") as url:
        formats = OaiClient(url, policy_from(FAST)).metadata_formats()
        assert [f.metadataPrefix for f in formats] == ["mods"]
        run = harvest(store, url)
    assert run.status == "succeeded", run.message
    assert run.pages == 3  # 25 items, 10 a page: two resumption tokens followed
    assert (run.added, run.deleted, run.failed) == (22, 2, 1)
    error = run.errors[0]
    assert error.record_id == "oai:hannom:013" and "no title" in error.reason
    assert error.position == "page 2, record 3" and b"Quy" in error.raw

    record = store.get_record("hannom:002")
    title = f"{TITLES[2]} 2"
    assert record.title.encode("utf-8") == title.encode("utf-8")  # NFC, byte for byte
    assert record.subtitle == "Quyển 2" and record.authors == ["Ngô Sĩ Liên"]
    assert (record.year, record.publisher) == (1992, "Nhà xuất bản Khoa học xã hội")
    assert record.subjects == ["Lịch sử -- Việt Nam"] and record.languages == ["vie"]
    assert record.rights_statement == "http://rightsstatements.org/vocab/NoC-US/1.0/"
    assert record.raw_format == "mods" and record.format == "book"
    assert [(h.library, h.location, h.call_number) for h in record.holdings] == [
        ("Viện Hán Nôm", "Kho Hán Nôm", "959.7 NG-L 2")
    ]
    assert [(o.kind, o.location) for o in record.digital_objects] == [
        ("audio", "https://thuvien.example/audio/2.mp3")
    ]
    assert store.get_record("hannom:005").format == "audiobook"
    assert store.get_record("hannom:007").deleted
    raw_format, raw = store.get_raw("hannom:002")
    assert raw_format == "mods" and unicodedata.normalize("NFD", title).encode() in raw


def test_a_second_mods_harvest_is_incremental_and_changes_nothing(store):
    with serve_wsgi(make_wsgi_app(repository(), page_size=10), "/oai") as url:
        harvest(store, url)
        again = harvest(store, url)
    assert again.mode == "incremental" and again.status == "succeeded", again.message
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    assert store.count_records("hannom") == 22
