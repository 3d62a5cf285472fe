"""SearchQuery bounds and normalisation: enforced once, for every backend."""

from __future__ import annotations

from indexer.protocol import MAX_DEPTH, MAX_PER_PAGE, SearchQuery, SearchResult


def test_defaults():
    query = SearchQuery()
    assert query.visibility == ["public"]
    assert (query.page, query.per_page, query.sort) == (1, 20, "relevance")


def test_bounds_are_clamped():
    query = SearchQuery(page=0, per_page=10**6, facet_limit=-1, sort="random()")
    assert (query.page, query.per_page, query.facet_limit) == (1, MAX_PER_PAGE, 1)
    assert query.sort == "relevance"
    assert SearchQuery(page="2", per_page="abc").per_page == 20
    assert SearchQuery(page=10**9).page == MAX_DEPTH


def test_depth_limit():
    assert SearchQuery(page=10, per_page=100).limit == 100
    assert SearchQuery(page=11, per_page=100).limit == 0
    assert SearchQuery(page=34, per_page=30).limit == 10  # 990..999


def test_filters_and_facets_are_sanitised():
    query = SearchQuery(
        filters={
            "library": "Thư viện Hà Nội",
            "online": [True],
            "visibility": ["hidden"],
            "year": [1990, ""],
            "format": [],
        },
        facets=["library", "library", "visibility", "bogus", "year"],
    )
    assert query.filters == {"library": ["Thư viện Hà Nội"], "online": ["true"], "year": ["1990"]}
    assert query.facets == ["library", "year"]


def test_visibility_is_a_list():
    assert SearchQuery(visibility="staff").visibility == ["staff"]
    assert SearchQuery(visibility=None).visibility == []


def test_pages_never_pass_the_depth_limit():
    assert SearchResult(hits=[], total=5000, per_page=20).pages == MAX_DEPTH // 20
    assert SearchResult(hits=[], total=41, per_page=20).pages == 3
    assert SearchResult(hits=[], total=0).pages == 0
