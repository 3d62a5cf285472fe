"""TantivyIndex specifics: the folder on disk, schema versions, collapsing at scale."""

from __future__ import annotations

import json

import pytest

from catalogue import Record
from indexer import SearchIndex, SearchQuery, TantivyIndex, documents_for, index_records
from indexer import tantivy_counts as counts_module
from indexer.tantivy_index import IndexSchemaError
from tests.indexer.sample_records import big_catalogue, sample_records, visibility_of


def test_is_a_search_index():
    assert isinstance(TantivyIndex(None), SearchIndex)


def test_reopen_keeps_documents(tmp_path):
    index = TantivyIndex(tmp_path / "ix")
    index_records(index, sample_records(), visibility=visibility_of)
    again = TantivyIndex(tmp_path / "ix")
    assert again.count() == len(sample_records())
    assert again.search(SearchQuery(q="ha noi")).total == 5  # analyzers re-registered


def test_commit_releases_the_writer_for_another_process(tmp_path):
    first = TantivyIndex(tmp_path / "ix")
    index_records(first, sample_records()[:3])
    second = TantivyIndex(tmp_path / "ix")
    index_records(second, sample_records()[3:6])
    assert second.count() == 6


def test_other_schema_version_is_refused_then_recreated(tmp_path):
    path = tmp_path / "ix"
    index_records(TantivyIndex(path), sample_records()[:3])
    (path / "thuvien-index.json").write_text(json.dumps({"schema": 0}))
    with pytest.raises(IndexSchemaError, match="rebuild"):
        TantivyIndex(path)
    fresh = TantivyIndex(path, recreate=True)
    assert fresh.count() == 0


def test_recreate_refuses_a_folder_that_is_not_an_index(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IndexSchemaError):
        TantivyIndex(tmp_path, recreate=True)
    assert (tmp_path / "notes.txt").exists()


def test_close_drops_uncommitted_changes():
    index = TantivyIndex(None)
    index.add(documents_for(sample_records()[:2]))
    index.close()
    index.commit()
    assert index.count() == 0


def test_collapsing_pages_through_many_copies():
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=120, copies=5))
    seen = []
    for page in range(1, 8):
        result = index.search(SearchQuery(q="truyện ngắn", page=page, per_page=20))
        assert result.total == 120 and result.total_exact
        seen.extend(h.work_key for h in result.hits)
        assert all(len(h.record_ids) == 5 and len(h.libraries) == 5 for h in result.hits)
    assert len(seen) == len(set(seen)) == 120
    facets = index.search(SearchQuery(facets=["library"])).facets["library"]
    assert {fc.count for fc in facets} == {120}


def test_sorted_collapse_is_in_year_order():
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=60, copies=3))
    hits = index.search(SearchQuery(sort="year_desc", per_page=100)).hits
    years = [h.fields["year"] for h in hits]
    assert years == sorted(years, reverse=True)
    assert len(hits) == 60


def test_large_results_are_counted_on_a_sample_of_works(monkeypatch):
    """Past SAMPLE_RECORDS matching records the total and the facets are estimated from
    a sample of works (work_num below a fraction of its range), scaled back up."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 200)
    monkeypatch.setattr(counts_module, "MIN_SAMPLE_WORKS", 20)
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=1000, copies=2))  # 2,000 records
    sampled = []
    real = counts_module.FacetCounter.aggregate

    def spy(self, *args):
        sampled.append(args[5])  # the fraction asked for
        return real(self, *args)

    monkeypatch.setattr(counts_module.FacetCounter, "aggregate", spy)
    result = index.search(SearchQuery(per_page=5, facets=["library", "language"]))
    assert sampled == [26 / 256]  # about 200 of 2,000 records, in 1/256 steps
    assert not result.total_exact
    assert 850 <= result.total <= 1150  # 1,000 works
    assert len(result.hits) == 5
    # Every library holds each work once; the language is shared by both copies.
    assert [fc.value for fc in result.facets["library"]] != []
    assert all(850 <= fc.count <= 1150 for fc in result.facets["library"])
    (vie,) = result.facets["language"]
    assert vie.value == "vie" and 850 <= vie.count <= 1150


def test_counts_between_the_limits_have_an_exact_total(monkeypatch):
    """Up to SAMPLE_RECORDS the whole result is aggregated: the total is exact and each
    facet value counts works, not records."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=40, copies=2))
    result = index.search(SearchQuery(per_page=5, facets=["library", "language"]))
    assert result.total_exact and result.total == 40
    assert [fc.count for fc in result.facets["library"]] == [40, 40]
    assert [(fc.value, fc.count) for fc in result.facets["language"]] == [("vie", 40)]
    one = index.search(
        SearchQuery(filters={"library": ["Thư viện 0"]}, facets=["language", "library"])
    )
    assert one.total == 40
    assert one.facets["language"][0].count == 40


