"""The store's contract, kept alike on SQLite and PostgreSQL (`store_url` runs each test on
both): migrations from empty, sources, harvest runs with their counts and errors, raw
and unified records with holdings and digital objects, incremental upserts, deletions,
concurrent harvests, and Vietnamese text kept byte for byte."""

from __future__ import annotations

import multiprocessing
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select

from catalogue import DigitalObject, Holding, Record, stats
from catalogue.migrate import alembic_config
from catalogue.runs import HarvestedItem
from catalogue.sources import Source
from catalogue.store import Store
from catalogue.tables import Base, HoldingRow, RecordRow

HANOI = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7)))
VIETNAMESE = [
    "Đại Việt sử ký toàn thư",
    "Nguyễn Trãi",
    "Thăng Long – Đông Đô – Hà Nội",
    "ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ",
    "Tiếng Việt: Ơ ơ Ư ư Đ đ",
]


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    for key, name in (("ha-noi", "Thư viện Hà Nội"), ("quoc-gia", "Thư viện Quốc gia")):
        store.put_source(Source(key=key, name=name, type="oai", url="http://127.0.0.1:1/oai"))
    yield store
    store.close()


def book(local_id: str, source_key: str = "ha-noi", **changes) -> Record:
    values = dict(
        title="Truyện Kiều",
        subtitle="Đoạn trường tân thanh",
        authors=["Nguyễn Du"],
        contributors=["Đào Duy Anh"],
        subjects=["Thơ Việt Nam", "Văn học cổ điển"],
        genres=["Truyện thơ"],
        languages=["vie"],
        year=1820,
        publisher="Nhà xuất bản Văn học",
        place="Hà Nội",
        edition="Tái bản lần thứ 3",
        series=["Tủ sách Văn học cổ điển"],
        description="Kiệt tác của văn học Việt Nam.",
        contents=["Phần một", "Phần hai"],
        isbns=["9786049690000"],
        invalid_isbns=["12345"],
        issns=["0866-7500"],
        oclc="123456",
        lccn="2001012345",
        call_numbers=["895.9221 NG-D"],
        holdings=[
            Holding(
                library="Thư viện Hà Nội",
                location="Kho mở tầng 2",
                call_number="895.9221 NG-D",
                status="on_loan",
                status_read_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
                barcode="HN000123",
                due=date(2026, 6, 13),
            ),
            Holding(library="Thư viện Hà Nội", location="Phòng đọc", status="reference_only"),
        ],
        digital_objects=[
            DigitalObject(
                kind="audio",
                location="https://example.org/kieu/01.mp3",
                label="Chương 1",
                order=1,
                mime_type="audio/mpeg",
                bytes=5_000_000_000,  # beyond 32 bits
                sha256="a" * 64,
                duration=3601.25,
            ),
            DigitalObject(kind="image", location="scans/kieu/p1.jpg", order=2, width=2400),
        ],
        rights_statement="http://rightsstatements.org/vocab/NoC-US/1.0/",
        collections=["Hán Nôm", "Sách nói"],
        embargo_until=date(2027, 1, 1),
        raw_format="marc21",
        datestamp=datetime(2026, 2, 1, tzinfo=UTC),
    )
    values.update(changes)
    return Record(source_key=source_key, local_id=local_id, **values)


def item(record: Record, raw: bytes = b"<record/>") -> HarvestedItem:
    return HarvestedItem(record.local_id, raw, record.raw_format or "oai_dc", record)


def tombstone(local_id: str) -> HarvestedItem:
    return HarvestedItem(local_id, b"<deleted/>", "oai_dc", None, deleted=True)


def counts(page) -> tuple[int, int, int, int]:
    return page.added, page.updated, page.deleted, page.unchanged


# -- migrations ---------------------------------------------------------------------


