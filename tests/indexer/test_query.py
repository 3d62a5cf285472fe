"""The query parser: the language, and hostile input that must never raise."""

from __future__ import annotations

import pytest

from indexer.query import (
    MAX_CLAUSES,
    And,
    MatchAll,
    Not,
    Or,
    Phrase,
    Range,
    Term,
    fuzzy,
    leaves,
    parse,
    positive_words,
)
from indexer.solr_lucene import build_query, lucene_escape


def test_keywords_are_anded():
    assert parse("truyện kiều") == And((Term("truyện"), Term("kiều")))


def test_empty_is_match_all():
    assert parse("") == MatchAll()
    assert parse("   ") == MatchAll()
    assert parse("*") == MatchAll()


def test_fields():
    assert parse("title:kiều") == Term("kiều", "title")
    assert parse('author:"Nguyễn Du"') == Phrase("Nguyễn Du", "author")
    assert parse("TITLE:kiều") == Term("kiều", "title")
    assert parse("subject:(thơ OR ca)") == Or((Term("thơ", "subject"), Term("ca", "subject")))
    assert parse("isbn:978-604-1-23456-7") == Term("978-604-1-23456-7", "isbn")
    assert parse("isbn:978 604 1 23456 7 kiều") == And(
        (Term("9786041234567", "isbn"), Term("kiều"))
    )
    assert parse("issn:0866-7373") == Term("0866-7373", "issn")
    assert parse("tacgia:du") == Term("du", "author")


def test_inner_field_wins_in_a_group():
    assert parse("title:(a OR author:b)") == Or((Term("a", "title"), Term("b", "author")))


def test_years():
    assert parse("year:1990") == Term("1990", "year")
    assert parse("year:1990-2000") == Range("year", 1990, 2000)
    assert parse("year:2000-1990") == Range("year", 1990, 2000)
    assert parse("year:1990-") == Range("year", 1990, None)
    assert parse("year:-1900") == Range("year", None, 1900)
    assert parse("year:[1990 TO 2000]") == Range("year", 1990, 2000)
    assert parse("year:[* TO 1900]") == Range("year", None, 1900)
    assert parse("year:abc") == Term("abc")  # not a year: a keyword
    # comparisons: after, from, before, up to
    assert parse("year:>2020") == Range("year", 2021, None)
    assert parse("year:>=2020") == parse("year:≥2020") == Range("year", 2020, None)
    assert parse("year:<1900") == Range("year", None, 1899)
    assert parse("year:<=1900") == parse("year:≤1900") == Range("year", None, 1900)
    assert parse("year:>abc") == Term(">abc")
    assert parse("year:> 2020") == parse("year: > 2020") == Range("year", 2021, None)
    assert parse("năm:<= 1900") == Range("year", None, 1900)
    assert parse("x > 2020") == And((Term("x"), Term("2020")))  # no field: plain words


def test_letters_pasted_from_styled_text_are_plain_letters():
    assert parse("𝔥𝔞 𝔫𝔬𝔦") == parse("ｈａ ｎｏｉ") == parse("ha noi")
    assert parse("ﬁlm") == Term("film")
    assert parse("Hà Nội") == And((Term("Hà"), Term("Nội")))  # Vietnamese as typed


def test_phrases_and_prefix():
    assert parse('"phố phường"') == Phrase("phố phường")
    assert parse("thăng*") == Term("thăng", prefix=True)
    assert parse("th*ng") == Term("thng")  # inner wildcards are not supported: dropped


def test_boolean():
    a, b, c = Term("a"), Term("b"), Term("c")
    assert parse("a AND b") == And((a, b))
    assert parse("a OR b") == Or((a, b))
    assert parse("a OR b c") == Or((a, And((b, c))))
    assert parse("(a OR b) c") == And((Or((a, b)), c))
    assert parse("a NOT b") == And((a, Not(b)))
    assert parse("a -b") == And((a, Not(b)))
    assert parse("+a +b") == And((a, b))
    assert parse("a && b || c") == Or((And((a, b)), c))
    assert parse("NOT NOT a") == a


