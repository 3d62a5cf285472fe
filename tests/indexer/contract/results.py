"""What a result holds: filters, facets, sort orders, pages and relevance."""

from __future__ import annotations

from catalogue import Record
from indexer import MAX_DEPTH, MAX_PER_PAGE, SearchQuery, index_records
from indexer.text import title_sort_key
from tests.indexer.contract.base import ContractBase, titles
from tests.indexer.sample_records import HN, NL, VNU


class ResultsContract(ContractBase):
    """Filters, facets, sorting, paging and ranking of a result."""

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