def test_a_sample_too_small_is_taken_again_larger(monkeypatch):
    """A result of a few works with many records each: the first sample may catch none
    of them, so it grows until it holds enough works (here: the whole result)."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 50)
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=3, copies=200))  # 600 records, 3 works
    result = index.search(SearchQuery(per_page=1, facets=["language"]))
    assert result.total == 3
    assert [(fc.value, fc.count) for fc in result.facets["language"]] == [("vie", 3)]


def test_results_are_cached_until_the_next_commit():
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=10, copies=1))
    first = index.search(SearchQuery(q="truyện ngắn"))
    first.hits.clear()  # a caller changing its copy changes nothing for the next one
    again = index.search(SearchQuery(q="truyện ngắn"))
    assert again.total == 10 and len(again.hits) == 10
    index_records(index, big_catalogue(works=12, copies=1))
    assert index.search(SearchQuery(q="truyện ngắn")).total == 12


def test_version_moves_with_every_commit_from_any_process(tmp_path):
    index = TantivyIndex(tmp_path / "index")
    first = index.version()
    assert index.version() == first
    index_records(index, big_catalogue(works=2, copies=1))
    second = index.version()
    assert second != first
    other = TantivyIndex(tmp_path / "index")  # another process's handle on the folder
    index_records(other, big_catalogue(works=3, copies=1))
    assert index.version() not in (first, second)


def test_a_filtered_facet_counts_without_its_filter_on_a_sized_sample(monkeypatch):
    """The facet a search is filtered on is counted without that filter; the larger
    result's size comes from the filter's share of the index, not from counting it."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 200)
    monkeypatch.setattr(counts_module, "MIN_SAMPLE_WORKS", 20)
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=1000, copies=2))  # two libraries, 1,000 each
    result = index.search(
        SearchQuery(filters={"library": ["Thư viện 0"]}, facets=["library", "language"])
    )
    assert result.total == 1000 or not result.total_exact
    libraries = {fc.value: fc.count for fc in result.facets["library"]}
    assert set(libraries) == {"Thư viện 0", "Thư viện 1"}  # the other library stays
    assert all(850 <= n <= 1150 for n in libraries.values())
    # half the index is in the filtered library: the broader result is sized at 2,000
    assert 0.45 <= index._counter._shares.share("library", ["Thư viện 0"]) <= 0.55


def test_new_documents_skip_the_replace_and_a_rebuild_twice_holds_each_once(tmp_path):
    """`add(new=True)` (a rebuild after clear) queues no delete by id; so a rebuild
    done twice must clear first, and then holds every record once."""
    index = TantivyIndex(tmp_path / "index")
    docs = documents_for(big_catalogue(works=5, copies=2))
    for _ in range(2):
        index.clear()
        index.add(docs, new=True)
        index.commit()
        assert index.count() == 10
    index.add(docs[:3])  # the default replaces by id
    index.commit()
    assert index.count() == 10


