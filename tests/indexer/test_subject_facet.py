"""The subject facet, on every backend: values are heading parts, counted per work.

"Hà Nội (Việt Nam) -- Lịch sử" counts under "Hà Nội (Việt Nam)" and under "Lịch sử";
filtering by a part finds every record with a heading that has it, while the whole
heading stays searchable as a phrase (the record page links it as subject:"…"). Picked
subjects must all hold; the other facets (library, collection) stay alternatives.

`SubjectFacetContract` runs here on TantivyIndex and in test_solr_contract on Solr.
"""

from __future__ import annotations

import pytest

from catalogue import Record
from indexer import SearchQuery, TantivyIndex, index_records

HANOI_HISTORY = "Hà Nội (Việt Nam) -- Lịch sử"
OLD_HANOI = "Hà Nội xưa và nay"  # a collection


def _records() -> list[Record]:
    return [
        Record("hn", "1", title="Hà Nội xưa", subjects=[HANOI_HISTORY], collections=[OLD_HANOI]),
        Record(
            "hn",
            "2",
            title="Phố cổ Hà Nội",
            subjects=["Hà Nội (Việt Nam)", "Phố cổ"],
            collections=[OLD_HANOI],
        ),
        Record(
            "hn",
            "3",
            title="Kháng chiến chống Pháp",
            # "Lịch sử" twice in one record: one work, counted once
            subjects=["Việt Nam -- Lịch sử -- 1945--1954", "Việt Nam -- Lịch sử"],
        ),
        Record("hn", "4", title="Thơ mới", subjects=["Văn học Việt Nam -- Thơ"]),
        # one work held by two libraries, catalogued with different headings
        Record("hn", "5", title="Truyện Kiều", isbns=["9786041234567"], subjects=["Thơ"]),
        Record(
            "vnu",
            "5",
            title="Truyện Kiều",
            isbns=["9786041234567"],
            subjects=["Văn học Việt Nam -- Thơ -- Thế kỷ 19"],
        ),
        Record("hn", "9", title="Hồ sơ mật", subjects=["Tài liệu mật -- Lịch sử"]),
    ]


def _search(index, q: str = "", **filters: str):
    query = SearchQuery(
        q=q,
        filters={name: [value] for name, value in filters.items()},
        facets=["subject"],
        facet_limit=200,
    )
    return index.search(query)


def _titles(result) -> set[str]:
    return {hit.fields["title"] for hit in result.hits}


def _picked(index, *subjects: str, **filters: list[str]):
    query = SearchQuery(
        filters={"subject": list(subjects), **filters}, facets=["subject", "library"]
    )
    return index.search(query)


class SubjectFacetContract:
    """Subclasses provide `make_index`, returning an empty index."""

    @pytest.fixture
    def index(self, make_index):
        index = make_index()
        visibility = lambda r: "hidden" if r.local_id == "9" else "public"  # noqa: E731
        index_records(index, _records(), visibility=visibility)
        return index

    def test_facet_counts_each_part_once_per_work(self, index):
        counts = dict(_search(index).facets["subject"])
        assert counts == {
            "Hà Nội (Việt Nam)": 2,
            "Lịch sử": 2,  # not 3: the hidden record is not counted, record 3 once
            "Phố cổ": 1,
            "Việt Nam": 1,
            "1945--1954": 1,
            "Văn học Việt Nam": 2,
            "Thơ": 2,  # "Thơ" alone and as a subdivision: the same value, one per work
            "Thế kỷ 19": 1,
        }
        assert not [value for value in counts if " -- " in value]

    def test_filtering_by_a_part_finds_every_heading_with_it(self, index):
        history = _search(index, subject="Lịch sử")
        assert _titles(history) == {"Hà Nội xưa", "Kháng chiến chống Pháp"}
        assert history.total == 2
        assert _titles(_search(index, subject="Hà Nội (Việt Nam)")) == {
            "Hà Nội xưa",
            "Phố cổ Hà Nội",
        }
        assert _titles(_search(index, subject="1945--1954")) == {"Kháng chiến chống Pháp"}
        assert _titles(_search(index, subject="Thế kỷ 19")) == {"Truyện Kiều"}
        # the facet is exact: no folding, no partial part
        assert _search(index, subject="lich su").total == 0
        assert _search(index, subject="1945").total == 0

    def test_every_facet_count_is_what_its_filter_finds(self, index):
        for value, count in _search(index).facets["subject"]:
            assert _search(index, subject=value).total == count, value

    def test_a_work_has_the_parts_of_every_record_in_it(self, index):
        counts = dict(_search(index, "truyen kieu").facets["subject"])
        assert counts == {"Thơ": 1, "Văn học Việt Nam": 1, "Thế kỷ 19": 1}

    def test_whole_headings_are_still_searched_as_phrases(self, index):
        assert _titles(_search(index, f'subject:"{HANOI_HISTORY}"')) == {"Hà Nội xưa"}
        assert _titles(_search(index, 'subject:"Lịch sử"')) == {
            "Hà Nội xưa",
            "Kháng chiến chống Pháp",
        }
        assert _titles(_search(index, 'subject:"lich su"')) == {
            "Hà Nội xưa",
            "Kháng chiến chống Pháp",
        }
        hit = next(iter(_search(index, f'subject:"{HANOI_HISTORY}"').hits))
        assert hit.fields["subjects"] == [HANOI_HISTORY]  # shown and linked whole

    def test_picked_subjects_all_hold_and_the_facet_counts_within_the_result(self, index):
        """Two picked subjects narrow (a work on Hà Nội AND on history), and each count beside
        a subject is what picking it as well gives."""
        hanoi = _picked(index, "Hà Nội (Việt Nam)")
        both = _picked(index, "Hà Nội (Việt Nam)", "Lịch sử")
        assert _titles(hanoi) == {"Hà Nội xưa", "Phố cổ Hà Nội"}
        assert _titles(both) == {"Hà Nội xưa"}
        counts = dict(hanoi.facets["subject"])
        assert counts == {"Hà Nội (Việt Nam)": 2, "Lịch sử": 1, "Phố cổ": 1}
        for value, count in counts.items():
            assert _picked(index, "Hà Nội (Việt Nam)", value).total == count, value
        assert _picked(index, "Phố cổ", "Lịch sử").total == 0

    def test_other_facets_stay_alternatives_beside_picked_subjects(self, index):
        """Libraries are still OR-ed and counted without their own filter."""
        poetry = _picked(index, "Thơ", library=["hn"])
        assert dict(poetry.facets["library"]) == {"hn": 2, "vnu": 1}

    def test_collections_stay_alternatives_beside_picked_subjects(self, index):
        query = SearchQuery(
            filters={"subject": ["Hà Nội (Việt Nam)"], "collection": [OLD_HANOI]},
            facets=["collection", "subject"],
        )
        picked = index.search(query)
        assert _titles(picked) == {"Hà Nội xưa", "Phố cổ Hà Nội"}
        assert dict(picked.facets["collection"]) == {OLD_HANOI: 2}
        alone = index.search(SearchQuery(filters={"collection": [OLD_HANOI]}, facets=["subject"]))
        assert dict(alone.facets["subject"])["Lịch sử"] == 1
        assert _picked(index, "Lịch sử", collection=[OLD_HANOI]).total == 1


class TestTantivySubjectFacet(SubjectFacetContract):
    @pytest.fixture
    def make_index(self, tmp_path):
        return lambda: TantivyIndex(tmp_path / "index")
