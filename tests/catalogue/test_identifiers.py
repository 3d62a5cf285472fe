"""ISBN/ISSN/LCCN/OCLC normalisation: the numbers work clustering matches on."""

import pytest

from catalogue.identifiers import (
    compact_isbn,
    isbn10_to_13,
    isbn13_to_10,
    normalise_isbn,
    normalise_issn,
    normalise_lccn,
    normalise_oclc,
)


@pytest.mark.parametrize(
    "written",
    [
        "9780306406157",
        "978-0-306-40615-7",
        "978 0 306 40615 7",
        "0306406152",
        "0-306-40615-2",
        "0-306-40615-2 (pbk.)",
        "ISBN 0-306-40615-2",
        "ISBN: 978-0-306-40615-7",
        "urn:isbn:9780306406157",
        "978-0-306-40615-7 (bìa mềm) : 50000đ",
        "978\u20130\u2013306\u201340615\u20137",  # en dashes pasted from a word processor
    ],
)
def test_every_usual_spelling_gives_the_same_isbn13(written):
    assert normalise_isbn(written) == "9780306406157"


def test_isbn10_with_x_check_digit_either_case():
    assert normalise_isbn("0-8044-2957-X") == "9780804429573"
    assert normalise_isbn("080442957x") == "9780804429573"


def test_isbn10_and_isbn13_of_one_book_are_equal_after_normalising():
    assert normalise_isbn("0306406152") == normalise_isbn("978-0-306-40615-7")
    assert isbn10_to_13("0306406152") == "9780306406157"
    assert isbn13_to_10("9780306406157") == "0306406152"
    assert isbn13_to_10("9791069350007") is None  # 979 numbers have no ISBN-10


def test_vietnamese_979_and_978_604_isbns():
    assert normalise_isbn("978-604-1-10123-4") == "9786041101234"
    assert normalise_isbn("979-10-69350-00-7") == "9791069350007"


@pytest.mark.parametrize(
    "bad",
    [
        "978-0-306-40615-8",  # wrong check digit
        "9786044045826",  # wrong check digit, though its first ten digits pass as an ISBN-10
        "0-306-40615-3",  # wrong check digit
        "123-4-567-89012-8",  # 13 digits, not 978/979
        "12345",
        "(pbk.)",
        "",
    ],
)
def test_invalid_isbns_are_none(bad):
    assert normalise_isbn(bad) is None


def test_a_price_typed_after_the_number_does_not_spoil_it():
    assert normalise_isbn("978 604 1 10123 4 50000") == "9786041101234"


def test_compact_isbn_keeps_the_number_without_punctuation():
    assert compact_isbn("978-0-306-40615-8 (pbk.)") == "9780306406158"
    assert compact_isbn("0-8044-2957-x") == "080442957X"
    assert compact_isbn("(pbk.)") == ""


@pytest.mark.parametrize(
    "written", ["0866-7489", "08667489", "ISSN 0866-7489", "urn:issn:0866-7489"]
)
def test_issn_is_hyphenated_and_checked(written):
    assert normalise_issn(written) == "0866-7489"


def test_issn_with_x_and_bad_check_digit():
    assert normalise_issn("0000-006x") == "0000-006X"
    assert normalise_issn("0866\u20137489") == "0866-7489"
    assert normalise_issn("0866-7488") is None
    assert normalise_issn("not an issn") is None


@pytest.mark.parametrize(
    ("written", "normal"),
    [("85-2 ", "85000002"), ("n 79-12345", "n79012345"), ("   2001627090 //r85", "2001627090")],
)
def test_lccn_normalised_as_the_library_of_congress_says(written, normal):
    assert normalise_lccn(written) == normal


def test_oclc_number_from_035():
    assert normalise_oclc("(OCoLC)ocm00012345") == "12345"
    assert normalise_oclc("(OCoLC)ocn123456789") == "123456789"
    assert normalise_oclc("(OCoLC)987654") == "987654"
    assert normalise_oclc("(VnHaNL)000123") == ""
