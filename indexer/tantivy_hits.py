"""The hits of a results page on TantivyIndex: for each work on the page, every visible
record of it (so the hit lists all holdings and "held by N libraries"), and the marked
matches in its title and description."""

from __future__ import annotations

import json
from typing import Any

import tantivy

from indexer.protocol import Hit, SearchQuery
from indexer.query import MatchAll, Node, highlight_terms
from indexer.tantivy_query import QueryBuilder, Should, restrict
from indexer.text import byte_spans_to_chars, highlight_html
from indexer.work_hit import work_hit


def page_hits(
    searcher: tantivy.Searcher,
    builder: QueryBuilder,
    order: list[tuple[int, float | None, tantivy.DocAddress]],
    user_query: tantivy.Query,
    tree: Node,
    query: SearchQuery,
) -> list[Hit]:
    """The page's works as hits: each work's visible records (their holdings and
    libraries), its best record's fields, the title's and description's marked matches."""
    if not order:
        return []
    nums = [num for num, _score, _address in order]
    # The page's works' posting lists, a few records each: a union of them is read in
    # place, where a term set would first mark them in a bitset of the whole index.
    members = tantivy.Query.boolean_query(
        [(Should, tantivy.Query.term_query(builder.schema, "work_num", num)) for num in nums]
    )
    visible = restrict(members, builder.visibility_clauses(query.visibility))
    by_work: dict[int, list[dict[str, Any]]] = {num: [] for num in nums}
    found = searcher.search(visible, min(len(nums) * 200, 10_000), count=False)
    addresses = [address for _score, address in found.hits]
    for address, num in zip(
        addresses, searcher.fast_field_values("work_num", addresses), strict=True
    ):
        by_work.setdefault(num, []).append(_stored(searcher.doc(address)))

    snippets = None
    if not isinstance(tree, MatchAll):
        snippets = tantivy.SnippetGenerator.create(searcher, user_query, builder.schema, "body")
        snippets.set_max_num_chars(240)
    terms, prefixes = highlight_terms(tree)
    hits = []
    for num, score, address in order:
        best_doc = searcher.doc(address)
        best = _stored(best_doc)
        body = ""
        if snippets is not None:
            snippet = snippets.snippet_from_doc(best_doc)
            text = snippet.fragment()
            spans = [(r.start, r.end) for r in snippet.highlighted()]
            if text and spans:
                body = highlight_html(text, byte_spans_to_chars(text, spans))
        members = by_work.get(num) or []
        hits.append(work_hit(best, members, terms=terms, prefixes=prefixes, body=body, score=score))
    return hits


def _stored(doc: tantivy.Document) -> dict[str, Any]:
    return json.loads(bytes(doc.get_first("payload")).decode("utf-8"))
