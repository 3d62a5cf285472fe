"""The query syntax: fields, identifiers, years, boolean operators, phrases and
malformed input (HOSTILE, also sent to Solr's parameters in test_solr_params_safety).
"""

from __future__ import annotations

import pytest

from indexer import SearchResult
from tests.indexer.contract.base import ContractBase, titles

HOSTILE = [
    "title:(",
    '"unclosed',
    '"truyện kiều',
    "AND OR NOT",
    "*",
    "\\",
    "\\\\",
    "{!xmlparser v='<x/>'}",
    "{!func}sum(1,2)",
    "title:",
    "year:",
    "year:abc",
    "year:99999-",
    "isbn:",
    "foo:bar",
    ":::",
    "(((",
    ")))",
    "a)(b",
    "NOT",
    "-",
    "+",
    "--kiều",
    "kiều~2",
    "kiều^10",
    "title:kiều^",
    "[1 TO *]",
    "/regex.*/",
    "*:*",
    'title:"',
    "\x00\x01\x02",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 💥",
    "Hà Nội " * 300,
    "(" * 500 + "kiều" + ")" * 500,
    "NOT " * 300 + "kiều",
    "a" * 5000,
]


class QuerySyntaxContract(ContractBase):
    """Fielded and boolean queries, and input that must never fail."""

    # --- fielded queries, identifiers, years ----------------------------------------------

    def test_title_field(self, index):
        found = titles(self.search(index, "title:kiều"))
        assert "Truyện Kiều" in found
        assert "Nghiên cứu văn học trung đại" not in found  # only its description says Kiều

    @pytest.mark.parametrize(
        "q", ['author:"Nguyễn Du"', 'author:"Du, Nguyễn"', "Du, Nguyễn", "author:(du nguyen)"]
    )
    def test_author_in_either_order(self, index, q):
        found = titles(self.search(index, q))
        assert "Truyện Kiều" in found
        assert "The Tale of Kieu" in found

    def test_author_field_does_not_search_titles(self, index):
        assert self.search(index, "author:kiều").total == 0

    def test_subject_phrase(self, index):
        assert titles(self.search(index, 'subject:"Văn học Việt Nam"')) == ["Truyện Kiều"]
        loose = titles(self.search(index, "subject:(văn học việt nam)"))
        assert "Truyện cổ tích Việt Nam" in loose

    @pytest.mark.parametrize(
        "q",
        [
            "978-604-1-23456-7",
            "9786041234567",
            "isbn:978-604-1-23456-7",
            "isbn:6041234567",  # the ISBN-10 form
            "604-1-23456-7",
            "isbn:978 604 1 23456 7",
        ],
    )
    def test_isbn_any_form(self, index, q):
        assert titles(self.search(index, q)) == ["Truyện Kiều"]

    @pytest.mark.parametrize(
        "q", ['callnumber:"VV 12345"', 'cn:"895.9221 NG-D"', 'kyhieu:"vv 12345"']
    )
    def test_call_number(self, index, q):
        assert titles(self.search(index, q)) == ["Truyện Kiều"]

    def test_call_number_field_is_not_the_title(self, index):
        assert titles(self.search(index, "callnumber:Kiều")) == []

    @pytest.mark.parametrize("q", ["issn:0866-7373", "issn:08667373", "0866-7373"])
    def test_issn(self, index, q):
        assert titles(self.search(index, q)) == ["Tạp chí Văn học"]

    def test_year_and_ranges(self, index):
        assert titles(self.search(index, "year:1936")) == ["Số đỏ"]
        assert sorted(titles(self.search(index, "year:1930-1945"))) == [
            "Hà Nội ba mươi sáu phố phường",
            "Số đỏ",
        ]
        assert titles(self.search(index, "year:-1900")) == ["Bản đồ Hà Nội năm 1873"]
        assert self.search(index, "thơ year:1990-1994").total == 5
        assert self.search(index, "thơ year:[1990 TO 1994]").total == 5

    # --- boolean, phrases, malformed input ------------------------------------------------

    def test_boolean_operators(self, index):
        assert titles(self.search(index, "kiều AND tale")) == ["The Tale of Kieu"]
        assert titles(self.search(index, "+kiều +tale")) == ["The Tale of Kieu"]
        for q in ("kiều NOT tale", "kiều -tale"):
            found = titles(self.search(index, q))
            assert "Truyện Kiều" in found and "The Tale of Kieu" not in found
        either = titles(self.search(index, "zzzz OR đỏ OR sử"))
        assert {"Số đỏ", "Đại Việt sử ký toàn thư", "Lịch sử Việt Nam"} <= set(either)
        assert titles(self.search(index, "(thăng OR đại) AND long")) == [
            "Thăng Long ngàn năm văn hiến"
        ]

    def test_all_words_must_match(self, index):
        assert self.search(index, "kiều zzzzqqq").total == 0
        assert self.search(index, "kiều tale").total == 1

    def test_pure_negative_query(self, index):
        everything = self.search(index).total
        assert self.search(index, "-kiều").total == everything - 3  # Kiều, Tale, Nghiên cứu

    def test_phrases(self, index):
        assert titles(self.search(index, '"phố phường"')) == ["Hà Nội ba mươi sáu phố phường"]
        assert self.search(index, '"phường phố"').total == 0

    @pytest.mark.parametrize("q", HOSTILE)
    def test_malformed_input_never_errors(self, index, q):
        result = self.search(index, q)
        assert isinstance(result, SearchResult)
        assert result.total >= 0

    def test_unclosed_quote_falls_back_to_words(self, index):
        assert "Truyện Kiều" in titles(self.search(index, '"truyện kiều'))
        assert "Truyện Kiều" in titles(self.search(index, "title:(kiều"))

    def test_unknown_field_searches_its_value(self, index):
        assert "Truyện Kiều" in titles(self.search(index, "nhaxuatban:kiều"))

    def test_colon_in_a_pasted_title_is_not_a_field(self, index):
        assert "Lịch sử Việt Nam" in titles(self.search(index, "Lịch sử Việt Nam: 1991"))

    def test_vietnamese_field_names(self, index):
        assert "The Tale of Kieu" in titles(self.search(index, 'tacgia:"Nguyễn Du"'))
        assert titles(self.search(index, "năm:1936")) == ["Số đỏ"]
