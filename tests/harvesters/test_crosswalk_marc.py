"""MARC21 → Record, on records shaped like the ones Hanoi's libraries export."""

import io
import unicodedata
from datetime import UTC, date, datetime

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield

from harvesters.crosswalk import CrosswalkError, filing_title, marc_rights_note, marc_to_record
from harvesters.crosswalk.marc import MARC_RULES, marc_format

BOOK = "00000nam a2200000 a 4500"


def f008(date1="1998", lang="vie", nature="    ", visual=" ", place="vm "):
    """A 40-character 008: entered 980512, single date, material positions mostly blank."""
    data = list("980512s" + date1 + "    " + place + " " * 17 + lang + " d")
    data[24:28] = nature
    data[33] = visual
    return "".join(data)


def df(tag, ind, *codes_values):
    """A data field: df("245", "10", "a", "Truyện Kiều /", "c", "Nguyễn Du.")."""
    pairs = zip(codes_values[::2], codes_values[1::2], strict=True)
    return Field(
        tag=tag,
        indicators=Indicators(ind[0], ind[1]),
        subfields=[Subfield(code, value) for code, value in pairs],
    )


def cf(tag, data):
    return Field(tag=tag, data=data)


def marc(*fields, leader=BOOK, control="rec-1", f8=None):
    record = pymarc.Record()
    record.leader = leader
    if control is not None:
        record.add_field(cf("001", control))
    if f8 is not False:
        record.add_field(cf("008", f8 or f008()))
    for field in fields:
        record.add_field(field)
    return record


def titled(*fields, **kwargs):
    return marc(df("245", "10", "a", "Truyện Kiều /", "c", "Nguyễn Du."), *fields, **kwargs)


def crosswalk(record, **kwargs):
    kwargs.setdefault("source_key", "hanoi-library")
    return marc_to_record(record, **kwargs)


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


# --- title --------------------------------------------------------------------------


def test_non_filing_indicator_keeps_the_article_in_the_title_and_drops_it_for_filing():
    record = marc(
        df(
            "245",
            "14",
            "a",
            "The history of Hanoi :",
            "b",
            "a thousand years /",
            "c",
            "Nguyễn Văn A.",
        )
    )
    assert crosswalk(record).title == "The history of Hanoi"
    assert crosswalk(record).subtitle == "a thousand years"
    assert filing_title(record) == "history of Hanoi"


@pytest.mark.parametrize(
    ("ind2", "filed"),
    [("0", "Ca dao"), (" ", "Ca dao"), ("x", "Ca dao"), ("9", "Ca dao"), ("3", "dao")],
)
def test_filing_title_trusts_the_indicator_but_never_empties_the_title(ind2, filed):
    record = marc(df("245", "1" + ind2, "a", "Ca dao."))
    assert filing_title(record) == filed


def test_part_number_and_name_join_the_title():
    record = marc(
        df(
            "245",
            "10",
            "a",
            "Lịch sử Việt Nam.",
            "n",
            "Tập 1,",
            "p",
            "Thời tiền sử /",
            "c",
            "Viện Sử học.",
        )
    )
    assert crosswalk(record).title == "Lịch sử Việt Nam. Tập 1, Thời tiền sử"


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("Hà Nội /", "Hà Nội"),
        ("Hà Nội :", "Hà Nội"),
        ("Hà Nội ;", "Hà Nội"),
        ("Hà Nội =", "Hà Nội"),
        ("Hà Nội.", "Hà Nội"),
        ("Hà Nội,", "Hà Nội"),
        ("Hà Nội. /", "Hà Nội"),
        ("Thế kỷ XX...", "Thế kỷ XX..."),
    ],
)
def test_trailing_isbd_punctuation_is_stripped(written, clean):
    assert crosswalk(marc(df("245", "00", "a", written))).title == clean


def test_archival_form_title_when_there_is_no_title_proper():
    record = marc(
        df("245", "00", "k", "Hồ sơ,", "f", "1945-1954."), leader="00000npc a2200000 a 4500"
    )
    assert crosswalk(record).title == "Hồ sơ"


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relator", "role"),
    [
        ((), "authors"),
        (("e", "tác giả."), "authors"),
        (("e", "author."), "authors"),
        (("4", "aut"), "authors"),
        (("e", "dịch."), "contributors"),
        (("e", "translator."), "contributors"),
        (("4", "trl"), "contributors"),
        (("e", "người đọc"), "contributors"),
        (("e", "narrator"), "contributors"),
        (("4", "nrt"), "contributors"),
        (("e", "chủ biên"), "contributors"),
    ],
)
def test_added_entry_relator_decides_author_or_contributor(relator, role):
    record = crosswalk(titled(df("700", "1 ", "a", "Trần, Văn Bình,", "d", "1950-", *relator)))
    other = "contributors" if role == "authors" else "authors"
    assert getattr(record, role) == ["Trần, Văn Bình"]
    assert getattr(record, other) == []


