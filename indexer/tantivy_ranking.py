"""The ranked pass of a search on TantivyIndex, and collapsing it into works.

One tantivy document per record, so the page's works come from the ranked records:
the first record of each work stands for it, and more records are fetched until the
page is full. Collapsing reads only the numeric `work_num` fast field (no stored
documents). The ranked pass also counts the matching records, which sizes the
counting that follows (`indexer.tantivy_counts`).
"""

from __future__ import annotations

import tantivy

from indexer.protocol import SearchQuery

SORTS = {
    "relevance": (None, tantivy.Order.Desc),
    "year_desc": ("year", tantivy.Order.Desc),
    "year_asc": ("year", tantivy.Order.Asc),
    "title": ("title_sort", tantivy.Order.Asc),
}

# (work_num, score or None when sorted by a field, the best record's address)
Ranked = tuple[int, float | None, tantivy.DocAddress]


def first_hits(
    searcher: tantivy.Searcher, full: tantivy.Query, query: SearchQuery
) -> tuple[tantivy.SearchResult, int]:
    """The first ranked hits and the number of matching records, in one pass."""
    field, direction = SORTS[query.sort]
    fetch = max((query.offset + query.limit) * 3, 50)
    result = searcher.search(full, fetch, count=True, order_by_field=field, order=direction)
    return result, result.count or 0


def collapse(
    searcher: tantivy.Searcher,
    full: tantivy.Query,
    records: int,
    query: SearchQuery,
    first: tantivy.SearchResult,
) -> tuple[list[Ranked], int | None, int]:
    """The page's works in rank order, the number of works when every matching record
    was read (else None), and the number of works seen (a lower bound)."""
    need = query.offset + query.limit
    field, direction = SORTS[query.sort]
    firsts: dict[int, tuple[float | None, tantivy.DocAddress]] = {}
    fetched = 0
    if records and need:
        result, fetch = first, len(first.hits)
        while True:
            addresses = [address for _score, address in result.hits]
            nums = searcher.fast_field_values("work_num", addresses)
            firsts = {}
            for (score, address), num in zip(result.hits, nums, strict=True):
                if num not in firsts:
                    firsts[num] = (score if field is None else None, address)
            fetched = fetch
            if len(firsts) >= need or fetch >= records:
                break
            fetch = min(records, fetch * 4)
            result = searcher.search(
                full, fetch, count=False, order_by_field=field, order=direction
            )
    known = len(firsts) if fetched >= records else None
    ordered = [(num, score, address) for num, (score, address) in firsts.items()]
    return ordered[query.offset : need], known, len(firsts)