def test_migrations_bring_an_empty_database_to_head_and_match_the_tables(empty_store_url):
    store_url = empty_store_url
    bare = create_engine(store_url)
    with bare.connect() as conn:
        assert inspect(conn).get_table_names() == []
    bare.dispose()

    store = Store(store_url)
    try:
        tables = set(inspect(store.engine).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
        command.check(alembic_config(store.engine))  # raises if schema and tables differ
    finally:
        store.close()
    again = Store(store_url)  # opening a store at head changes nothing
    try:
        assert set(inspect(again.engine).get_table_names()) == tables
    finally:
        again.close()


# -- sources ------------------------------------------------------------------------


def test_sources_round_trip_and_an_update_keeps_the_harvest_state(store):
    source = Source(
        key="van-mieu",
        name="Thư viện Văn Miếu – Quốc Tử Giám",
        type="oai",
        url="http://127.0.0.1:8001/oai",
        metadata_prefix="mods",
        set="han-nom",
        schedule="0 2 * * *",
        enabled=False,
    )
    store.put_source(source)
    assert store.get_source("van-mieu") == source
    run = store.start_run("van-mieu", "full", server_time=HANOI)
    store.finish_run(run, "succeeded")
    store.set_granularity("van-mieu", "YYYY-MM-DDThh:mm:ssZ")

    renamed = Source(**{**vars(source), "name": "Văn Miếu", "enabled": True})
    store.put_source(renamed)
    assert store.get_source("van-mieu") == renamed
    assert store.harvest_state("van-mieu") == (HANOI, "YYYY-MM-DDThh:mm:ssZ")
    assert [s.key for s in store.sources()] == ["ha-noi", "quoc-gia", "van-mieu"]

    assert store.delete_source("van-mieu") is True
    assert store.delete_source("van-mieu") is False
    assert store.get_source("van-mieu") is None
    assert store.runs("van-mieu") == []  # its runs went with it


def test_a_source_value_too_long_for_its_column_is_refused_clearly(store):
    long_name = Source(key="dai", name="Thư viện " * 40, type="oai", url="http://x/oai")
    with pytest.raises(ValueError, match="name is longer than 300 characters"):
        store.put_source(long_name)
    assert store.get_source("dai") is None


# -- harvest runs ---------------------------------------------------------------------


def test_a_run_counts_pages_and_changes_and_keeps_each_error(store):
    since = HANOI - timedelta(days=1)
    run = store.start_run("ha-noi", "incremental", from_=since, server_time=HANOI)
    page1 = store.save_items(
        run, "ha-noi", [item(book("1")), item(book("2")), item(book("3"))], resumption_token="t1"
    )
    assert counts(page1) == (3, 0, 0, 0)
    store.record_error(
        run, "page 1, record 4", "bản ghi không có nhan đề", raw=b"\xff\xfe<bad", record_id="4"
    )
    page2 = store.save_items(
        run,
        "ha-noi",
        [item(book("1", title="Kim Vân Kiều")), item(book("2")), tombstone("3")],
        resumption_token="t2",
    )
    assert counts(page2) == (0, 1, 1, 1)
    store.record_error(run, "page 2", "malformed XML: line 1")

    running = store.run(run)
    assert (running.status, running.pages, running.resumption_token) == ("running", 2, "t2")
    assert (running.from_, running.server_time) == (since, HANOI)

    done = store.finish_run(run, "succeeded")
    assert (done.added, done.updated, done.deleted, done.unchanged, done.failed) == (3, 1, 1, 1, 2)
    assert done.status == "succeeded" and done.finished_at >= done.started_at
    assert done.resumption_token == ""
    assert [(e.position, e.reason, e.raw, e.record_id) for e in done.errors] == [
        ("page 1, record 4", "bản ghi không có nhan đề", b"\xff\xfe<bad", "4"),
        ("page 2", "malformed XML: line 1", b"", ""),
    ]
    assert store.harvest_state("ha-noi")[0] == HANOI

    failed = store.start_run("ha-noi", "incremental", server_time=HANOI + timedelta(days=1))
    store.finish_run(failed, "failed", "máy chủ không trả lời")
    assert store.harvest_state("ha-noi")[0] == HANOI  # a failed run moves nothing
    assert [r.id for r in store.runs("ha-noi")] == [failed, run]
    assert store.last_run("ha-noi").message == "máy chủ không trả lời"
    assert store.last_run("quoc-gia") is None


def test_an_error_at_a_long_position_is_kept_whole_in_its_raw(store):
    run = store.start_run("ha-noi", "full")
    token = "x" * 1000
    store.record_error(run, f"page 3 (resumptionToken={token})", "bad page", raw=token.encode())
    error = store.run(run).errors[0]
    assert error.position.startswith("page 3 (resumptionToken=xxx") and len(error.position) == 300
    assert error.raw == token.encode()


# -- records ---------------------------------------------------------------------------


def test_raw_and_unified_records_round_trip_exactly(store):
    raw = b"00714cam a2200205 a 4500\x1e\x1b(3 MARC-8 bytes \xe1\xff\x1d"
    record = book("kieu")
    run = store.start_run("ha-noi", "full")
    store.save_items(run, "ha-noi", [item(record, raw)])

    back = store.get_record("ha-noi:kieu")
    assert back.to_dict() == record.to_dict()
    assert back.holdings[0].status_read_at == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    assert back.holdings[0].due == date(2026, 6, 13) and back.holdings[1].due is None
    assert back.digital_objects[0].bytes == 5_000_000_000
    assert store.get_raw("ha-noi:kieu") == ("marc21", raw)
    assert store.get_raws(["ha-noi:kieu", "nope"]) == {"ha-noi:kieu": ("marc21", raw)}
    assert store.get_records(["ha-noi:kieu"])["ha-noi:kieu"].to_dict() == record.to_dict()
    assert [r.id for r in store.iter_records()] == ["ha-noi:kieu"]
    assert store.count_records("ha-noi") == 1 and store.count_records("quoc-gia") == 0


def test_incremental_upserts_change_only_what_changed(store):
    run = store.start_run("ha-noi", "full")
    store.save_items(run, "ha-noi", [item(book("1")), item(book("2"))])
    mark = store.max_change_seq()

    again = store.save_items(run, "ha-noi", [item(book("1")), item(book("2"), raw=b"<new/>")])
    assert counts(again) == (0, 0, 0, 2)
    assert store.max_change_seq() == mark  # nothing to re-index
    assert store.get_raw("ha-noi:2") == ("marc21", b"<new/>")  # but the raw is the latest

    moved = book("1", holdings=[Holding(library="Thư viện Hà Nội", location="Kho lưu")])
    assert counts(store.save_items(run, "ha-noi", [item(moved)])) == (0, 1, 0, 0)
    assert [h.location for h in store.get_record("ha-noi:1").holdings] == ["Kho lưu"]
    assert [r.id for _, r in store.changes_since(mark)] == ["ha-noi:1"]
    with store.session() as s:
        rows = s.scalars(select(HoldingRow.location).where(HoldingRow.record_id == "ha-noi:1"))
        assert list(rows) == ["Kho lưu"]  # no copy of the old holdings left behind


def test_deletions_leave_a_tombstone_and_a_record_can_come_back(store):
    run = store.start_run("ha-noi", "full")
    store.save_items(run, "ha-noi", [item(book("1"))])
    assert counts(store.save_items(run, "ha-noi", [tombstone("1"), tombstone("never")])) == (
        0,
        0,
        2,
        0,
    )
    gone = store.get_record("ha-noi:1")
    assert gone.deleted and gone.holdings == [] and gone.digital_objects == []
    assert store.count_records() == 0 and store.count_records(deleted=True) == 2
    live, deleted = store.changed_since(0)
    assert (live, deleted) == (set(), {"ha-noi:1", "ha-noi:never"})

    assert counts(store.save_items(run, "ha-noi", [item(book("1"))])) == (1, 0, 0, 0)
    assert len(store.get_record("ha-noi:1").holdings) == 2


def test_text_too_long_for_its_column_is_clipped_and_the_page_loads(store):
    long = book("1", holdings=[Holding(library="Thư viện Hà Nội", location="Kho " * 200)])
    long.digital_objects[1].label = "Trang " * 100
    run = store.start_run("ha-noi", "full")
    page = store.save_items(run, "ha-noi", [item(long, raw=b"<full/>"), item(book("2"))])
    assert page.added == 2
    back = store.get_record("ha-noi:1")
    assert back.holdings[0].location == ("Kho " * 200)[:300]
    assert back.digital_objects[1].label == ("Trang " * 100)[:300]
    assert store.get_raw("ha-noi:1") == ("marc21", b"<full/>")


def test_a_record_whose_id_cannot_be_stored_is_recorded_and_the_page_loads(store):
    run = store.start_run("ha-noi", "full")
    too_long = book("x" * 500)
    page = store.save_items(run, "ha-noi", [item(too_long, raw=b"<r>x</r>"), item(book("2"))])
    assert counts(page) == (1, 0, 0, 0)
    errors = store.run(run).errors
    assert store.run(run).failed == 1
    assert "longer than 300 characters" in errors[0].reason and errors[0].raw == b"<r>x</r>"
    assert store.count_records() == 1


def test_vietnamese_text_comes_back_byte_exact(store):
    texts = [unicodedata.normalize("NFC", t) for t in VIETNAMESE]
    record = book(
        "viet",
        title=texts[0],
        authors=texts[1:2],
        subjects=texts,
        holdings=[Holding(library=texts[2], location=texts[3])],
        digital_objects=[DigitalObject(kind="text", location="a.txt", label=texts[4])],
    )
    raw = "\n".join(texts).encode("utf-8")
    run = store.start_run("ha-noi", "full")
    store.save_items(run, "ha-noi", [item(record, raw)])
    store.record_error(run, "page 1", texts[3])
    store.put_source(Source(key="viet", name=texts[2], type="marc", url="/tmp/a.mrc"))

    back = store.get_record("ha-noi:viet")
    assert back.title.encode() == texts[0].encode()
    assert [s.encode() for s in back.subjects] == [t.encode() for t in texts]
    assert back.authors[0].encode() == texts[1].encode()
    assert back.holdings[0].library.encode() == texts[2].encode()
    assert back.holdings[0].location.encode() == texts[3].encode()
    assert back.digital_objects[0].label.encode() == texts[4].encode()
    assert store.get_raw("ha-noi:viet")[1] == raw
    assert store.run(run).errors[0].reason.encode() == texts[3].encode()
    assert store.get_source("viet").name.encode() == texts[2].encode()
    with store.session() as s:  # and an exact match in SQL finds it
        assert s.scalar(select(RecordRow.id).where(RecordRow.title == texts[0])) == "ha-noi:viet"


# -- concurrency ----------------------------------------------------------------------------


def harvest_in_process(url: str, key: str, pages: int, per_page: int) -> int:
    """One source's harvest, as a separate process would run it (module level: spawnable)."""
    store = Store(url, migrate=False)
    try:
        run = store.start_run(key, "full")
        for page in range(pages):
            records = [
                book(f"{page}-{i}", source_key=key, title=f"{key} {page} {i} – Hà Nội")
                for i in range(per_page)
            ]
            store.save_items(run, key, [item(r) for r in records], resumption_token=str(page))
            store.record_error(run, f"page {page}", "một bản ghi hỏng")
        store.finish_run(run, "succeeded")
        return run
    finally:
        store.close()


def test_two_harvests_in_two_processes_do_not_corrupt_each_other(store):
    pages, per_page = 6, 15
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        futures = {
            key: pool.submit(harvest_in_process, store.url, key, pages, per_page)
            for key in ("ha-noi", "quoc-gia")
        }
        run_ids = {key: f.result(timeout=300) for key, f in futures.items()}

    for key, run_id in run_ids.items():
        run = store.run(run_id)
        assert (run.status, run.added, run.pages, run.failed) == ("succeeded", 90, pages, pages)
        assert store.count_records(key) == pages * per_page
    changes = store.changes_since(0, limit=10_000)
    seqs = [seq for seq, _ in changes]
    assert len(seqs) == len(set(seqs)) == 2 * pages * per_page
    for _, record in changes:
        page, i = record.local_id.split("-")
        assert record.title == f"{record.source_key} {page} {i} – Hà Nội"
        assert len(record.holdings) == 2 and len(record.digital_objects) == 2


# -- the dashboard's figures (dialect-specific SQL in catalogue.stats) ------------------------


def test_catalogue_figures_are_the_same_on_every_backend(store):
    run = store.start_run("ha-noi", "full")
    store.save_items(
        run,
        "ha-noi",
        [item(book("1")), item(book("2", languages=["vie", "fre"], format="map"))]
        + [item(book("3", languages=[], digital_objects=[]))],
    )
    store.finish_run(run, "succeeded")
    per_source = {r.key: (r.records, r.digitised) for r in stats.records_per_source(store)}
    assert per_source == {"ha-noi": (3, 2), "quoc-gia": (0, 0)}
    assert [(c.value, c.count) for c in stats.records_per_format(store)] == [
        ("book", 2),
        ("map", 1),
    ]
    languages = {c.value: c.count for c in stats.records_per_language(store)}
    assert languages == {"vie": 2, "fre": 1, stats.NO_LANGUAGE: 1}
    health = {h.key: h for h in stats.harvest_health(store, now=datetime.now(UTC))}
    assert health["ha-noi"].last_status == "succeeded" and health["ha-noi"].runs == 1
    assert health["quoc-gia"].last_run_id is None
