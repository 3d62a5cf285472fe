"""G3: copies a reader cannot tell apart are one holdings row that says how many they are
("2 bản" / "2 copies"); copies that differ in anything shown (barcode, status, due date,
location, call number) stay apart, and a copy's barcode is shown so they can be told
apart. The per-library summary counts copies, not rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, session

from catalogue import Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.crosswalk.marc import marc_to_record
from harvesters.demo import vocab as v
from harvesters.demo.generator import generate
from harvesters.runner import held_by
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from portal.record_holdings import HoldingRow, holding_rows, merge_alike, work_holdings
from tests.portal.test_record_opac import Site, save
from tests.support.record_pages import page, sel, table_rows

READ = datetime(2025, 4, 5, 9, 0)
SHELF = ("Kho đóng", "959.731 TRH11")


def a_copy(status: str = "unknown", barcode: str = "", location: str = SHELF[0], **kw) -> Holding:
    return Holding("hanoi-library", location, SHELF[1], status, READ, barcode, **kw)


def rows_of(app: Flask, holdings: list[Holding], lang: str = "vi") -> list[HoldingRow]:
    with app.test_request_context("/"):
        session["lang"] = lang  # as the language switch leaves it
        record = Record("hanoi-library", "r1", title="Hà Nội nghìn xưa", holdings=holdings)
        return holding_rows(record.holdings, record)


# --- the row-building functions ------------------------------------------------------


def test_identical_copies_are_one_row_with_their_count(app: Flask):
    rows = rows_of(app, [a_copy(), a_copy()])
    assert len(rows) == 1
    assert rows[0].copies == 2 and rows[0].copies_text == "2 bản"
    assert rows_of(app, [a_copy(), a_copy(), a_copy()], "en")[0].copies_text == "3 copies"
    assert rows_of(app, [a_copy()])[0].copies_text == ""  # one copy: nothing to count


@pytest.mark.parametrize(
    "other",
    [
        a_copy(status="available"),
        a_copy(barcode="VV.00000362"),
        a_copy(location="Kho mở"),
        replace(a_copy(), call_number="959.731 TRH12"),
        replace(a_copy(), status_read_at=READ + timedelta(days=1)),
    ],
    ids=["status", "barcode", "location", "call-number", "status-date"],
)
def test_copies_differing_in_anything_shown_stay_apart(app: Flask, other: Holding):
    rows = rows_of(app, [a_copy(), other])
    assert len(rows) == 2 and all(r.copies == 1 for r in rows)


def test_copies_due_back_on_different_days_stay_apart(app: Flask):
    soon, later = date.today() + timedelta(days=7), date.today() + timedelta(days=21)
    rows = rows_of(app, [a_copy("on_loan", due=soon), a_copy("on_loan", due=later)])
    assert [r.due_iso for r in rows] == [soon.isoformat(), later.isoformat()]
    alike = rows_of(app, [a_copy("on_loan", due=soon), a_copy("on_loan", due=soon)])
    assert len(alike) == 1 and alike[0].copies == 2


def test_a_copys_barcode_is_on_its_row(app: Flask):
    rows = rows_of(app, [a_copy(barcode=" VV.00000362 "), a_copy(barcode="VV.00000361")])
    assert [r.barcode for r in rows] == ["VV.00000361", "VV.00000362"]  # sorted, trimmed


def test_merging_keeps_the_order_and_joins_copies_that_are_not_neighbours(app: Flask):
    rows = rows_of(app, [a_copy(), a_copy("available"), a_copy(), a_copy(location="A")])
    assert [(r.location, r.status, r.copies) for r in rows] == [
        ("A", "unknown", 1),
        ("Kho đóng", "unknown", 2),
        ("Kho đóng", "available", 1),
    ]


def test_rows_going_to_different_catalogue_pages_stay_apart():
    first = HoldingRow("L", "Kho", "1", "unknown", "", "", "", opac_url="http://x/1")
    rows = merge_alike([first, replace(first), replace(first, opac_url="http://x/2")])
    assert [(r.opac_url, r.copies) for r in rows] == [("http://x/1", 2), ("http://x/2", 1)]


def test_the_work_lists_this_records_copies_first_and_counts_copies(app: Flask):
    with app.test_request_context("/"):
        mine = Record(
            "hanoi-library", "r1", title="A", holdings=[a_copy(), a_copy(), a_copy("on_loan")]
        )
        other = Record("vnu-library", "r2", title="A", holdings=[a_copy(), a_copy()])
        groups = work_holdings(mine, [other])
    assert len(groups) == 1  # one library
    rows = groups[0].rows
    assert [(r.own, r.status, r.copies) for r in rows] == [
        (True, "unknown", 2),
        (True, "on_loan", 1),
        (False, "unknown", 2),  # the other record's copies: a row of their own
    ]
    assert groups[0].summary == [
        ("on_loan", "1 bản đang cho mượn"),
        ("unknown", "4 bản chưa rõ tình trạng"),  # copies, not rows
    ]


# --- the page ----------------------------------------------------------------------------

UNI = "Thư viện Đại học"
UNI_OPAC = "http://opac.uni.example/opac/record/{local_id}"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A university library's record with two copies alike on one shelf, one on loan and
    one with a barcode; and a copy of the same work in another library."""
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    work = {"title": "Hà Nội nghìn xưa", "authors": ["Trần Quốc Vượng"], "year": 2011}
    work["isbns"] = ["9786049690029"]
    save(
        store,
        Source("uni", UNI, "marc", "/dev/null", opac_url=UNI_OPAC),
        Record(
            "uni",
            "U36",
            **work,
            holdings=[
                Holding(UNI, *SHELF, "unknown", READ),
                Holding(UNI, *SHELF, "on_loan", READ),
                Holding(UNI, *SHELF, "unknown", READ),
                Holding(UNI, *SHELF, "unknown", READ, barcode="VV.00000363"),
            ],
        ),
    )
    save(
        store,
        Source("nl", "Thư viện Quốc gia", "marc", "/dev/null"),
        Record("nl", "N36", **work, holdings=[Holding("Thư viện Quốc gia", "Kho đọc", "VV 1")]),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    yield Site(create_app(settings, store=store, index=index), store)
    store.close()


def status_cells(doc) -> list[str]:
    return [" ".join(r[3].split()) for r in table_rows(doc, "table.holdings")]


def test_the_page_shows_alike_copies_once_with_their_count(site: Site):
    doc = page(site.app.test_client(), "/record/uni:U36")
    rows = table_rows(doc, "table.holdings")
    headers = sel(doc, "table.holdings thead th")
    assert len(headers) == 6 and all(th.get("scope") == "col" for th in headers)
    assert all(len(r) == len(headers) for r in rows)
    assert [r[0] for r in rows] == [UNI, UNI, UNI, "Thư viện Quốc gia"]  # this record first
    assert status_cells(doc)[:3] == [
        "Chưa rõ tình trạng 2 bản Xem tại Thư viện Đại học (trang web của thư viện)",
        "Đang cho mượn Xem tại Thư viện Đại học (trang web của thư viện)",
        "Chưa rõ tình trạng Mã vạch VV.00000363 Xem tại Thư viện Đại học (trang web của thư viện)",
    ]
    # The count is text in the cell, not a colour or badge only.
    assert [s.text_content() for s in sel(doc, "span.holdings__copy")][0] == "2 bản"
    summary = [
        " ".join(li.text_content().split()) for li in sel(doc, "ul.availability-summary__list li")
    ]
    assert summary[0] == f"{UNI}: 1 bản đang cho mượn, 3 bản chưa rõ tình trạng"


def test_the_english_page_counts_copies_and_marks_vietnamese_data(site: Site):
    client = site.app.test_client()
    client.get("/?lang=en")
    doc = page(client, "/record/uni:U36")
    assert status_cells(doc)[0] == (
        "Status unknown 2 copies View at Thư viện Đại học (the library's website)"
    )
    assert "Barcode VV.00000363" in status_cells(doc)[2]
    row = sel(doc, "table.holdings tbody tr")[0]
    assert row.xpath("./th")[0].get("lang") == "vi" and row.xpath("./td")[0].get("lang") == "vi"
    summary = sel(doc, "ul.availability-summary__list li")[0]
    assert "1 copy on loan, 3 copies, status unknown" in " ".join(summary.text_content().split())


# --- a record of the demo catalogue, as harvested -------------------------------------


def demo_record(*, barcodes: bool) -> tuple[Source, Record]:
    """A university record of the demo with two barcoded copies on the same shelf (G3's
    case), crosswalked and named for its library as the harvest does."""
    catalogue = generate(seed=2026, works=40)
    library = catalogue.library(v.VNU)
    source = Source(library.key, library.name, "marc", "/dev/null", opac_url=UNI_OPAC)
    for sample in catalogue.records(v.VNU):
        fields = sample.marc.get_fields("852") if sample.marc and not sample.deleted else []
        shelves = [(f.get("b"), f.get("c")) for f in fields]
        if len(shelves) == 2 and shelves[0] == shelves[1] and all(f.get("p") for f in fields):
            break
    else:
        pytest.fail("the demo has a university record with two copies on one shelf")
    if not barcodes:  # as a library whose export leaves them out
        for field in fields:
            field.delete_subfield("p")
    record = marc_to_record(sample.marc, source_key=source.key, datestamp=sample.datestamp)
    item = held_by(HarvestedItem(record.local_id, b"", "marc21", record), source)
    return source, item.record


@pytest.mark.parametrize("barcodes", [True, False], ids=["with-barcodes", "without"])
def test_a_demo_record_tells_its_two_copies_apart(tmp_path: Path, barcodes: bool):
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    try:
        source, record = demo_record(barcodes=barcodes)
        save(store, source, record)
        app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
        doc = page(app.test_client(), f"/record/{record.id}")
        rows = table_rows(doc, "table.holdings")
        copies = [" ".join(s.text_content().split()) for s in sel(doc, "span.holdings__copy")]
        summary = sel(doc, "ul.availability-summary__list li")[0].text_content()
        assert "2 bản" in " ".join(summary.split())  # two copies, however many rows
        if barcodes:  # the demo's own case: two rows, each with its barcode
            assert len(rows) == 2 and rows[0] != rows[1]
            assert copies == [f"Mã vạch {h.barcode}" for h in record.holdings]
        else:
            assert len(rows) == 1 and copies == ["2 bản"]
    finally:
        store.close()


# --- copy numbers ("Copy 2"), the library's own name for one copy ------------------------


def test_a_copy_number_is_on_its_row_in_either_language(app: Flask):
    (row,) = rows_of(app, [a_copy(copy_number=" 2 ")])
    assert (row.copy_number, row.copy_label) == ("2", "Bản số 2")
    assert rows_of(app, [a_copy(copy_number="2")], "en")[0].copy_label == "Copy 2"
    assert rows_of(app, [a_copy()])[0].copy_label == ""  # none given: nothing said


def test_copies_differing_only_in_copy_number_stay_apart_in_number_order(app: Flask):
    rows = rows_of(app, [a_copy(copy_number="10"), a_copy(copy_number="2"), a_copy()])
    assert [(r.copy_number, r.copies) for r in rows] == [("", 1), ("2", 1), ("10", 1)]
    alike = rows_of(app, [a_copy(copy_number="2"), a_copy(copy_number="2")])
    assert len(alike) == 1 and alike[0].copies == 2  # the same number twice reads alike


def copies_site(tmp_path: Path) -> Site:
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    copies = [
        Holding("Thư viện Hà Nội", *SHELF, "available", READ, "HN2", copy_number="2"),
        Holding("Thư viện Hà Nội", *SHELF, "available", READ, "HN1", copy_number="1"),
        Holding("Thư viện Hà Nội", *SHELF, "available", READ, copy_number="3"),
    ]
    source = Source("hn", "Thư viện Hà Nội", "marc", "/dev/null")
    save(store, source, Record("hn", "K1", title="Truyện Kiều", holdings=copies))
    return Site(create_app(settings, store=store, index=TantivyIndex(settings.index_dir)), store)


@pytest.mark.parametrize(
    ("lang", "cells", "first"),
    [
        (
            "vi",
            ["Có sẵn Bản số 1 Mã vạch HN1", "Có sẵn Bản số 2 Mã vạch HN2", "Có sẵn Bản số 3"],
            ["Bản số 1", "Mã vạch HN1"],
        ),
        (
            "en",
            ["Available Copy 1 Barcode HN1", "Available Copy 2 Barcode HN2", "Available Copy 3"],
            ["Copy 1", "Barcode HN1"],
        ),
    ],
)
def test_the_page_names_each_copy_by_its_number_before_its_barcode(tmp_path, lang, cells, first):
    site = copies_site(tmp_path)
    try:
        client = site.app.test_client()
        client.get(f"/?lang={lang}")
        doc = page(client, "/record/hn:K1")
        assert status_cells(doc) == cells  # in number order, whatever order they came in
        row = sel(doc, "table.holdings tbody tr")[0]
        spans = [" ".join(s.text_content().split()) for s in sel(row, "span.holdings__copy")]
        assert spans == first  # text of its own, the number first
    finally:
        site.store.close()


def test_the_api_lists_each_copys_number(tmp_path):
    site = copies_site(tmp_path)
    try:
        data = site.app.test_client().get("/api/records/hn:K1").get_json()
        assert [(h["copy_number"], h["barcode"]) for h in data["holdings"]] == [
            ("2", "HN2"),
            ("1", "HN1"),
            ("3", ""),
        ]
    finally:
        site.store.close()


def test_the_demo_koha_library_numbers_its_copies_and_the_page_shows_them(tmp_path: Path):
    """The demo's Koha items carry 952 $t: harvested, a copy's number reaches its row."""
    catalogue = generate(seed=2026, works=40)
    library = catalogue.library(v.HANOI)
    source = Source(library.key, library.name, "marc", "/dev/null")
    for sample in catalogue.records(v.HANOI):
        if sample.marc and not sample.deleted and len(sample.marc.get_fields("952")) >= 2:
            break
    else:
        pytest.fail("the demo has a Koha record with two copies")
    record = marc_to_record(sample.marc, source_key=source.key, datestamp=sample.datestamp)
    record = held_by(HarvestedItem(record.local_id, b"", "marc21", record), source).record
    written = [f.get("t") for f in sample.marc.get_fields("952")]
    assert [h.copy_number for h in record.holdings] == written and all(written)
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    try:
        save(store, source, record)
        app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
        doc = page(app.test_client(), f"/record/{record.id}")
        shown = [" ".join(s.text_content().split()) for s in sel(doc, "span.holdings__copy")]
        for number in written:
            assert f"Bản số {number}" in shown
    finally:
        store.close()


# --- late copies in the summary (H8), and the demo's copies that read alike (H6) -------

LATE, SOON = date.today() - timedelta(days=10), date.today() + timedelta(days=10)


def summary_of(app: Flask, holdings: list[Holding], lang: str) -> list[tuple[str, str]]:
    with app.test_request_context("/"):
        session["lang"] = lang
        (group,) = work_holdings(Record("hanoi-library", "r1", title="A", holdings=holdings), [])
        return group.summary


@pytest.mark.parametrize(
    ("lang", "all_late", "one_late", "on_time"),
    [
        (
            "vi",
            "1 bản đang cho mượn (quá hạn)",
            "3 bản đang cho mượn (1 bản quá hạn)",
            "2 bản đang cho mượn",
        ),
        ("en", "1 copy on loan (overdue)", "3 copies on loan (1 overdue)", "2 copies on loan"),
    ],
)
def test_the_summary_says_loans_are_overdue_as_the_rows_do(
    app: Flask, lang: str, all_late: str, one_late: str, on_time: str
):
    assert summary_of(app, [a_copy("on_loan", due=LATE)], lang) == [("on_loan", all_late)]
    # Two alike copies due soon are one row: the late count is of copies, not of rows.
    three = [a_copy("on_loan", due=LATE), a_copy("on_loan", due=SOON), a_copy("on_loan", due=SOON)]
    assert summary_of(app, three, lang) == [("on_loan", one_late)]
    two = [a_copy("on_loan", due=SOON), a_copy("on_loan", due=SOON), a_copy("available")]
    assert summary_of(app, two, lang)[1] == ("on_loan", on_time)  # nothing late: not said


@pytest.mark.parametrize(
    ("lang", "summary", "cell"),
    [
        ("vi", "Thư viện Hà Nội: 1 bản đang cho mượn (quá hạn)", "(quá hạn)"),
        ("en", "Thư viện Hà Nội: 1 copy on loan (overdue)", "(overdue)"),
    ],
)
def test_the_page_summary_and_row_both_say_overdue(tmp_path: Path, lang, summary, cell):
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    try:
        late = Holding("Thư viện Hà Nội", *SHELF, "on_loan", READ, "HN1", due=LATE)
        source = Source("hn", "Thư viện Hà Nội", "marc", "/dev/null")
        save(store, source, Record("hn", "K2", title="Truyện Kiều", holdings=[late]))
        app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
        client = app.test_client()
        client.get(f"/?lang={lang}")
        doc = page(client, "/record/hn:K2")
        (li,) = sel(doc, "ul.availability-summary__list li")
        assert " ".join(li.text_content().split()) == summary
        assert cell in status_cells(doc)[0]
    finally:
        store.close()


def unbarcoded_demo_record() -> tuple[Source, Record, int]:
    """The demo university's older book whose copies were never barcoded, as harvested."""
    catalogue = generate(seed=2026, works=40)
    library = catalogue.library(v.VNU)
    source = Source(library.key, library.name, "marc", "/dev/null", opac_url=UNI_OPAC)
    for sample in catalogue.records(v.VNU):
        fields = sample.marc.get_fields("852") if sample.marc and not sample.deleted else []
        if len(fields) >= 2 and not any(f.get("p") for f in fields):
            break
    else:
        pytest.fail("the demo has a university record with copies that read alike")
    record = marc_to_record(sample.marc, source_key=source.key, datestamp=sample.datestamp)
    item = held_by(HarvestedItem(record.local_id, b"", "marc21", record), source)
    return source, item.record, len(fields)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_demo_shows_copies_that_read_alike_as_one_counted_row(tmp_path: Path, lang: str):
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    try:
        source, record, copies = unbarcoded_demo_record()
        save(store, source, record)
        app = create_app(settings, store=store, index=TantivyIndex(settings.index_dir))
        client = app.test_client()
        client.get(f"/?lang={lang}")
        doc = page(client, f"/record/{record.id}")
        assert len(table_rows(doc, "table.holdings")) == 1  # every copy on one row
        counted, unknown = {
            "vi": (f"{copies} bản", f"{copies} bản chưa rõ tình trạng"),
            "en": (f"{copies} copies", f"{copies} copies, status unknown"),
        }[lang]
        assert [s.text_content() for s in sel(doc, "span.holdings__copy")] == [counted]
        summary = " ".join(sel(doc, "ul.availability-summary__list li")[0].text_content().split())
        assert summary == f"{source.name}: {unknown}"
    finally:
        store.close()
