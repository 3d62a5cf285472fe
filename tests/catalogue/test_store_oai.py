"""The store's listing for OAI-PMH: keyset pages on the change sequence, frozen lists,
change-time bounds, library and collection filters, and the few helpers beside them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from catalogue import Record
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import RecordRow

BASE = datetime(2024, 1, 1, tzinfo=UTC)
COLLECTIONS = {0: ["Sách nói"], 1: ["Hán Nôm", "Sách nói"], 2: []}


def _record(key: str, i: int) -> Record:
    return Record(key, f"{i:03d}", title=f"Sách số {i}", collections=COLLECTIONS[i % 3])


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    for key in ("lib-a", "lib-b"):
        store.put_source(Source(key=key, name=key, type="oai", url="http://127.0.0.1:1/oai"))
        run = store.start_run(key, "full")
        items = [HarvestedItem(f"{i:03d}", b"<r/>", "oai_dc", _record(key, i)) for i in range(30)]
        items.append(HarvestedItem("gone", b"", "oai_dc", None, deleted=True))
        store.save_items(run, key, items)
    # Change times we control: lib-a's records one minute apart from BASE, lib-b's a day on.
    with store.session() as s:
        for key, start in (("lib-a", BASE), ("lib-b", BASE + timedelta(days=1))):
            for i in range(30):
                s.execute(
                    update(RecordRow)
                    .where(RecordRow.id == f"{key}:{i:03d}")
                    .values(updated_at=start + timedelta(minutes=i))
                )
            s.execute(
                update(RecordRow)
                .where(RecordRow.id == f"{key}:gone")
                .values(updated_at=start + timedelta(minutes=30))
            )
    yield store
    store.close()


def _walk(store: Store, limit: int = 7, **filters) -> list[str]:
    """Every id of a list, page by page, as the OAI provider walks it."""
    ceiling, after, ids = store.max_change_seq(), 0, []
    while True:
        rows = store.changed_records(after, until_seq=ceiling, limit=limit, **filters)
        ids += [row.record.id for row in rows]
        if len(rows) < limit:
            return ids
        after = rows[-1].change_seq


def test_pages_walk_the_change_sequence_once_each_with_deletions(store):
    ids = _walk(store)
    assert len(ids) == len(set(ids)) == 62
    rows = store.changed_records(0, limit=100)
    assert [r.change_seq for r in rows] == sorted(r.change_seq for r in rows)
    gone = next(r for r in rows if r.record.id == "lib-a:gone")
    assert gone.record.deleted and gone.updated_at == BASE + timedelta(minutes=30)
    live = next(r for r in rows if r.record.id == "lib-b:001")
    assert live.record.title == "Sách số 1" and live.updated_at.tzinfo is not None


def test_a_frozen_list_leaves_out_what_changed_after_it_began(store):
    ceiling = store.max_change_seq()
    first = store.changed_records(0, until_seq=ceiling, limit=10)
    run = store.start_run("lib-b", "full")
    changed = _record("lib-b", 29)
    changed.title = "Sách số 29 (bản mới)"
    store.save_items(run, "lib-b", [HarvestedItem("029", b"<r/>", "oai_dc", changed)])
    rest = store.changed_records(first[-1].change_seq, until_seq=ceiling, limit=100)
    assert "lib-b:029" not in {r.record.id for r in first + rest}
    assert len(first) + len(rest) == 61
    after = store.changed_records(ceiling, limit=100)
    assert [r.record.id for r in after] == ["lib-b:029"]


def test_change_time_bounds_are_inclusive(store):
    since = _walk(store, from_=BASE + timedelta(minutes=25), until=BASE + timedelta(minutes=30))
    assert sorted(since) == [f"lib-a:{i:03d}" for i in range(25, 30)] + ["lib-a:gone"]
    later = _walk(store, from_=BASE + timedelta(days=1, minutes=29))
    assert sorted(later) == ["lib-b:029", "lib-b:gone"]
    naive = _walk(store, until=(BASE + timedelta(minutes=1)).replace(tzinfo=None))
    assert sorted(naive) == ["lib-a:000", "lib-a:001"]


def test_library_and_collection_filters(store):
    assert len(_walk(store, source_key="lib-b")) == 31
    spoken = _walk(store, collections=["Sách nói"])
    assert len(spoken) == 40 and all(int(i[-3:]) % 3 in (0, 1) for i in spoken)
    assert len(_walk(store, collections=["Hán Nôm"], source_key="lib-a")) == 10
    assert len(_walk(store, any_collection=True)) == 40  # deleted records keep none
    assert _walk(store, collections=[]) == []
    assert _walk(store, collections=["Không có"]) == []


def test_record_raw_and_earliest_helpers(store):
    row = store.get_changed_record("lib-a:002")
    assert row.record.title == "Sách số 2" and row.updated_at == BASE + timedelta(minutes=2)
    assert store.get_changed_record("lib-a:gone").record.deleted
    assert store.get_changed_record("nope:1") is None
    found = store.get_records(["lib-a:001", "lib-b:gone", "nope:1"])
    assert set(found) == {"lib-a:001", "lib-b:gone"} and found["lib-b:gone"].deleted
    assert store.get_raws(["lib-a:001", "nope:1"]) == {"lib-a:001": ("oai_dc", b"<r/>")}
    assert store.get_records([]) == {} and store.get_raws([]) == {}
    assert store.earliest_change() == BASE


def test_earliest_change_of_an_empty_store(tmp_path):
    empty = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        assert empty.earliest_change() is None
        assert empty.collection_samples() == {}
    finally:
        empty.close()


def test_collection_samples_name_recent_live_records(store):
    samples = store.collection_samples(per_collection=3)
    assert set(samples) == {"Sách nói", "Hán Nôm"}
    assert all(len(ids) == 3 for ids in samples.values())
    # Most recently changed first: lib-b was saved after lib-a.
    assert samples["Hán Nôm"] == ["lib-b:028", "lib-b:025", "lib-b:022"]
    assert len(store.collection_samples(per_collection=100)["Sách nói"]) == 40
