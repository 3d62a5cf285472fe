"""A busy process counts large results on a smaller sample (`counts_rough`), keeps such
a result while it stays busy, and counts it again in full once it is not."""

from __future__ import annotations

import threading

import pytest

from indexer import SearchQuery, TantivyIndex, index_records, tantivy_index
from indexer import tantivy_counts as counts_module
from tests.indexer.sample_records import big_catalogue


def busy(index: TantivyIndex) -> TantivyIndex:
    """As if the process were always busy (and so never idle)."""
    index.busy_at, index.idle_at = 0, -1
    return index


def idle(index: TantivyIndex) -> TantivyIndex:
    """As if nothing else were ever computing in the process."""
    index.busy_at, index.idle_at = 10**6, 10**6
    return index


@pytest.fixture
def small_samples(monkeypatch):
    """The sampling limits scaled down, so 2,000 records are a large result; returns
    the sample fractions each aggregation was asked for."""
    monkeypatch.setattr(counts_module, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(counts_module, "SAMPLE_RECORDS", 800)
    monkeypatch.setattr(counts_module, "MIN_SAMPLE_WORKS", 20)
    fractions: list[float] = []
    real = counts_module.FacetCounter.aggregate

    def spy(self, *args):
        fractions.append(args[5])
        return real(self, *args)

    monkeypatch.setattr(counts_module.FacetCounter, "aggregate", spy)
    return fractions


QUERY = SearchQuery(per_page=5, facets=["library", "language"])


def test_a_busy_process_counts_on_a_sample_four_times_smaller(small_samples, tmp_path):
    index = TantivyIndex(tmp_path / "index")
    index_records(index, big_catalogue(works=1000, copies=2))  # 2,000 records
    busy(index)
    rough = index.search(QUERY)
    assert small_samples == [26 / 256]  # about 200 of 2,000 records (800 / ROUGH)
    assert rough.counts_rough and not rough.total_exact
    assert 600 <= rough.total <= 1400  # 1,000 works, rougher
    assert len(rough.hits) == 5
    (vie,) = rough.facets["language"]
    assert 600 <= vie.count <= 1400

    # Never idle: the rough result is what the cache gives, nothing is counted again.
    assert index.search(QUERY).counts_rough and small_samples == [26 / 256]

    # Idle: the first asker gets it counted in full, and it is kept so.
    idle(index)
    full = index.search(QUERY)
    assert small_samples == [26 / 256, 103 / 256]
    assert not full.counts_rough and 850 <= full.total <= 1150
    again = index.search(QUERY)
    assert small_samples == [26 / 256, 103 / 256] and not again.counts_rough
    assert again.total == full.total


def test_a_rough_result_is_kept_while_others_compute(small_samples):
    """Not busy enough to count rough, but not idle: what was counted rough is served
    as it is (under sustained load, counting everything twice would cost more than
    the rough count saved)."""
    index = busy(TantivyIndex(None))
    index_records(index, big_catalogue(works=1000, copies=2))
    assert index.search(QUERY).counts_rough
    index.busy_at, index.idle_at = 10**6, -1
    assert index.search(QUERY).counts_rough and small_samples == [26 / 256]


def test_a_rough_result_is_counted_again_in_full_even_if_busy_meanwhile(small_samples):
    """Once idle the recount is decided, and it counts in full whatever arrives while it
    runs: a recount that came back rough would be thrown away."""
    index = busy(TantivyIndex(None))
    index_records(index, big_catalogue(works=1000, copies=2))
    assert index.search(QUERY).counts_rough
    index.busy_at, index.idle_at = 0, 10**6  # idle when asked, busy while counting
    assert not index.search(QUERY).counts_rough
    assert small_samples == [26 / 256, 103 / 256]


def test_counting_again_keeps_the_ranking_and_the_hits(small_samples, monkeypatch):
    """Only the counts were rough: the recount neither ranks again nor reads the hits."""
    index = busy(TantivyIndex(None))
    index_records(index, big_catalogue(works=1000, copies=2))
    rough = index.search(SearchQuery(q="truyện ngắn", per_page=5, facets=["library"]))
    ranked = []
    real = tantivy_index.first_hits
    monkeypatch.setattr(tantivy_index, "first_hits", lambda *a: ranked.append(1) or real(*a))
    idle(index)
    full = index.search(SearchQuery(q="truyện ngắn", per_page=5, facets=["library"]))
    assert ranked == [] and not full.counts_rough
    assert [h.id for h in full.hits] == [h.id for h in rough.hits]
    assert small_samples == [26 / 256, 103 / 256]
    assert 850 <= full.total <= 1150


def test_rough_counts_of_one_page_are_counted_again_for_the_next(small_samples):
    """Counts are kept apart from pages: a rough count kept for page 1 is not reused for
    page 2 once the process has time."""
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=1000, copies=2))
    busy(index)
    assert index.search(QUERY).counts_rough
    idle(index)
    second = index.search(SearchQuery(per_page=5, page=2, facets=["library", "language"]))
    assert not second.counts_rough and small_samples == [26 / 256, 103 / 256]
    # Page 1, rough in the cache, takes the full counts page 2 made: nothing counted.
    first = index.search(QUERY)
    assert not first.counts_rough and small_samples == [26 / 256, 103 / 256]
    assert (first.total, first.facets) == (second.total, second.facets)


