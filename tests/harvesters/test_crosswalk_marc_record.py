"""MARC21 → Record as a whole, on Truyện Kiều as Thư viện Hà Nội exports it."""

from datetime import UTC, datetime

import pytest

from harvesters.crosswalk.marc import MARC_RULES
from tests.support.marc_records import crosswalk, df, f008, marc, titled


@pytest.fixture
def kieu():
    """Truyện Kiều as Thư viện Hà Nội catalogues it, with a Koha item."""
    return marc(
        df("020", "  ", "a", "978-604-1-10123-4 (bìa mềm)", "c", "85000đ"),
        df("020", "  ", "a", "604-1-10123-X"),  # bad check digit
        df("020", "  ", "z", "978-604-1-00000-9"),
        df("041", "0 ", "a", "vie", "a", "eng"),
        df("082", "04", "a", "895.9221/32", "2", "23"),
        df("090", "  ", "a", "V23", "b", "NG-D"),
        df("100", "0 ", "a", "Nguyễn Du,", "d", "1765-1820."),
        df(
            "245",
            "10",
            "a",
            "Truyện Kiều :",
            "b",
            "thơ /",
            "c",
            "Nguyễn Du ; Huỳnh Sanh Thông dịch.",
        ),
        df("250", "  ", "a", "Tái bản lần thứ 3."),
        df("260", "  ", "a", "[Hà Nội] :", "b", "Văn học,", "c", "2015."),
        df("490", "1 ", "a", "Tủ sách Văn học kinh điển ;", "v", "3"),
        df("520", "  ", "a", "Kiệt tác của Nguyễn Du."),
        df("520", "  ", "a", "Bản in có chú giải."),
        df("650", " 7", "a", "Văn học Việt Nam", "y", "Thế kỷ 18", "v", "Thơ.", "2", "bvb"),
        df("650", " 7", "a", "Văn học Việt Nam", "y", "Thế kỷ 18", "v", "Thơ."),  # repeated
        df("700", "0 ", "a", "Huỳnh Sanh Thông,", "e", "dịch."),
        df("830", " 0", "a", "Tủ sách Văn học kinh điển."),
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
        f8=f008(date1="2015"),
        control="000123",
    )


def test_truyen_kieu_maps_field_by_field(kieu):
    stamp = datetime(2024, 5, 1, tzinfo=UTC)
    record = crosswalk(kieu, datestamp=stamp)

    assert record.id == "hanoi-library:000123"
    assert record.datestamp == stamp
    assert record.title == "Truyện Kiều"
    assert record.subtitle == "thơ"
    assert record.authors == ["Nguyễn Du"]
    assert record.contributors == ["Huỳnh Sanh Thông"]
    assert record.subjects == ["Văn học Việt Nam -- Thế kỷ 18 -- Thơ"]
    assert record.languages == ["vie", "eng"]
    assert record.year == 2015
    assert (record.place, record.publisher) == ("Hà Nội", "Văn học")
    assert record.edition == "Tái bản lần thứ 3"
    assert record.series == ["Tủ sách Văn học kinh điển"]
    assert record.description == "Kiệt tác của Nguyễn Du.\n\nBản in có chú giải."
    assert record.isbns == ["9786041101234"]
    assert record.invalid_isbns == ["604110123X", "9786041000009"]
    assert record.call_numbers == ["V23 NG-D", "895.922132", "895.9221 NG-D"]
    assert record.format == "book"
    assert record.raw_format == "marc21"
    assert record.raw == ""


def test_raw_format_is_the_callers(kieu):
    assert crosswalk(kieu, raw_format="marcxml").raw_format == "marcxml"


def test_local_id_defaults_to_001_and_can_be_given():
    assert crosswalk(titled()).local_id == "rec-1"
    assert crosswalk(titled(), local_id="oai:hn:7").id == "hanoi-library:oai:hn:7"


def test_every_rule_targets_a_record_field():
    from catalogue import Record

    assert {rule.target for rule in MARC_RULES} <= set(Record.__dataclass_fields__)


def test_a_maps_scale_leads_its_description():
    record = crosswalk(
        titled(
            df("520", "  ", "a", "Bản đồ các phường nội thành."),
            df("255", "  ", "a", "Tỷ lệ 1:10.000 ;"),
        )
    )
    assert record.description == "Tỷ lệ 1:10.000\n\nBản đồ các phường nội thành."