def test_a_filtered_facet_is_not_capped_by_an_underestimate(monkeypatch):
    """The filter's share of the index only estimates the larger result: a search whose
    matches mostly lack the filtered value must still count those in full."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 5)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 50)

    def works(prefix: str, count: int, language: str, title: str) -> list[Record]:
        return [
            Record(
                "lib",
                f"{prefix}{i}",
                title=f"{title} {i}",
                authors=["Nguyễn Văn An"],
                year=1950 + i % 50,
                languages=[language],
            )
            for i in range(count)
        ]

    index = TantivyIndex(None)
    records = works("v", 100, "vie", "Chung cư")  # the search's Vietnamese matches
    records += works("f", 400, "fre", "Chung cư")  # … and its many French ones
    records += works("o", 2000, "vie", "Phố cổ")  # most of the index is Vietnamese
    index_records(index, records)
    result = index.search(
        SearchQuery(q="chung", filters={"language": ["vie"]}, facets=["language"])
    )
    assert result.total == 100
    counts = {fc.value: fc.count for fc in result.facets["language"]}
    assert counts["vie"] == 100 and 380 <= counts["fre"] <= 420


MATCH_QUERIES = [
    "ha noi",
    "Hà Nội",
    "thang*",
    "thăng*",
    '"truyen kieu"',
    "title:kieu",
    "author:nguyen du",
    "nguyen -kieu",
    "ha noi OR truyen",
    "978-604-1-23456-7",
    "604-1-23456-7",
    "isbn:9786041234567",
    "subject:lich su year:1990-2020",
    "NOT ha",
    "ky",
]


@pytest.mark.parametrize("q", MATCH_QUERIES)
def test_match_only_query_matches_exactly_the_scored_records(q):
    """Counts and facets run on the cheaper match-only query: the records it matches
    must be the very records the ranked query matches, or totals would disagree with
    the hits."""
    from indexer.query import parse

    index = TantivyIndex(None)
    index_records(index, sample_records(), visibility=visibility_of)
    searcher = index._index.searcher()
    tree = parse(q)
    scored = index._builder.build(tree)
    matching = index._builder.build(tree, scored=False)
    ids = {}
    for kind, query in (("scored", scored), ("matching", matching)):
        found = searcher.search(query, 1000)
        ids[kind] = {searcher.doc(a).get_first("id") for _s, a in found.hits}
    assert ids["scored"] == ids["matching"]
    assert ids["scored"] or q in ("NOT ha",)


def test_each_set_of_levels_sees_exactly_the_records_at_those_levels():
    """Visibility is applied as an exclusion of the other levels (cheaper at scale): the
    same records as requiring the reader's levels, for every set of levels."""
    from itertools import combinations

    from indexer.protocol import VISIBILITY_LEVELS

    records = big_catalogue(works=len(VISIBILITY_LEVELS), copies=1)
    level_of = {r.id: VISIBILITY_LEVELS[int(r.local_id)] for r in records}
    index = TantivyIndex(None, cache_size=0)
    index_records(index, records, visibility=lambda r: level_of[r.id])
    for size in range(len(VISIBILITY_LEVELS) + 1):
        for levels in combinations(VISIBILITY_LEVELS, size):
            query = SearchQuery(q="truyện ngắn", visibility=[*levels, "not-a-level"], per_page=10)
            found = {hit.id for hit in index.search(query).hits}
            assert found == {rid for rid, level in level_of.items() if level in levels}, levels
            assert (index.suggest("tuyen", visibility=list(levels)) != []) == bool(levels)


