"""MARC21 holdings: Koha items (952) and MARC holdings (852), status, due dates, copies."""

import io
from datetime import UTC, date, datetime

import pymarc
import pytest

from tests.support.marc_records import crosswalk, df, titled


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ((), "available"),
        (("7", "0"), "available"),
        (("7", "1"), "reference_only"),
        (("7", "-1"), "reference_only"),
        (("q", "2024-06-01"), "on_loan"),
        (("4", "1"), "in_repair"),
        (("1", "2"), "unknown"),  # lost
        (("0", "1"), "unknown"),  # withdrawn
        (("1", "0", "4", "0", "q", ""), "available"),
        (("4", "1", "q", "2024-06-01"), "in_repair"),
    ],
)
def test_koha_item_status(item, status):
    stamp = datetime(2024, 5, 2, 3, 0, tzinfo=UTC)
    record = crosswalk(
        titled(df("952", "  ", "a", "HNLIB", "c", "REF", "p", "HN0001", *item)), datestamp=stamp
    )
    assert record.holdings[0].status == status
    assert record.holdings[0].status_read_at == stamp


def test_koha_items_and_marc_holdings():
    record = crosswalk(
        titled(
            df(
                "852",
                "  ",
                "a",
                "Thư viện Quốc gia Việt Nam",
                "b",
                "Kho mở",
                "c",
                "Tầng 3",
                "h",
                "895.9221",
                "i",
                "NG-D",
                "p",
                "QG-77",
            ),
            df("852", "  ", "b", "Phòng đọc", "h", "V23"),
            df(
                "952",
                "  ",
                "a",
                "HNLIB",
                "b",
                "HNLIB",
                "c",
                "GEN",
                "o",
                "895.9221 NG-D",
                "p",
                "HN000123",
                "7",
                "0",
            ),
            df("952", "  ", "b", "CAUGIAY", "c", "CHILD", "o", "V23 NG-D", "q", "2024-06-01"),
        ),
        source_key="hanoi-library",
    )
    # The library is the source's (the harvest names it); branches lead the location.
    assert [
        (h.library, h.location, h.call_number, h.barcode, h.status) for h in record.holdings
    ] == [
        (
            "hanoi-library",
            "Thư viện Quốc gia Việt Nam, Kho mở, Tầng 3",
            "895.9221 NG-D",
            "QG-77",
            "unknown",
        ),
        ("hanoi-library", "Phòng đọc", "V23", "", "unknown"),
        ("hanoi-library", "HNLIB, GEN", "895.9221 NG-D", "HN000123", "available"),
        ("hanoi-library", "CAUGIAY, CHILD", "V23 NG-D", "", "on_loan"),
    ]
    assert record.holdings[0].status_read_at is None  # 852 says nothing about loans
    # 952 $q: on loan, and when it is due back; nothing due for the other copies
    assert [h.due for h in record.holdings] == [None, None, None, date(2024, 6, 1)]


@pytest.mark.parametrize(
    ("q", "due"),
    [("2026-06-13", date(2026, 6, 13)), ("20260613", date(2026, 6, 13)), ("2026-02-30", None)],
)
def test_koha_date_due_in_either_form_and_never_an_impossible_date(q, due):
    record = crosswalk(titled(df("952", "  ", "b", "HNLIB", "o", "V23", "q", q)))
    assert record.holdings[0].status == "on_loan" and record.holdings[0].due == due


def test_copy_number_from_koha_952_t_and_marc_852_t_trimmed():
    """Koha's items.copynumber (952 $t) and MARC holdings' copy number (852 $t), through
    an ISO 2709 file as a library exports it; a copy without $t has none."""
    written = titled(
        df("852", "  ", "a", "ĐHQGHN", "b", "Kho mở", "h", "895.9221", "p", "VNU-1", "t", " 1 "),
        df("952", "  ", "b", "HNLIB", "o", "V23 NG-D", "p", "HN000123", "t", "  2  "),
        df("952", "  ", "b", "HNLIB", "o", "V23 NG-D", "p", "HN000124", "t", "c. 3"),
        df("952", "  ", "b", "HNLIB", "o", "V23 NG-D", "p", "HN000125"),
    )
    exported = next(iter(pymarc.MARCReader(io.BytesIO(written.as_marc()), to_unicode=True)))
    record = crosswalk(exported)
    assert [(h.barcode, h.copy_number) for h in record.holdings] == [
        ("VNU-1", "1"),
        ("HN000123", "2"),
        ("HN000124", "c. 3"),
        ("HN000125", ""),
    ]


@pytest.mark.parametrize(
    ("t_values", "copy_number"),
    [((), ""), (("",), ""), (("   ",), ""), (("", "4"), "4"), (("5", "6"), "5")],
)
def test_copy_number_is_the_first_t_with_text(t_values, copy_number):
    t_pairs = [part for value in t_values for part in ("t", value)]
    record = crosswalk(titled(df("952", "  ", "b", "HNLIB", "p", "HN1", *t_pairs)))
    assert record.holdings[0].copy_number == copy_number