def test_pure_negation_is_everything_but():
    assert parse("-a") == And((MatchAll(), Not(Term("a"))))
    assert parse("NOT a -b") == And((MatchAll(), Not(Term("a")), Not(Term("b"))))


def test_lowercase_operators_are_words():
    assert parse("a or b") == And((Term("a"), Term("or"), Term("b")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:(", Term("title")),
        ('"unclosed', Term("unclosed")),
        ('"truyện kiều', And((Term("truyện"), Term("kiều")))),
        ("AND OR NOT", And((Term("AND"), Term("OR"), Term("NOT")))),
        ("*", MatchAll()),
        ("\\", MatchAll()),
        ("{!xmlparser}", Term("{!xmlparser}")),
        ("a)", Term("a")),
        ("(a", Term("a")),
        ("OR a", Term("a")),
        ("a AND", Term("a")),
        ("a NOT", Term("a")),
        ("title:", Term("title:")),
        ("title: kiều", And((Term("title:"), Term("kiều")))),
        ("nhaxuatban:kim", Term("kim")),
        ("Việt Nam: 1945", And((Term("Việt"), Term("Nam:"), Term("1945")))),
        ("a:::", Term("a")),
    ],
)
def test_malformed_input_degrades(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "title:(",
        '"',
        '""',
        "()",
        ")(",
        "(((((((((((((((((((((((((((a)))))))))))))))))))))))))))",
        "(" * 2000,
        ")" * 2000,
        "NOT " * 2000,
        "-" * 5000 + "a",
        "a " * 5000,
        "x" * 100_000,
        "year:[1 TO",
        "{!func}",
        "\x00",
        "title:title:title:a",
        "AND AND AND",
        "+-+-+-",
        "💥 🚀",
        '\\"\\(',
    ],
)
def test_hostile_input_never_raises(text):
    tree = parse(text)
    assert len(leaves(tree)) <= MAX_CLAUSES
    build_query(tree)  # renderable for Solr


def test_deep_parentheses_are_flattened():
    tree = parse("(" * 50 + "a" + ")" * 50)
    assert tree == Term("a")


def test_clause_limit():
    tree = parse(" ".join(f"w{i}" for i in range(200)))
    assert len(leaves(tree)) == MAX_CLAUSES


def test_lucene_escape_defuses_syntax():
    assert lucene_escape("{!xmlparser v='x'}") == "\\{\\!xmlparser\\ v='x'\\}"
    assert lucene_escape("a:b") == "a\\:b"
    assert lucene_escape("a&&b||c") == "a\\&\\&b\\|\\|c"
    assert lucene_escape("\\") == "\\\\"


def test_fuzzy_and_positive_words():
    tree = parse("kiue AND ab -tale title:truyen thăng*")
    assert [t.text for t in positive_words(tree)] == ["kiue", "ab", "truyen"]
    fuzzed = fuzzy(tree)
    assert Term("kiue", fuzzy=1) in fuzzed.children
    assert Term("ab") in fuzzed.children  # too short to be fuzzy
    assert fuzzy(Term("duu")) == Term("duu", fuzzy=1)  # most syllables have 2-4 letters
    # a word the index knows stays exact: the typo is elsewhere
    known = parse("nguyen duu")
    assert fuzzy(known, known=lambda w: w == "nguyen") == And(
        (Term("nguyen"), Term("duu", fuzzy=1))
    )
    assert Not(Term("tale")) in fuzzed.children
    assert fuzzy(Term("nguyenxyz")) == Term("nguyenxyz", fuzzy=2)


def test_place_names_written_as_one_word_also_search_the_two_word_name():
    assert parse("hanoi") == Or((Term("hanoi"), Phrase("ha noi")))
    assert parse("title:Saigon") == Or((Term("Saigon", "title"), Phrase("sai gon", "title")))
    assert parse("hanoi*") == Term("hanoi", prefix=True)  # a prefix is left alone
    assert parse("ha noi") == And((Term("ha"), Term("noi")))
