"""Folding, words, filing titles, Vietnamese sort keys, edit distance, HTML highlighting."""

from __future__ import annotations

import random
import unicodedata

import pytest

from indexer.text import (
    byte_spans_to_chars,
    edit_distance,
    filing_title,
    fold,
    has_letters,
    highlight_html,
    is_vietnamese,
    mark_words,
    same_i,
    strip_article,
    strip_isbd,
    title_proper,
    title_sort_key,
    vietnamese_sort_key,
    vietnamese_syllables,
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


# --- Vietnamese sort keys -------------------------------------------------------------
# Expected orders follow CLDR's `vi` collation and Vũ Xuân Lương's dictionary rules:
# a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z, letters before tones,
# tones none < huyền < hỏi < ngã < sắc < nặng.


def vi_sorted(texts):
    return sorted(texts, key=vietnamese_sort_key)


def letters_and_tones(text):
    """The first two levels of a key: what is left when case and punctuation are set aside."""
    return vietnamese_sort_key(text).split("\t")[:2]


def shuffled(texts, seed=7):
    out = list(texts)
    random.Random(seed).shuffle(out)
    return out


VI_LETTERS = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")  # the 29 letters of Vietnamese


def test_vietnamese_letters_sort_in_alphabet_order():
    assert vi_sorted(shuffled(VI_LETTERS)) == VI_LETTERS
    upper = [letter.upper() for letter in VI_LETTERS]
    assert vi_sorted(shuffled(upper)) == upper


@pytest.mark.parametrize(
    "ordered",
    [
        ["An", "Ăn", "Ân", "Bản", "Đà", "Em", "Ê"],
        ["Dân", "Du", "Đa"],
        ["Dân tộc", "Di tích", "Địa chí", "Địa lý", "Đình chùa", "Đô thị hóa", "Gia phả"],
        ["Anh", "Ảnh", "Architecture", "Âm nhạc", "Ẩm thực", "Bản đồ"],
        ["Ô mai", "Ôn", "Ở", "Ơi", "Ơn", "Pháp"],
        ["Tu", "Túc", "Tư", "Tựa", "Tức", "Uống", "Ước", "Vua"],
        ["Ta", "Tăm", "Tâm", "Tân", "Tem", "Tết"],
    ],
)
def test_vietnamese_words_sort_letters_first(ordered):
    assert vi_sorted(shuffled(ordered)) == ordered
    assert vi_sorted(list(reversed(ordered))) == ordered


def test_d_stroke_files_after_every_d():
    ordered = ["Dzô", "Đ", "Đa", "Đà Nẵng", "Đzũng", "E"]
    assert vi_sorted(shuffled(ordered)) == ordered


def test_tones_are_a_secondary_level():
    ordered = ["ma", "mà", "mả", "mã", "má", "mạ"]  # huyền, hỏi, ngã, sắc, nặng
    assert vi_sorted(shuffled(ordered)) == ordered
    assert vi_sorted(shuffled(["ba", "bà", "bả", "hai", "hài", "hại"])) == [
        "ba",
        "bà",
        "bả",
        "hai",
        "hài",
        "hại",
    ]
    # a tone never outweighs a letter: "mạ" still comes before "mac", "ác" before "ach"
    assert vi_sorted(["mac", "mạ"]) == ["mạ", "mac"]
    assert vi_sorted(["ách", "ác"]) == ["ác", "ách"]
    assert vi_sorted(["anh", "ang"]) == ["ang", "anh"]
    # tones compare letter by letter once the letters are equal
    assert vi_sorted(["má ma", "ma má", "ma ma"]) == ["ma ma", "ma má", "má ma"]


def test_words_are_compared_word_by_word_shorter_first():
    ordered = ["An", "An toàn", "An toàn giao thông", "Anh", "Anh hùng"]
    assert vi_sorted(shuffled(ordered)) == ordered
    assert vi_sorted(["chan", "cha"]) == ["cha", "chan"]


def test_case_is_ignored_but_lower_case_breaks_a_tie():
    assert letters_and_tones("HÀ NỘI") == letters_and_tones("hà nội")
    assert vi_sorted(["ĐÀ LẠT", "an", "Đà Lạt", "Bắc Ninh"]) == [
        "an",
        "Bắc Ninh",
        "Đà Lạt",
        "ĐÀ LẠT",
    ]
    assert vi_sorted(["A", "a"]) == ["a", "A"]  # lower case first, as CLDR and dictionaries


def test_composed_and_decomposed_input_give_one_key():
    for text in ["Đà Nẵng", "Ước mơ", "Thời đại Hùng Vương", "Ẩm thực Huế", "Les Misérables"]:
        nfd = unicodedata.normalize("NFD", text)
        assert nfd != text
        assert vietnamese_sort_key(nfd) == vietnamese_sort_key(text)


def test_other_latin_letters_file_under_their_base_letter():
    # é, ü, ç, ñ, ø file as e, u, c, n, o; the accent only breaks a tie
    assert vi_sorted(["Zurich", "Zürich", "Zuse"]) == ["Zurich", "Zürich", "Zuse"]
    assert vi_sorted(["Façade", "Facade", "Fact"]) == ["Facade", "Façade", "Fact"]
    assert vi_sorted(["Élan", "Ecole", "Eme", "École", "Ê"]) == [
        "Ecole",
        "École",
        "Élan",
        "Eme",
        "Ê",
    ]
    assert vi_sorted(["Ørsted", "Osaka", "Orsted"]) == ["Orsted", "Ørsted", "Osaka"]
    assert vi_sorted(["Straße", "Strasse", "Strat"]) == ["Strasse", "Straße", "Strat"]
    assert vi_sorted(["Mañana", "Manana", "Manb"]) == ["Manana", "Mañana", "Manb"]
    # French ê and ô are the Vietnamese letters, so they file after e and o
    assert vi_sorted(["Fête", "Fez", "Fetz"]) == ["Fetz", "Fez", "Fête"]


def test_digits_file_before_letters_and_other_scripts_after():
    ordered = ["1945", "2000 năm Thăng Long", "A", "Zola", "Война и мир", "紅樓夢"]
    assert vi_sorted(shuffled(ordered)) == ordered


def test_punctuation_and_spacing_are_normalised():
    assert letters_and_tones("Hà  Nội") == letters_and_tones("Hà-Nội")
    assert letters_and_tones("«Hà Nội»") == letters_and_tones("Hà Nội")
    assert vietnamese_sort_key("  Hà\tNội \n") == vietnamese_sort_key("Hà Nội")
    # punctuation never sorts a title apart from its words
    ordered = vi_sorted(["Hà Nội xưa", "[Hà Nội]", "Hải Phòng", "Hà Nội!", "(Hà Nội)"])
    assert set(ordered[:3]) == {"[Hà Nội]", "Hà Nội!", "(Hà Nội)"}
    assert ordered[3:] == ["Hà Nội xưa", "Hải Phòng"]
    assert vietnamese_sort_key("") == vietnamese_sort_key("   ") == ""


def test_texts_differing_in_letters_tones_or_case_never_share_a_key():
    texts = ["Hà Nội", "hà nội", "HÀ NỘI", "Ha Noi", "Hạ Nổi", "Hà Nộii"]
    assert len({vietnamese_sort_key(t) for t in texts}) == len(texts)
    # punctuation alone is ignorable, as in CLDR: one key, a tie
    assert len({vietnamese_sort_key(t) for t in ["Hà Nội", "Hà-Nội", "Hà Nội."]}) == 1


def test_keys_compare_the_same_as_utf8_bytes():
    """tantivy and Solr compare a string field's UTF-8 bytes: the order must not change."""
    texts = ["Đà Nẵng", "Zürich", "紅樓夢", "Война", "1945", "Ước", "a", "A", "ạ"]
    by_key = vi_sorted(texts)
    assert sorted(texts, key=lambda t: vietnamese_sort_key(t).encode()) == by_key


# An independent reference: each Vietnamese letter spelled out with its tones, compared as
# (letters word by word, tones letter by letter, lower-case-first text).
_REFERENCE_ROWS = [
    "aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "b", "c", "d", "đ", "eèẻẽéẹ", "êềểễếệ", "g", "h",
    "iìỉĩíị", "k", "l", "m", "n", "oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "p", "q", "r", "s", "t",
    "uùủũúụ", "ưừửữứự", "v", "x", "yỳỷỹýỵ",
]  # fmt: skip
_REFERENCE = {
    char: (row_number, tone)
    for row_number, row in enumerate(_REFERENCE_ROWS)
    for tone, char in enumerate(row)
}


def _reference_key(text):
    words_ = text.lower().split()
    letters = tuple(tuple(_REFERENCE[c][0] for c in w) for w in words_)
    tones = tuple(_REFERENCE[c][1] for w in words_ for c in w)
    return letters, tones, text.swapcase()


def test_random_vietnamese_texts_sort_as_the_reference_says():
    rng = random.Random(2024)
    alphabet = "".join(_REFERENCE_ROWS)
    alphabet += alphabet.upper()
    texts = set()
    while len(texts) < 3000:
        count = rng.randint(1, 3)
        texts.add(
            " ".join(
                "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
                for _ in range(count)
            )
        )
    expected = sorted(texts, key=_reference_key)
    assert vi_sorted(texts) == expected
    nfd = {unicodedata.normalize("NFD", t): t for t in texts}
    assert [nfd[t] for t in vi_sorted(nfd)] == expected


def test_title_sort_key_keeps_non_filing_articles_out():
    assert title_sort_key("The Tale of Kieu /", ["eng"]) == vietnamese_sort_key("Tale of Kieu")
    assert title_sort_key("Les Misérables", ["fre"]) == vietnamese_sort_key("Misérables")
    assert title_sort_key("La Thành", ["vie"]) == vietnamese_sort_key("La Thành")
    titles = {
        "The Tale of Kieu": ["eng"],
        "Đại Việt sử ký toàn thư": ["vie"],
        "Dân ca quan họ": ["vie"],
        "Les Misérables": ["fre"],
        "Thăng Long ngàn năm văn hiến": ["vie"],
    }
    ordered = sorted(titles, key=lambda t: title_sort_key(t, titles[t]))
    assert ordered == [
        "Dân ca quan họ",
        "Đại Việt sử ký toàn thư",
        "Les Misérables",
        "The Tale of Kieu",
        "Thăng Long ngàn năm văn hiến",
    ]


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


@pytest.mark.parametrize(
    ("text", "syllables", "vietnamese"),
    [
        ("Tô Hoài", True, True),
        ("Lý Anh Dung", True, True),  # few marks: every word a syllable
        ("Nam Cao", True, False),  # could be Vietnamese, but nothing says it is
        ("Nguyen Thi Minh Khai", True, False),
        ("Đà Lạt", True, True),  # đ is only Vietnamese
        ("Sách nói, 2015", True, True),  # digits and punctuation are not words
        ("Tolstoy", False, False),
        # a syllable's letters but no Vietnamese vowel group ("uey", "aya", "oea")
        ("Huey", False, False),
        ("Maya", False, False),
        ("Ocean", False, False),
        # every vowel group the language writes, with and without marks
        ("Người Rượu Ngoài Xoay Khuây Nghiêng Yêu Ưu Hoặc Xuân Thuỷ Khoẻ Khuỷu", True, True),
        ("Giữa Gìn Quá Quy Quyên Huyền Khuya ngoằn ngoèo", True, True),
        ("nguoi ruou ngoai khuya", True, False),
        ("Canción", False, False),
        ("São Paulo", False, False),
        ("Café", False, False),
        ("Ha Noi – 2010", True, False),  # a non-ASCII dash is not a marked word
        ("1:5.000", False, False),
        ("", False, False),
    ],
)
def test_vietnamese_syllables_and_text(text, syllables, vietnamese):
    assert vietnamese_syllables(text) is syllables
    assert is_vietnamese(text) is vietnamese


def test_has_letters():
    assert has_letters("Échelle 1:5.000") and has_letters("Hà")
    assert not has_letters("1:5.000") and not has_letters("2015 – ") and not has_letters("")
