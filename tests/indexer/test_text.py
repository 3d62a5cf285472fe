"""Folding, words, filing titles, edit distance, HTML highlighting."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.text import (
    byte_spans_to_chars,
    edit_distance,
    filing_title,
    fold,
    highlight_html,
    mark_words,
    same_i,
    strip_article,
    strip_isbd,
    title_proper,
    words,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hà Nội", "ha noi"),
        ("Hạ Nổi", "ha noi"),
        ("Đại Việt sử ký toàn thư", "dai viet su ki toan thu"),
        ("ĐƯỜNG", "duong"),
        ("Thăng Long", "thang long"),
        ("ơ ư Ơ Ư ă â ê ô", "o u o u a a e o"),
        ("Nguyễn Trãi", "nguyen trai"),
        ("Les Misérables", "les miserables"),
        ("Øresund Łódź straße", "oresund lodz strasse"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_the_same_for_decomposed_input():
    text = "Truyện Kiều đoạn trường"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "truyen kieu doan truong"


def test_tantivy_ascii_fold_agrees_with_fold():
    import tantivy

    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )
    text = "Đại Việt Hà Nội Thăng Long Ưu Ơn đĐ Nguyễn Trãi Huỳnh Thúc Kháng"
    assert analyzer.analyze(text) == fold(text).split()


def test_words_split_like_the_tokenizer():
    assert words("Truyện Kiều / Nguyễn Du, 1766-1820.") == [
        "Truyện",
        "Kiều",
        "Nguyễn",
        "Du",
        "1766",
        "1820",
    ]
    assert words(unicodedata.normalize("NFD", "Kiều")) == ["Kiều"]


def test_isbd_and_title_proper():
    assert strip_isbd("Truyện Kiều /") == "Truyện Kiều"
    assert strip_isbd("[Bản đồ Hà Nội]") == "Bản đồ Hà Nội"
    assert title_proper("Số đỏ : tiểu thuyết / Vũ Trọng Phụng") == "Số đỏ"
    assert title_proper("Hà Nội = Hanoi") == "Hà Nội"


@pytest.mark.parametrize(
    ("title", "languages", "expected"),
    [
        ("The Tale of Kieu", ["eng"], "Tale of Kieu"),
        ("Les Misérables", ["fre"], "Misérables"),
        ("L'Étranger", ["fre"], "Étranger"),
        ("The Tale of Kieu", [], "Tale of Kieu"),
        ("La Hán", ["vie"], "La Hán"),  # Vietnamese: never trimmed
        ("An Nam chí lược", [], "An Nam chí lược"),
        ("The", ["eng"], "The"),  # nothing left to file under
    ],
)
def test_strip_article(title, languages, expected):
    assert strip_article(title, languages) == expected


def test_filing_title():
    assert filing_title("The Tale of Kieu", ["eng"]) == "tale of kieu"
    assert filing_title("Đại Việt sử ký toàn thư /", ["vie"]) == "dai viet su ki toan thu"


def test_edit_distance():
    assert edit_distance("kieu", "kieu") == 0
    assert edit_distance("kiue", "kieu") == 1  # transposition
    assert edit_distance("kiu", "kieu") == 1
    assert edit_distance("nguyen", "nguyn") == 1
    assert edit_distance("abc", "xyz123", limit=3) == 3


def test_highlight_html_escapes_everything_but_marks():
    text = "<b>Hà</b> & Nội"
    html = highlight_html(text, [(3, 5), (12, 15)])
    assert html == "&lt;b&gt;<mark>Hà</mark>&lt;/b&gt; &amp; <mark>Nội</mark>"


def test_byte_spans_to_chars():
    text = "Hà Nội"
    assert byte_spans_to_chars(text, [(0, 3), (4, 9)]) == [(0, 2), (3, 6)]


def test_mark_words_is_diacritics_blind():
    assert mark_words("Truyện Kiều <1>", {"kieu"}) == "Truyện <mark>Kiều</mark> &lt;1&gt;"
    assert mark_words("Thăng Long", set(), ["tha"]) == "<mark>Thăng</mark> Long"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("phiêu lưu ký", "phieu luu ki"),
        ("phiêu lưu kí", "phieu luu ki"),
        ("Lý Thường Kiệt", "li thuong kiet"),
        ("Mỹ Tho", "mi tho"),
        ("QUÝ", "qui"),
        ("hy vọng", "hi vong"),
        # y that is a vowel of its own or follows another vowel stays y
        ("y tế", "y te"),
        ("Thủy", "thuy"),
        ("Huy", "huy"),
        ("Nguyễn", "nguyen"),
    ],
)
def test_consonant_y_folds_to_i(text, folded):
    assert fold(text) == folded
    assert fold(same_i(text)) == folded  # what the tantivy index is given folds the same
