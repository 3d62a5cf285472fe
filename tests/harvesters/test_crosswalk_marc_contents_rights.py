"""MARC21 contents and digital objects, series, collections, rights and embargoes."""

from datetime import date

import pytest

from harvesters.crosswalk import marc_rights_note
from tests.support.marc_records import crosswalk, df, marc, titled

AUDIOBOOK = "00000nim a2200000 a 4500"


def test_audiobook_with_chapters_and_mp3_files():
    record = crosswalk(
        marc(
            df("245", "10", "a", "Dế Mèn phiêu lưu ký", "h", "[Sách nói] /", "c", "Tô Hoài."),
            df("100", "0 ", "a", "Tô Hoài,", "d", "1920-2014,", "e", "tác giả."),
            df(
                "505",
                "0 ",
                "a",
                "Chương 1. Tôi sống độc lập từ thuở bé (12:30) -- "
                "Chương 2. Trận đánh với Cóc (08:05) -- Chương 3. Gã Xiến Tóc.",
            ),
            df("511", "0 ", "a", "Người đọc: Hà Phương."),
            df("700", "0 ", "a", "Hà Phương,", "e", "người đọc."),
            df("856", "40", "3", "Chương 1", "u", "https://thuvien.example/kieu/ch01.mp3"),
            df(
                "856",
                "40",
                "3",
                "Chương 2",
                "u",
                "https://thuvien.example/kieu/ch02.MP3",
                "q",
                "audio/mpeg",
            ),
            df("856", "40", "y", "Chương 3", "u", "https://thuvien.example/kieu/ch03.m4a"),
            leader=AUDIOBOOK,
        )
    )
    assert record.format == "audiobook"
    assert record.title == "Dế Mèn phiêu lưu ký"
    assert record.authors == ["Tô Hoài"]
    assert record.contributors == ["Hà Phương"]
    assert record.contents == [
        "Chương 1. Tôi sống độc lập từ thuở bé (12:30)",
        "Chương 2. Trận đánh với Cóc (08:05)",
        "Chương 3. Gã Xiến Tóc",
    ]
    assert [(o.kind, o.label, o.order, o.mime_type) for o in record.digital_objects] == [
        ("audio", "Chương 1", 0, "audio/mpeg"),
        ("audio", "Chương 2", 1, "audio/mpeg"),
        ("audio", "Chương 3", 2, "audio/mp4"),
    ]


def test_enhanced_contents_note():
    record = crosswalk(
        titled(
            df(
                "505",
                "00",
                "g",
                "1.",
                "t",
                "Đất nước /",
                "r",
                "Nguyễn Khoa Điềm --",
                "g",
                "2.",
                "t",
                "Bên kia sông Đuống /",
                "r",
                "Hoàng Cầm.",
            )
        )
    )
    assert record.contents == [
        "1. Đất nước / Nguyễn Khoa Điềm",
        "2. Bên kia sông Đuống / Hoàng Cầm",
    ]


def test_scans_pdf_and_unknown_files_in_order_related_links_skipped():
    record = crosswalk(
        titled(
            df(
                "856",
                "42",
                "3",
                "Giới thiệu của nhà xuất bản",
                "u",
                "https://nxb.example/kieu.html",
            ),
            df("856", "41", "3", "Trang bìa", "u", "https://scans.example/kieu/0001.jpg"),
            df(
                "856",
                "41",
                "u",
                "https://scans.example/kieu/0002.tif",
                "u",
                "https://scans.example/kieu/0003.png",
            ),
            df("856", "40", "q", "JPEG", "u", "https://scans.example/iiif/kieu-4"),
            df("856", "40", "y", "Toàn văn", "u", "https://scans.example/kieu.pdf"),
            df("856", "40", "u", "https://scans.example/kieu/viewer"),
            df("856", "40", "3", "no url"),
        )
    )
    assert [
        (o.kind, o.location.rsplit("/", 1)[-1], o.label, o.order) for o in record.digital_objects
    ] == [
        ("image", "0001.jpg", "Trang bìa", 0),
        ("image", "0002.tif", "", 1),
        ("image", "0003.png", "", 2),
        ("image", "kieu-4", "", 3),
        ("pdf", "kieu.pdf", "Toàn văn", 4),
        ("text", "viewer", "", 5),
    ]


def test_series_from_490_440_830_deduplicated():
    record = crosswalk(
        titled(
            df("490", "1 ", "a", "Văn học Việt Nam ;", "v", "12"),
            df("440", " 0", "a", "Danh tác"),
            df("830", " 0", "a", "Văn học Việt Nam."),
        )
    )
    assert record.series == ["Văn học Việt Nam", "Danh tác"]


def test_collections_from_host_item_and_local_979():
    record = crosswalk(
        titled(
            df("773", "0 ", "t", "Tạp chí Văn học.", "g", "Số 3 (2001)"),
            df("979", "  ", "a", "Sưu tập Hán Nôm"),
            df("979", "  ", "a", "Sưu tập Hán Nôm."),
        )
    )
    assert record.collections == ["Tạp chí Văn học", "Sưu tập Hán Nôm"]


@pytest.mark.parametrize(
    ("field", "uri"),
    [
        (
            df("540", "  ", "u", "http://rightsstatements.org/vocab/InC/1.0/"),
            "http://rightsstatements.org/vocab/InC/1.0/",
        ),
        (
            df("540", "  ", "u", "https://rightsstatements.org/page/NoC-US/1.0/?language=vi"),
            "http://rightsstatements.org/vocab/NoC-US/1.0/",
        ),
        (
            df(
                "540",
                "  ",
                "a",
                "Phát hành theo giấy phép https://creativecommons.org/licenses/by-nc/4.0/deed.vi.",
            ),
            "https://creativecommons.org/licenses/by-nc/4.0/",
        ),
        (
            df("540", "  ", "a", "Public domain: http://creativecommons.org/publicdomain/mark/1.0"),
            "https://creativecommons.org/publicdomain/mark/1.0/",
        ),
        (df("540", "  ", "a", "Chỉ đọc tại chỗ."), ""),
    ],
)
def test_rights_statement_uri_from_540(field, uri):
    assert crosswalk(titled(field)).rights_statement == uri


def test_restriction_note_and_embargo_from_506():
    record = titled(
        df("506", "1 ", "a", "Chỉ phục vụ bạn đọc tại thư viện.", "g", "20300101"),
        df("540", "  ", "a", "Bản quyền thuộc Nhà xuất bản Trẻ."),
    )
    assert crosswalk(record).embargo_until == date(2030, 1, 1)
    assert marc_rights_note(record) == (
        "Chỉ phục vụ bạn đọc tại thư viện.\nBản quyền thuộc Nhà xuất bản Trẻ."
    )
    assert crosswalk(titled(df("506", "  ", "g", "2031"))).embargo_until == date(2031, 1, 1)
    assert crosswalk(titled(df("506", "  ", "g", "sắp tới"))).embargo_until is None