def test_another_page_or_sort_of_a_result_is_not_counted_again(monkeypatch):
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=30, copies=2))
    first = index.search(SearchQuery(q="truyện ngắn", facets=["library", "year"], per_page=10))
    counted = []
    real = counts_module.FacetCounter.counts

    def counting(self, *args, **kwargs):
        counted.append(args[-1].page)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(counts_module.FacetCounter, "counts", counting)
    for page, sort in ((2, "relevance"), (3, "relevance"), (1, "year_asc"), (2, "title")):
        again = index.search(
            SearchQuery(
                q="truyện ngắn", facets=["library", "year"], page=page, sort=sort, per_page=10
            )
        )
        assert (again.total, again.facets) == (first.total, first.facets) == (30, again.facets)
        assert len(again.hits) == 10
    assert counted == []
    narrowed = index.search(
        SearchQuery(q="truyện ngắn", facets=["library", "year"], filters={"year": ["1901"]})
    )
    assert narrowed.total == 1 and counted == [1]  # other filters: counted
    index_records(index, big_catalogue(works=31, copies=2))
    assert index.search(SearchQuery(q="truyện ngắn", facets=["library"], page=2)).total == 31


def _held_search(monkeypatch, fail: bool = False):
    """TantivyIndex._search that counts its calls and waits for `release` (set by the
    test) before answering, or failing when `fail`."""
    import threading

    calls, release = [], threading.Event()
    real = TantivyIndex._search

    def held(self, *args, **kwargs):
        calls.append(args[-1].q)
        assert release.wait(10)
        if fail:
            raise RuntimeError("the index broke")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TantivyIndex, "_search", held)
    return calls, release


def _in_thread(fn):
    import threading

    out: dict = {}

    def run():
        try:
            out["result"] = fn()
        except Exception as error:  # handed to the test
            out["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_a_search_asked_again_while_it_is_answered_is_answered_once(monkeypatch):
    import time

    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=5, copies=1))
    calls, release = _held_search(monkeypatch)
    ask = lambda: index.search(SearchQuery(q="truyện ngắn"))  # noqa: E731
    first, first_out = _in_thread(ask)
    while not calls:
        time.sleep(0.01)
    second, second_out = _in_thread(ask)
    other, other_out = _in_thread(lambda: index.search(SearchQuery(q="tuyển tập")))
    time.sleep(0.3)
    assert second.is_alive()  # waiting for the first asking's answer
    release.set()
    for thread in (first, second, other):
        thread.join(10)
    assert calls == ["truyện ngắn", "tuyển tập"]  # the same search once, another apart
    assert first_out["result"].total == second_out["result"].total == 5
    assert first_out["result"].hits is not second_out["result"].hits  # each its own copy
    assert other_out["result"].total == 5


def test_a_failed_search_fails_its_waiters_and_is_tried_again_next_time(monkeypatch):
    import time

    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=5, copies=1))
    calls, release = _held_search(monkeypatch, fail=True)
    ask = lambda: index.search(SearchQuery(q="truyện ngắn"))  # noqa: E731
    first, first_out = _in_thread(ask)
    while not calls:
        time.sleep(0.01)
    second, second_out = _in_thread(ask)
    time.sleep(0.3)
    release.set()
    first.join(10), second.join(10)
    assert str(first_out["error"]) == str(second_out["error"]) == "the index broke"
    monkeypatch.undo()
    assert ask().total == 5  # nothing cached from the failure


def test_cached_results_leave_the_garbage_collector_nothing_to_walk():
    """A full collection walks every tracked object: two thousand cached results as
    objects made pauses of 200 ms at 1M records; kept as bytes they add none."""
    import gc

    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=40, copies=2))
    queries = [
        SearchQuery(q=f"tuyển tập truyện ngắn {w}", facets=["library", "year"]) for w in range(40)
    ]
    index.search(queries[0])
    gc.collect()
    before = len(gc.get_objects())
    results = [index.search(query) for query in queries[1:]]
    assert all(r.total >= 1 and r.hits for r in results)
    del results
    gc.collect()
    assert len(gc.get_objects()) - before < 200  # was 39 results × hundreds of objects
    again = index.search(queries[5])
    again.hits.clear()
    assert index.search(queries[5]).hits  # each taker its own copy
