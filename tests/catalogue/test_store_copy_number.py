"""A holding's copy number ("Copy 2") kept by the store on SQLite and PostgreSQL, and
migration 0008 adding it to a store that already holds copies, losing none."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from catalogue import Holding, Record
from catalogue.migrate import alembic_config
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store


def _kieu(*holdings: Holding) -> Record:
    return Record("ha-noi", "kieu", title="Truyện Kiều", holdings=list(holdings))


def _save(store: Store, record: Record) -> None:
    run = store.start_run("ha-noi", "full")
    store.save_items(run, "ha-noi", [HarvestedItem(record.local_id, b"<r/>", "marc21", record)])
    store.finish_run(run, "succeeded")


def _open(url: str) -> Store:
    store = Store(url)
    if store.get_source("ha-noi") is None:
        store.put_source(Source("ha-noi", "Thư viện Hà Nội", "marc", "/hn.mrc"))
    return store


def test_copy_numbers_round_trip_and_a_changed_one_is_an_update(store_url):
    store = _open(store_url)
    try:
        first = Holding("Thư viện Hà Nội", "Kho mở", "V23", barcode="HN1", copy_number="1")
        second = Holding("Thư viện Hà Nội", "Kho mở", "V23", barcode="HN2", copy_number="2")
        _save(store, _kieu(first, second, Holding("Thư viện Hà Nội", "Phòng đọc")))
        kept = store.get_record("ha-noi:kieu")
        assert [h.copy_number for h in kept.holdings] == ["1", "2", ""]
        assert kept.to_dict()["holdings"][1]["copy_number"] == "2"

        run = store.start_run("ha-noi", "incremental")
        second.copy_number = "3"  # the library renumbered a copy: the record changed
        page = store.save_items(
            run, "ha-noi", [HarvestedItem("kieu", b"<r/>", "marc21", _kieu(first, second))]
        )
        assert (page.added, page.updated, page.unchanged) == (0, 1, 0)
        assert [h.copy_number for h in store.get_record("ha-noi:kieu").holdings] == ["1", "3"]
    finally:
        store.close()


def test_migration_0008_gives_existing_copies_an_empty_copy_number(empty_store_url):
    store = _open(empty_store_url)
    try:
        _save(store, _kieu(Holding("Thư viện Hà Nội", "Kho mở", "V23", barcode="HN1")))
    finally:
        store.close()
    engine = create_engine(empty_store_url)
    try:
        command.downgrade(alembic_config(engine), "0007")  # as a store made before 0008
        columns = {c["name"] for c in inspect(engine).get_columns("holdings")}
        assert "copy_number" not in columns and "barcode" in columns
    finally:
        engine.dispose()
    store = Store(empty_store_url)  # brings the schema to the newest revision
    try:
        (copy,) = store.get_record("ha-noi:kieu").holdings
        assert (copy.barcode, copy.copy_number) == ("HN1", "")
        _save(store, _kieu(Holding("Thư viện Hà Nội", "Kho mở", "V23", copy_number="2")))
        assert store.get_record("ha-noi:kieu").holdings[0].copy_number == "2"
    finally:
        store.close()