def test_main_entries_then_added_entries_in_order_corporate_and_meeting_names():
    record = crosswalk(
        titled(
            df("110", "2 ", "a", "Viện Văn học.", "b", "Phòng Văn học cổ."),
            df("700", "0 ", "a", "Hồ Xuân Hương."),
            df(
                "711",
                "2 ",
                "a",
                "Hội thảo Nguyễn Du",
                "d",
                "(2015 :",
                "c",
                "Hà Nội)",
                "j",
                "tác giả",
            ),
            df("710", "2 ", "a", "Nhà xuất bản Trẻ,", "e", "nhà xuất bản."),
        )
    )
    assert record.authors == [
        "Viện Văn học. Phòng Văn học cổ",
        "Hồ Xuân Hương",
        "Hội thảo Nguyễn Du (2015 : Hà Nội)",
    ]
    assert record.contributors == ["Nhà xuất bản Trẻ"]


def test_name_title_entries_are_works_not_people():
    record = crosswalk(
        titled(df("700", "02", "a", "Nguyễn Trãi,", "d", "1380-1442.", "t", "Bình Ngô đại cáo."))
    )
    assert record.authors == record.contributors == []


def test_initials_keep_their_period():
    record = crosswalk(titled(df("100", "1 ", "a", "Smith, J.", "q", "(John)")))
    assert record.authors == ["Smith, J. (John)"]


# --- subjects, genres -------------------------------------------------------------------


def test_subject_headings_of_every_kind_with_subdivisions():
    record = crosswalk(
        titled(
            df("600", "04", "a", "Nguyễn Du,", "d", "1765-1820", "x", "Phê bình và chú giải."),
            df("610", "24", "a", "Đảng Cộng sản Việt Nam", "x", "Lịch sử."),
            df("611", "24", "a", "Hội nghị Diên Hồng", "d", "(1284)"),
            df("630", "04", "a", "Truyện Kiều."),
            df(
                "651",
                " 4",
                "a",
                "Hà Nội (Việt Nam)",
                "x",
                "Lịch sử",
                "y",
                "1010-2010",
                "v",
                "Bản đồ.",
            ),
            df("653", "  ", "a", "Thơ lục bát", "a", "Văn học trung đại"),
            df("655", " 7", "a", "Tiểu thuyết", "z", "Việt Nam."),
        )
    )
    assert record.subjects == [
        "Nguyễn Du, 1765-1820 -- Phê bình và chú giải",
        "Đảng Cộng sản Việt Nam -- Lịch sử",
        "Hội nghị Diên Hồng (1284)",
        "Truyện Kiều",
        "Hà Nội (Việt Nam) -- Lịch sử -- 1010-2010 -- Bản đồ",
        "Thơ lục bát",
        "Văn học trung đại",
    ]
    assert record.genres == ["Tiểu thuyết -- Việt Nam"]


# --- languages, year, publication ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code_008", "codes_041", "expected"),
    [
        ("vie", [], ["vie"]),
        ("vn ", [], ["vie"]),
        ("VIE", ["vi"], ["vie"]),
        ("vie", ["vieeng"], ["vie", "eng"]),
        ("fre", ["fra", "vie"], ["fre", "vie"]),
        ("   ", ["chi"], ["chi"]),
        ("und", [], []),
        ("|||", ["zh"], ["chi"]),
    ],
)
def test_languages_from_008_and_041_deduplicated_iso639_2(code_008, codes_041, expected):
    fields = [df("041", "0 ", *[x for code in codes_041 for x in ("a", code)])] if codes_041 else []
    record = crosswalk(titled(*fields, f8=f008(lang=code_008)))
    assert record.languages == expected


@pytest.mark.parametrize(
    ("date1", "fields", "year"),
    [
        ("1998", [df("260", "  ", "c", "2001.")], 1998),
        ("19uu", [df("260", "  ", "c", "[1998?]")], 1998),
        ("    ", [df("264", " 1", "c", "2019"), df("260", "  ", "c", "2001")], 2019),
        ("    ", [df("264", " 4", "c", "©2005")], 2005),
        ("    ", [df("264", " 3", "c", "2010")], None),  # manufacture only
        ("    ", [df("260", "  ", "c", "c1987, in lần 2 năm 1990")], 1987),
        ("    ", [df("260", "  ", "c", "[không rõ năm]")], None),
    ],
)
def test_year_from_008_then_264_then_260(date1, fields, year):
    assert crosswalk(titled(*fields, f8=f008(date1=date1))).year == year


