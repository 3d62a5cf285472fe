"""The SearchIndex contract: every backend must pass these, unchanged.

Use it by subclassing with a `make_index` fixture returning an empty index:

    class TestSolrContract(SearchIndexContract):
        @pytest.fixture
        def make_index(self, solr_url):
            def make():
                index = SolrIndex(solr_url, collection="thuvien_test")
                index.clear()
                return index
            return make

Assertions are about behaviour a reader sees (which works, in which relative order,
with which holdings), never about scores or backend internals, so a different ranking
function with the same intent passes.
"""

from __future__ import annotations

import html
import re

import pytest

from catalogue import Record
from indexer import (
    MAX_DEPTH,
    MAX_PER_PAGE,
    SearchQuery,
    SearchResult,
    Suggestion,
    documents_for,
    fold,
    index_records,
)
from indexer.text import title_sort_key
from tests.indexer.sample_records import (
    HN,
    KIEU_ISBN,
    NL,
    SECRET,
    VNU,
    sample_records,
    visibility_of,
)

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


def titles(result: SearchResult) -> list[str]:
    return [hit.fields["title"] for hit in result.hits]


class SearchIndexContract:
    """Backend-neutral behaviour; subclasses provide `make_index`."""

    @pytest.fixture
    def make_index(self):  # pragma: no cover - overridden
        raise NotImplementedError

    @pytest.fixture
    def index(self, make_index):
        index = make_index()
        index_records(index, sample_records(), visibility=visibility_of)
        return index

    @staticmethod
    def search(index, q: str = "", **kwargs) -> SearchResult:
        return index.search(SearchQuery(q=q, **kwargs))

    # --- add / delete / commit / count -------------------------------------------------

    def test_count_is_records_after_commit(self, make_index):
        index = make_index()
        assert index.count() == 0
        docs = documents_for(sample_records(), visibility=visibility_of)
        index.add(docs)
        index.commit()
        assert index.count() == len(sample_records())

    def test_add_replaces_by_id(self, index):
        before = index.count()
        index.add(documents_for(sample_records()[:3]))
        index.commit()
        assert index.count() == before

    def test_delete_removes_a_record_from_its_work(self, index):
        index.delete(["national-library:nl-778"])
        index.commit()
        hit = self.search(index, "truyện kiều").hits[0]
        assert sorted(hit.record_ids) == ["hanoi-library:hn-001", "vnu-library:vnu-5"]
        assert NL not in hit.libraries

    def test_uncommitted_changes_are_not_searchable(self, index):
        index.delete(["hanoi-library:hn-so-do"])
        assert self.search(index, "số đỏ").total == 1
        index.commit()
        assert self.search(index, "số đỏ").total == 0

    def test_clear(self, index):
        index.clear()
        assert index.count() == 0
        assert self.search(index).total == 0

    # --- Vietnamese folding ----------------------------------------------------------

    @pytest.mark.parametrize("q", ["ha noi", "Hà Nội", "HÀ NỘI", "hà nội", "Ha Noi"])
    def test_folding_finds_with_and_without_diacritics(self, index, q):
        found = titles(self.search(index, q))
        assert "Hà Nội trong mắt tôi" in found
        assert "Hạ Nổi trong mắt tôi" in found

    @pytest.mark.parametrize("q", ["dai viet", "Đại Việt", "ĐẠI VIỆT", "đai viet"])
    def test_d_with_stroke_folds(self, index, q):
        assert "Đại Việt sử ký toàn thư" in titles(self.search(index, q))

    @pytest.mark.parametrize("q", ["hanoi", "Hanoi", "HANOI"])
    def test_a_place_written_as_one_word_finds_it_in_two(self, index, q):
        assert "Hà Nội trong mắt tôi" in titles(self.search(index, q))

    @pytest.mark.parametrize("q", ["Đại Việt sử kí", "dai viet su ki", "sử ký toàn thư", "su ky*"])
    def test_ki_and_ky_are_one_spelling(self, index, q):
        """Both spellings of a consonant + i/y syllable are current Vietnamese."""
        assert "Đại Việt sử ký toàn thư" in titles(self.search(index, q))

    def test_decomposed_input_is_the_same_query(self, index):
        import unicodedata

        q = unicodedata.normalize("NFD", "Thăng Long")
        assert titles(self.search(index, q)) == ["Thăng Long ngàn năm văn hiến"]

    def test_exact_diacritics_rank_first(self, index):
        found = titles(self.search(index, "Hà Nội"))
        assert found.index("Hà Nội trong mắt tôi") < found.index("Hạ Nổi trong mắt tôi")
        found = titles(self.search(index, "Hạ Nổi"))
        assert found.index("Hạ Nổi trong mắt tôi") < found.index("Hà Nội trong mắt tôi")

    @pytest.mark.parametrize("q", ["thăng*", "thang*", "THĂNG*", "title:thăn*", "thăng lo*"])
    def test_prefix_with_and_without_diacritics(self, index, q):
        assert "Thăng Long ngàn năm văn hiến" in titles(self.search(index, q))

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

    # --- filters, facets, sorting, paging ---------------------------------------------

    def test_filters(self, index):
        assert titles(self.search(index, filters={"format": ["map"]})) == ["Bản đồ Hà Nội năm 1873"]
        assert titles(self.search(index, filters={"online": ["true"]})) == ["Số đỏ"]
        assert titles(self.search(index, "kiều", filters={"library": [HN]})) == [
            "Truyện Kiều",
            "Nghiên cứu văn học trung đại",
        ]
        both = self.search(index, filters={"year": ["1936", "1943"], "library": [HN]})
        assert sorted(titles(both)) == ["Hà Nội ba mươi sáu phố phường", "Số đỏ"]
        assert self.search(index, filters={"year": ["abc"]}).total == 0
        everything = self.search(index).total
        assert self.search(index, filters={"nonsense": ["x"]}).total == everything

    def test_facets_count_works_not_records(self, index):
        result = self.search(index, "truyện kiều", facets=["library", "format", "language"])
        assert dict(result.facets["format"]) == {"book": 2}  # 4 records, 2 works
        assert dict(result.facets["library"]) == {HN: 2, NL: 1, VNU: 1}
        assert dict(result.facets["language"]) == {"vie": 2}

    def test_a_facet_is_counted_without_its_own_filter(self, index):
        """Values within a facet are OR-ed: having picked one library, a reader still sees
        the others (to pick a second); the other facets follow the filter."""
        every = self.search(index, "truyện kiều", facets=["library", "format"])
        picked = self.search(
            index, "truyện kiều", filters={"library": [NL]}, facets=["library", "format"]
        )
        assert picked.total == 1
        assert dict(picked.facets["library"]) == dict(every.facets["library"])
        assert dict(picked.facets["format"]) == {"book": 1}
        both = self.search(index, "truyện kiều", filters={"library": [NL, VNU]}, facets=["library"])
        assert both.total == 1 and dict(both.facets["library"]) == {HN: 2, NL: 1, VNU: 1}

    def test_picked_subjects_all_hold(self, index):
        """Subject values narrow together (a work on Hà Nội AND on history), and the
        subject facet is counted within the result: each count is what picking it gives."""
        hanoi = self.search(index, filters={"subject": ["Hà Nội"]}, facets=["subject"])
        assert sorted(titles(hanoi)) == [
            "Hà Nội ba mươi sáu phố phường",
            "Thăng Long ngàn năm văn hiến",
        ]
        counts = dict(hanoi.facets["subject"])
        assert counts == {"Hà Nội": 2, "Văn hóa": 1, "Phố cổ": 1, "Lịch sử": 1}
        both = self.search(index, filters={"subject": ["Hà Nội", "Lịch sử"]})
        assert titles(both) == ["Thăng Long ngàn năm văn hiến"]
        assert self.search(index, filters={"subject": ["Phố cổ", "Lịch sử"]}).total == 0

    def test_facet_limit_and_order(self, index):
        result = self.search(index, facets=["library", "year", "online"], facet_limit=2)
        libraries = result.facets["library"]
        assert [fc.value for fc in libraries] == [VNU, HN]
        assert libraries[0].count > libraries[1].count
        assert len(result.facets["year"]) == 2
        assert dict(self.search(index, facets=["online"]).facets["online"])["true"] == 1

    def test_sort_by_year(self, index):
        years = [h.fields["year"] for h in self.search(index, sort="year_desc", per_page=50).hits]
        known = [y for y in years if y is not None]
        assert known == sorted(known, reverse=True)
        years = [h.fields["year"] for h in self.search(index, sort="year_asc", per_page=50).hits]
        assert years[0] == 1873

    def test_works_without_a_year_or_title_sort_last_either_way(self, make_index):
        """Solr's sortMissingLast and tantivy's missing fast values agree: a work with
        nothing to sort by comes after every work that has it, in both directions."""
        index = make_index()
        records = [
            Record("hn", "1", title="Ánh trăng", year=1990),
            Record("hn", "2", title="Bến quê"),
            Record("hn", "3", title="Chiếc lá", year=2000),
            Record("hn", "4", title="", year=1995, authors=["Vô Danh"]),
        ]
        index_records(index, records)
        ids = {
            sort: [h.id for h in self.search(index, sort=sort).hits]
            for sort in ("year_desc", "year_asc", "title")
        }
        assert ids["year_desc"] == ["hn:3", "hn:4", "hn:1", "hn:2"]
        assert ids["year_asc"] == ["hn:1", "hn:4", "hn:3", "hn:2"]
        assert ids["title"] == ["hn:1", "hn:2", "hn:3", "hn:4"]

    def test_sort_by_title_uses_filing_form(self, index):
        result = self.search(index, sort="title", per_page=50)
        found = titles(result)
        keys = [title_sort_key(h.fields["title"], h.fields["languages"]) for h in result.hits]
        assert keys == sorted(keys)
        assert found.index("Lịch sử Việt Nam") < found.index("Les Misérables")  # "Misérables"
        assert found.index("The Tale of Kieu") < found.index("Thăng Long ngàn năm văn hiến")

    def test_non_filing_article_is_searchable(self, index):
        assert "The Tale of Kieu" in titles(self.search(index, "tale of kieu"))
        assert "The Tale of Kieu" in titles(self.search(index, '"the tale"'))
        assert "Les Misérables" in titles(self.search(index, "miserables"))

    def test_paging(self, index):
        pages = [self.search(index, "tuyển tập thơ", per_page=10, page=p) for p in (1, 2, 3)]
        assert [len(p.hits) for p in pages] == [10, 10, 5]
        assert all(p.total == 25 and p.pages == 3 for p in pages)
        ids = [h.id for p in pages for h in p.hits]
        assert len(set(ids)) == 25
        assert not self.search(index, "tuyển tập thơ", per_page=10, page=4).hits

    def test_paging_bounds(self, index):
        assert SearchQuery(per_page=10_000).per_page == MAX_PER_PAGE
        assert SearchQuery(page=-3).page == 1
        deep = self.search(index, per_page=100, page=MAX_DEPTH // 100 + 1)
        assert deep.hits == []
        assert deep.total > 0
        assert self.search(index, per_page="x", page="y", sort="nope").hits

    # --- relevance ----------------------------------------------------------------------

    def test_title_outranks_description(self, index):
        found = titles(self.search(index, "kiều"))
        assert found.index("Truyện Kiều") < found.index("Nghiên cứu văn học trung đại")
        assert found.index("The Tale of Kieu") < found.index("Nghiên cứu văn học trung đại")

    # --- highlighting -------------------------------------------------------------------

    def test_snippets_are_escaped_and_marked(self, index):
        hit = self.search(index, "đoạn trường").hits[0]
        assert "<mark>đoạn</mark>" in hit.snippet
        assert "&lt;" in hit.snippet and "&amp;" in hit.snippet
        assert "<đoạn" not in hit.snippet
        text = re.sub(r"</?mark>", "", hit.snippet)
        assert "<" not in text and ">" not in text
        assert html.unescape(text) in sample_records()[0].description

    def test_title_highlight(self, index):
        for q in ("kiều", "kieu", "kiề*"):
            hits = {h.fields["title"]: h for h in self.search(index, q).hits}
            assert "<mark>Kiều</mark>" in hits["Truyện Kiều"].highlights["title"]
        hits = {h.fields["title"]: h for h in self.search(index, "kieu").hits}
        assert "<mark>Kieu</mark>" in hits["The Tale of Kieu"].highlights["title"]

    # --- spelling and autocomplete ------------------------------------------------------

    def test_typo_gets_suggestion_and_fuzzy_fallback(self, index):
        result = self.search(index, "Truyện Kiue")
        assert result.suggestion is not None
        assert fold(result.suggestion) == "truyen kieu"
        assert result.fuzzy
        assert "Truyện Kiều" in titles(result)

    def test_a_typo_inside_quotes_gets_a_corrected_phrase(self, index):
        result = self.search(index, '"Truyện Kiue"')
        assert result.total == 0
        assert result.suggestion is not None and fold(result.suggestion) == '"truyen kieu"'
        assert "Truyện Kiều" in titles(self.search(index, result.suggestion))

    def test_no_suggestion_for_good_queries(self, index):
        assert self.search(index, "truyện kiều").suggestion is None
        assert self.search(index, "truyen kieu").suggestion is None  # folding is not a typo

    def test_autocomplete(self, index):
        def texts(prefix, **kwargs):
            return [s.text for s in index.suggest(prefix, **kwargs)]

        assert Suggestion("Truyện Kiều", "title") in index.suggest("truy")
        assert "Truyện Kiều" in texts("TRUYỆN K")
        assert Suggestion("Nguyễn Du", "author") in index.suggest("nguyen d")
        assert Suggestion("Truyện Kiều", "author") not in index.suggest("truy")
        assert "The Tale of Kieu" in texts("tale")  # from a later word too
        assert texts("truy")[0].startswith("Truyện")
        assert len(index.suggest("t", limit=3)) <= 3
        assert index.suggest("") == []
        assert index.suggest("*(") == []

    # --- works --------------------------------------------------------------------------

    def test_one_hit_per_work_with_all_holdings(self, index):
        result = self.search(index, "truyện kiều")
        assert result.total == 2
        hit = result.hits[0]
        assert hit.fields["title"] == "Truyện Kiều"
        assert hit.work_key == f"isbn:{KIEU_ISBN}"
        assert sorted(hit.record_ids) == [
            "hanoi-library:hn-001",
            "national-library:nl-778",
            "vnu-library:vnu-5",
        ]
        assert hit.id in hit.record_ids
        assert sorted(hit.libraries) == sorted([HN, NL, VNU])
        by_library = {h["library"]: h for h in hit.holdings}
        assert by_library[NL]["status"] == "on_loan"
        assert by_library[VNU]["call_number"] == "895.922 NGU"
        assert by_library[HN]["record_id"] == "hanoi-library:hn-001"

    def test_hit_renders_without_the_store(self, index):
        hit = self.search(index, "số đỏ").hits[0]
        assert hit.fields["authors"] == ["Vũ, Trọng Phụng"]
        assert hit.fields["format"] == "audiobook"
        assert hit.fields["year"] == 1936
        assert hit.fields["online"] is True
        assert hit.fields["thumbnail"] == "https://example.org/so-do/cover.jpg"

    # --- visibility ---------------------------------------------------------------------

    def test_hidden_records_never_leak(self, index):
        assert self.search(index, "zyzzyva").total == 0
        assert self.search(index, "zyzzyva").suggestion is None
        assert self.search(index, "zyzzyvq").suggestion is None
        everything = self.search(index, facets=["library", "subject", "year"])
        libraries = dict(everything.facets["library"])
        assert SECRET not in libraries
        assert "Tài liệu mật" not in dict(everything.facets["subject"])
        assert "2020" not in dict(everything.facets["year"])
        assert index.suggest("zyz") == []
        assert index.suggest("hồ sơ") == []
        kieu = self.search(index, "truyện kiều", facets=["library"])
        assert SECRET not in kieu.hits[0].libraries
        assert "archive:kieu-secret" not in kieu.hits[0].record_ids
        assert SECRET not in dict(kieu.facets["library"])

    def test_staff_see_hidden_records(self, index):
        staff = ["public", "registered", "onsite", "staff", "hidden"]
        assert titles(self.search(index, "zyzzyva", visibility=staff)) == ["Hồ sơ nội bộ Zyzzyva"]
        kieu = self.search(index, "truyện kiều", visibility=staff).hits[0]
        assert SECRET in kieu.libraries
        assert len(kieu.record_ids) == 4
        assert index.suggest("zyz", visibility=staff) == [
            Suggestion("Hồ sơ nội bộ Zyzzyva", "title")
        ]
        assert self.search(index, "zyzzyvq", visibility=staff).suggestion is not None

    def test_no_visibility_sees_nothing(self, index):
        assert self.search(index, visibility=[]).total == 0
        assert index.suggest("truy", visibility=[]) == []
