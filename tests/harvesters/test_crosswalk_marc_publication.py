"""MARC21 languages, year, place and publisher, and identifiers (ISBN, ISSN, OCLC, LCCN,
call numbers)."""

import pytest

from tests.support.marc_records import crosswalk, df, f008, titled


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