def test_publisher_and_place_prefer_264_publication_and_drop_unknowns():
    record = crosswalk(
        titled(
            df("264", " 3", "a", "Bắc Ninh :", "b", "In tại Nhà in Bắc Ninh"),
            df("264", " 1", "a", "Hà Nội :", "b", "Nxb. Hội Nhà văn ;", "b", "Công ty Nhã Nam,"),
            df("260", "  ", "a", "TP. Hồ Chí Minh :", "b", "Trẻ"),
        )
    )
    assert (record.place, record.publisher) == ("Hà Nội", "Nxb. Hội Nhà văn")
    unknown = crosswalk(titled(df("260", "  ", "a", "[S.l. :", "b", "s.n.],", "c", "1975")))
    assert (unknown.place, unknown.publisher, unknown.year) == ("", "", 1998)


# --- identifiers -----------------------------------------------------------------------------


def test_isbn10_and_isbn13_of_one_book_give_one_isbn():
    record = crosswalk(
        titled(
            df("020", "  ", "a", "0-306-40615-2 (pbk.)"),
            df("020", "  ", "a", "978-0-306-40615-7"),
            df("020", "  ", "a", "080442957x"),
        )
    )
    assert record.isbns == ["9780306406157", "9780804429573"]
    assert record.invalid_isbns == []


def test_invalid_isbns_never_reach_isbns():
    record = crosswalk(
        titled(
            df("020", "  ", "a", "978-0-306-40615-8", "q", "bìa cứng"),
            df("020", "  ", "z", "0-306-40615-2"),
            df("020", "  ", "a", "(pbk.)"),
        )
    )
    assert record.isbns == []
    assert record.invalid_isbns == ["9780306406158", "0306406152"]


def test_issn_oclc_lccn():
    record = crosswalk(
        titled(
            df("010", "  ", "a", "  85-2 "),
            df("022", "0 ", "a", "0866-7489", "y", "0866-7488"),
            df("022", "  ", "a", "08667488"),  # bad check digit: dropped
            df("035", "  ", "a", "(VnHaNL)000123"),
            df("035", "  ", "a", "(OCoLC)ocm00012345"),
        )
    )
    assert record.issns == ["0866-7489"]
    assert record.oclc == "12345"
    assert record.lccn == "85000002"


def test_call_numbers_from_every_scheme_and_local_fields():
    record = crosswalk(
        titled(
            df("050", "00", "a", "PL4378.9.N5", "b", "T7 1998"),
            df("082", "04", "a", "895.9221"),
            df("090", "  ", "a", "V23", "b", "NG-D"),
            df("099", "  ", "a", "VV", "a", "12345"),
            df("852", "  ", "a", "HNLIB", "h", "895.9221", "i", "NG-D"),
            df("952", "  ", "a", "HNLIB", "o", "895.9221 NG-D"),
        )
    )
    assert record.call_numbers == [
        "PL4378.9.N5 T7 1998",
        "V23 NG-D",
        "895.9221",
        "VV 12345",
        "895.9221 NG-D",
    ]


# --- contents, series, collections, rights -----------------------------------------------------

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


# --- holdings ----------------------------------------------------------------------------------


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


# --- format ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind_level", "f8", "extra", "expected"),
    [
        ("am", f008(), [], "book"),
        ("ac", f008(), [], "book"),
        ("tm", f008(), [], "manuscript"),
        ("as", f008(), [], "periodical"),
        ("ai", f008(), [], "periodical"),
        ("ab", f008(), [], "article"),
        ("aa", f008(), [], "article"),
        ("am", f008(nature="m   "), [], "thesis"),
        ("am", f008(nature="bm  "), [], "thesis"),
        (
            "am",
            f008(),
            [df("502", "  ", "a", "Luận án (Tiến sĩ)--Đại học Quốc gia Hà Nội, 2010.")],
            "thesis",
        ),
        ("tm", f008(), [df("502", "  ", "a", "Luận văn (Thạc sĩ)")], "thesis"),
        ("em", f008(), [], "map"),
        ("fm", f008(), [], "map"),
        ("cm", f008(), [], "music"),
        ("dm", f008(), [], "music"),
        ("jm", f008(), [], "music"),
        ("im", f008(), [], "audiobook"),
        ("gm", f008(visual="v"), [], "video"),
        ("gm", f008(visual="m"), [], "video"),
        ("gm", f008(visual="s"), [], "image"),
        ("km", f008(), [], "image"),
        ("pc", f008(), [], "archival"),
        ("mm", f008(), [], "book"),
        ("rm", f008(), [], "book"),
        ("?m", f008(), [], "book"),
    ],
)
def test_format_from_leader_and_008(kind_level, f8, extra, expected):
    leader = "00000n" + kind_level + " a2200000 a 4500"
    record = titled(*extra, leader=leader, f8=f8)
    assert marc_format(record) == expected
    assert crosswalk(record).format == expected


def test_video_test_survives_a_short_008():
    assert marc_format(titled(leader="00000ngm a2200000 a 4500", f8="short")) == "image"


# --- text encoding -------------------------------------------------------------------------------


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
