"""MARC21 input as it arrives: NFD and MARC-8 text, ISO 2709 files, and broken records
(no title, no 001, garbage 008, empty fields) that must fail clearly or not at all."""

import io
import unicodedata

import pymarc
import pytest
from pymarc import Field, Indicators

from harvesters.crosswalk import CrosswalkError
from tests.support.marc_records import crosswalk, df, marc, titled


def test_nfd_input_comes_out_nfc_byte_exact():
    nfd = unicodedata.normalize("NFD", "Hà Nội nghìn năm văn hiến")
    assert nfd != "Hà Nội nghìn năm văn hiến"
    record = crosswalk(
        marc(
            df("245", "10", "a", nfd + " /"),
            df("100", "0 ", "a", unicodedata.normalize("NFD", "Đặng Thai Mai.")),
        )
    )
    assert record.title.encode() == "Hà Nội nghìn năm văn hiến".encode()
    assert record.authors == ["Đặng Thai Mai"]
    assert unicodedata.is_normalized("NFC", record.authors[0])


def test_marc8_file_decoded_by_pymarc():
    """A MARC-8 record (combining marks before the letter) read back as NFC Unicode."""
    marc8 = b"H\xe1a N\xe3\xf2oi ngh\xe1in n\xe6am v\xe6an hi\xe3\xe2en".decode("latin-1")
    author = b"\xa3\xe6\xf2ang Thai Mai".decode("latin-1")
    record = marc(
        df("245", "10", "a", marc8 + " /"),
        df("100", "0 ", "a", author),
        leader="00000nam  2200000 a 4500",
    )
    record.to_unicode = False  # keep leader/09 blank: strings written byte for byte
    data = record.as_marc()
    decoded = next(iter(pymarc.MARCReader(io.BytesIO(data), to_unicode=True)))
    result = crosswalk(decoded)
    assert result.title == "Hà Nội nghìn năm văn hiến"
    assert result.authors == ["Đặng Thai Mai"]


def test_utf8_iso2709_round_trip():
    record = titled(leader="00000nam a2200000 a 4500")
    decoded = next(iter(pymarc.MARCReader(io.BytesIO(record.as_marc()), to_unicode=True)))
    assert crosswalk(decoded).title == "Truyện Kiều"


# --- bad records ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        [],
        [df("245", "10", "a", "")],
        [df("245", "10", "a", "   ", "b", "")],
        [df("245", "10", "c", "Nguyễn Du.")],
        [df("245", "10", "a", " / ")],
    ],
)
def test_no_usable_title_is_a_crosswalk_error(fields):
    with pytest.raises(CrosswalkError, match="title"):
        crosswalk(marc(*fields))


def test_no_local_id_is_a_crosswalk_error():
    with pytest.raises(CrosswalkError, match="001"):
        crosswalk(titled(control=None))
    with pytest.raises(CrosswalkError):
        crosswalk(None)


def test_deleted_record_needs_no_title():
    record = crosswalk(marc(leader="00000dam a2200000 a 4500"))
    assert record.deleted and record.title == ""


@pytest.mark.parametrize("f8", ["", "9805", "980512s19", "garbage\x00" * 2, "x" * 60])
def test_short_or_garbage_008_does_not_crash(f8):
    record = crosswalk(titled(df("260", "  ", "c", "1975."), f8=f8 or False))
    assert record.year == 1975
    assert record.format == "book"


def test_empty_subfields_and_empty_fields_do_not_crash():
    record = crosswalk(
        titled(
            df("020", "  ", "a", ""),
            df("100", "0 ", "a", "", "e", ""),
            df("650", " 7", "a", "", "x", "Lịch sử"),
            df("856", "40", "u", "", "3", ""),
            df("952", "  "),
            df("852", "  ", "a", ""),
            df("505", "0 ", "a", " -- "),
            Field(tag="020", indicators=Indicators(" ", " "), subfields=[]),
            leader="short",
        )
    )
    assert record.isbns == record.authors == record.digital_objects == record.contents == []
    assert record.subjects == ["Lịch sử"]
    assert [h.library for h in record.holdings] == ["hanoi-library", "hanoi-library"]
