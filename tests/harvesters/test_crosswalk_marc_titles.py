"""MARC21 titles: non-filing characters, parts, ISBD punctuation, archival form titles."""

import pytest

from harvesters.crosswalk import filing_title
from tests.support.marc_records import crosswalk, df, marc


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
