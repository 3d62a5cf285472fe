"""The store keeps raw and unified records, counts changes truthfully, and survives concurrency."""

import threading
import unicodedata

import pytest
from alembic import command
from alembic.util.exc import CommandError

from catalogue import DigitalObject, Holding, Record
from catalogue.migrate import alembic_config
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    for key in ("lib-a", "lib-b", "lib-c"):
        store.put_source(
            Source(key=key, name=f"Thư viện {key}", type="oai", url="http://127.0.0.1:1/oai")
        )
    yield store
    store.close()


def kieu(local_id="1", title="Truyện Kiều"):
    return Record(
        source_key="lib-a",
        local_id=local_id,
        title=title,
        authors=["Nguyễn Du"],
        languages=["vie"],
        year=1820,
        holdings=[
            Holding(library="Thư viện Hà Nội", call_number="895.922 NG-D", status="available")
        ],
        digital_objects=[DigitalObject(kind="image", location="scans/1/p1.jpg", order=1)],
    )


def item(record, raw=b"<record/>"):
    return HarvestedItem(record.local_id, raw, "oai_dc", record)


def test_add_then_same_is_unchanged_then_update_then_delete(store):
    run = store.start_run("lib-a", "full")
    assert store.save_items(run, "lib-a", [item(kieu())]).added == 1
    assert store.save_items(run, "lib-a", [item(kieu())]).unchanged == 1
    assert store.save_items(run, "lib-a", [item(kieu(title="Truyện Kiều (bản mới)"))]).updated == 1
    gone = HarvestedItem("1", b"<deleted/>", "oai_dc", None, deleted=True)
    assert store.save_items(run, "lib-a", [gone]).deleted == 1
    assert store.save_items(run, "lib-a", [gone]).unchanged == 1
    finished = store.finish_run(run, "succeeded")
    assert (finished.added, finished.updated, finished.deleted, finished.unchanged) == (1, 1, 1, 2)
    assert store.get_record("lib-a:1").deleted
    assert store.count_records() == 0 and store.count_records(deleted=True) == 1


def test_round_trip_keeps_holdings_objects_and_exact_text(store):
    nfc = unicodedata.normalize("NFC", "Hà Nội ngàn năm văn hiến")
    run = store.start_run("lib-a", "full")
    store.save_items(run, "lib-a", [item(kieu(title=nfc), raw="<x>Hà Nội</x>".encode())])
    back = store.get_record("lib-a:1")
    assert back.title.encode() == nfc.encode()
    assert back.holdings[0].call_number == "895.922 NG-D"
    assert back.digital_objects[0].location == "scans/1/p1.jpg"
    assert store.get_raw("lib-a:1") == ("oai_dc", "<x>Hà Nội</x>".encode())


def test_changes_since_is_ordered_and_incremental(store):
    run = store.start_run("lib-a", "full")
    store.save_items(run, "lib-a", [item(kieu("1")), item(kieu("2"))])
    first = store.changes_since(0)
    assert [r.id for _, r in first] == ["lib-a:1", "lib-a:2"]
    mark = first[-1][0]
    assert store.changes_since(mark) == []
    store.save_items(run, "lib-a", [item(kieu("1", title="changed"))])
    assert [r.title for _, r in store.changes_since(mark)] == ["changed"]


def test_errors_keep_position_reason_and_raw(store):
    run = store.start_run("lib-a", "full")
    store.record_error(run, "page 3, record 7", "record has no title", raw=b"<record>...</record>")
    finished = store.finish_run(run, "failed", "broken page")
    assert finished.failed == 1
    assert finished.errors[0].position == "page 3, record 7"
    assert finished.errors[0].raw == b"<record>...</record>"


def test_watermark_moves_only_on_success(store):
    from datetime import UTC, datetime

    t1 = datetime(2026, 1, 1, tzinfo=UTC)
    run = store.start_run("lib-a", "full", server_time=t1)
    store.finish_run(run, "failed", "down")
    assert store.harvest_state("lib-a")[0] is None
    run = store.start_run("lib-a", "full", server_time=t1)
    store.finish_run(run, "succeeded")
    assert store.harvest_state("lib-a")[0] == t1


def test_concurrent_writers_do_not_corrupt_each_other(store):
    """Three sources written from three threads: every record lands, sequences stay unique."""

    def write(key):
        run = store.start_run(key, "full")
        for page in range(10):
            records = [
                Record(source_key=key, local_id=f"{page}-{i}", title=f"{key} {page} {i}")
                for i in range(20)
            ]
            store.save_items(run, key, [item(r) for r in records], resumption_token=str(page))
        store.finish_run(run, "succeeded")

    threads = [threading.Thread(target=write, args=(k,)) for k in ("lib-a", "lib-b", "lib-c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count_records() == 600
    seqs = [seq for seq, _ in store.changes_since(0, limit=10_000)]
    assert len(seqs) == len(set(seqs)) == 600
    assert seqs == sorted(seqs)


def test_migrations_match_the_tables(tmp_path):
    """alembic check: the migrations produce exactly the schema the ORM declares."""
    store = Store(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        command.check(alembic_config(store.engine))
    except CommandError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"migrations and tables differ: {exc}")
    finally:
        store.close()


def test_records_of_work_and_recent_records(store) -> None:
    run = store.start_run("lib-a", "full")
    store.save_items(
        run,
        "lib-a",
        [HarvestedItem(str(i), b"<r/>", "oai_dc", kieu(str(i), f"T{i}")) for i in range(4)],
    )
    store.set_work_keys({"lib-a:0": "w1", "lib-a:1": "w1", "lib-a:2": "w2"})
    assert [r.id for r in store.records_of_work("w1")] == ["lib-a:0", "lib-a:1"]
    assert store.work_key_of("lib-a:2") == "w2"
    assert store.work_key_of("lib-a:3") is None
    assert store.records_of_work("nope") == []
    assert [r.id for r in store.recent_records(2)] == ["lib-a:3", "lib-a:2"]
