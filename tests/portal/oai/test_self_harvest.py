"""/oai harvested by thuvien's own OAI harvester, full and incremental, and the round
trips it relies on (formats through Dublin Core, collection slugs, identifiers).
"""

from __future__ import annotations

import re

from catalogue import Record
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.runner import HarvestOptions, harvest_source
from portal.oai_metadata import record_dc
from portal.oai_store import StoreRepository, collection_slug
from tests.support.oai_catalogue import (
    CHANGED_IDS,
    DELETED,
    FAST,
    LISTING,
    LIVE,
    NS,
    _all_ids,
    _identifiers,
    _item,
    _library,
    _oai_id,
    _request,
)

# --- harvested by thuvien itself ------------------------------------------------------


def _harvest(store: Store, url: str, key: str, prefix: str = "oai_dc", full: bool = False):
    source = Source(key=key, name="thuvien", type="oai", url=url, metadata_prefix=prefix)
    store.put_source(source)
    options = HarvestOptions(full=full, progress=False, sleep=lambda _seconds: None)
    return harvest_source(store, source, FAST, options)


def test_thuvien_harvests_its_own_feed(oai, tmp_path):
    union = Store(f"sqlite:///{tmp_path / 'union.sqlite'}")
    try:
        for key, prefix in (("union-dc", "oai_dc"), ("union-marc", "marcxml")):
            run = _harvest(union, oai.url, key, prefix)
            assert run.status == "succeeded", run.message
            assert (run.added, run.deleted, run.failed, run.pages) == (LIVE, DELETED, 0, 3)
            assert union.count_records(key) == oai.store.count_records() == LIVE
            assert union.count_records(key, deleted=True) == DELETED
        copy = union.get_record("union-dc:thu-vien-a:r008")
        assert (copy.title, copy.subtitle, copy.authors) == ("Sách số 8", "bản mới", ["Nguyễn Du"])
        assert (copy.publisher, copy.place, copy.year) == ("Nxb. Văn học", "Hà Nội", 1908)
        spoken = union.get_record("union-marc:thu-vien-b:r035")
        assert spoken.format == "audiobook"
        assert spoken.collections == ["Sách nói", "Hán Nôm"]
        assert union.get_record("union-dc:thu-vien-b:r035").format == "audiobook"
    finally:
        union.close()


def test_incremental_harvests_of_the_feed_bring_just_the_changes(fresh, tmp_path):
    union = Store(f"sqlite:///{tmp_path / 'union.sqlite'}")
    try:
        first = _harvest(union, fresh.url, "union")
        assert (first.status, first.added, first.deleted) == ("succeeded", LIVE, DELETED)
        again = _harvest(union, fresh.url, "union")
        assert again.mode == "incremental" and (again.added, again.updated, again.deleted) == (
            0,
            0,
            0,
        )
        run = fresh.store.start_run("thu-vien-a", "incremental")
        gone = HarvestedItem("r004", b"", "oai_dc", None, deleted=True)
        fresh.store.save_items(run, "thu-vien-a", [_item(2, "Sách số 2 (bản sửa)"), gone])
        third = _harvest(union, fresh.url, "union")
        assert (third.added, third.updated, third.deleted) == (0, 1, 1)
        assert union.get_record("union:thu-vien-a:r002").title == "Sách số 2 (bản sửa)"
        assert union.get_record("union:thu-vien-a:r004").deleted
    finally:
        union.close()


def test_a_list_under_way_is_not_disturbed_by_changes(fresh):
    root = _request(fresh.url, **LISTING)
    started = root.findtext("o:responseDate", namespaces=NS)
    seen = [h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)]
    token = root.find(".//o:resumptionToken", NS).text
    later = sorted(i for i in _all_ids(deleted=False) - set(seen) if i[12:] not in CHANGED_IDS)
    record_id = later[0].removeprefix("oai:thuvien:")
    number = int(record_id[-3:])
    run = fresh.store.start_run(_library(number), "incremental")
    fresh.store.save_items(run, _library(number), [_item(number, "Đổi giữa chừng")])
    while token:
        root = _request(fresh.url, verb="ListIdentifiers", resumptionToken=token)
        seen += [
            h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)
        ]
        token = root.find(".//o:resumptionToken", NS).text
    assert len(seen) == len(set(seen)) == LIVE + DELETED - 1
    assert later[0] not in seen  # it changed after the list began: the next harvest has it
    since = _identifiers(fresh.url, **{"from": started})
    assert later[0] in since and since <= {later[0]} | {_oai_id(i) for i in CHANGED_IDS}


def test_dublin_core_types_read_back_as_the_same_format():
    from harvesters.crosswalk.dc import dc_format

    for fmt in ("book", "periodical", "article", "thesis", "map", "manuscript", "image",
                "audiobook", "music", "video", "archival"):  # fmt: skip
        assert dc_format(record_dc(Record("a", "1", title="T", format=fmt))) == fmt


def test_collection_slugs_are_stable_ascii():
    assert collection_slug("Sách nói") == "sach-noi"
    assert collection_slug("  Đại Việt — Hán Nôm ") == "dai-viet-han-nom"
    chinese = collection_slug("大越史記")
    assert re.fullmatch(r"c[0-9a-f]{10}", chinese) and chinese == collection_slug("大越史記")


def test_identifiers_round_trip_whatever_the_record_id():
    repo = StoreRepository(None, None, repository_name="t", admin_emails=[], namespace="thuvien",
                           may_see=lambda r: True, record_url=str)  # fmt: skip
    for record_id in ("thu-vien-a:r001", "kho sách:Hà Nội/1?x=1&y=%", "a:b:c"):
        identifier = repo.identifier(record_id)
        assert " " not in identifier and identifier.startswith("oai:thuvien:")
        assert repo.record_id(identifier) == record_id
    assert repo.identifier("kho sách:1") == "oai:thuvien:kho%20s%C3%A1ch:1"
    assert repo.record_id("oai:thuvien:") is None and repo.record_id("oai:x:a:1") is None