def test_results_within_the_sample_size_are_never_rough(small_samples):
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=60, copies=2))  # 120 records, under 800
    busy(index)
    result = index.search(QUERY)
    assert not result.counts_rough
    assert result.total == 60 and result.total_exact
    assert [fc.count for fc in result.facets["library"]] == [60, 60]


def test_a_filtered_facet_is_counted_rough_too(small_samples):
    """The facet counted without its own filter is a larger result: rough as well."""
    index = TantivyIndex(None)
    index_records(index, big_catalogue(works=1000, copies=3))
    busy(index)
    query = SearchQuery(per_page=5, facets=["library"], filters={"library": ["Thư viện 0"]})
    result = index.search(query)
    assert result.counts_rough
    assert all(fraction < 103 / 256 for fraction in small_samples), small_samples
    libraries = {fc.value: fc.count for fc in result.facets["library"]}
    assert set(libraries) == {"Thư viện 0", "Thư viện 1", "Thư viện 2"}
    assert all(600 <= count <= 1400 for count in libraries.values())


def test_another_process_counts_a_shared_rough_result_again(small_samples, tmp_path):
    """Worker processes share results: a rough one another process stored is counted
    again by the first that is not busy, which stores the full one for all."""
    path, folder = tmp_path / "index", tmp_path / "shared"
    folder.mkdir()
    index_records(TantivyIndex(path), big_catalogue(works=1000, copies=2))
    first, second = TantivyIndex(path), TantivyIndex(path)  # two worker processes' readers
    for index in (first, second):
        index.share_results(folder)
    busy(first), idle(second)
    assert first.search(QUERY).counts_rough
    assert not second.search(QUERY).counts_rough
    assert small_samples == [26 / 256, 103 / 256]
    idle(first)
    assert not first.search(QUERY).counts_rough  # the second's full count, shared
    assert small_samples == [26 / 256, 103 / 256]


def test_busy_means_searches_being_computed_in_this_process():
    """The count of searches computing goes up while they compute and back to nought
    after, whether they answered or failed."""
    index = TantivyIndex(None, cache_size=0)
    index_records(index, big_catalogue(works=10, copies=1))
    index.busy_at = 2
    seen = []
    started, release = threading.Event(), threading.Event()
    real = index._compute

    def compute(*args, **kwargs):
        seen.append(index._busy())
        if len(seen) == 1:  # the first waits until the second has started
            started.set()
            release.wait(5)
        else:
            release.set()
        return real(*args, **kwargs)

    index._compute = compute
    other = threading.Thread(target=index.search, args=(SearchQuery(q="truyện"),))
    other.start()
    started.wait(5)
    index.search(SearchQuery(q="tuyển"))  # the second, while the first computes: busy
    other.join(5)
    assert seen == [False, True]
    assert index._computing == 0 and not index._busy()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    index._compute = broken
    with pytest.raises(RuntimeError):
        index.search(SearchQuery(q="truyện"))
    assert index._computing == 0 and not index._busy()
