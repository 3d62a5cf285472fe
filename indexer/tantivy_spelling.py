"""Did you mean: corrections of a TantivyIndex query from the `spell` field's terms
("folded|display"), looked up over visible records only, so a correction can never
reveal a hidden record's words."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tantivy

from indexer.protocol import SearchQuery
from indexer.query import Node, parse, positive_words, typed
from indexer.spelling import collations, corrections, pick
from indexer.tantivy_counts import count_records
from indexer.tantivy_query import Clause, QueryBuilder, restrict
from indexer.text import fold, words


def did_you_mean(
    searcher: tantivy.Searcher,
    builder: QueryBuilder,
    tree: Node,
    query: SearchQuery,
    filters: list[Clause],
    records: int,
    fuzzy_used: bool,
) -> str | None:
    """A corrected query that finds more works, built only from words of visible
    records: each unknown word replaced by a close visible spelling, the nearest of a
    few corrected queries that finds the most (`indexer.spelling`)."""
    visible = builder.visible(query.visibility)
    known = known_words(searcher, builder, query.visibility)
    options: dict[str, list[tuple[str, int]]] = {}
    for term in positive_words(tree):
        for part in words(term.text):
            folded = fold(part)
            if len(folded) < 3 or folded.isdigit() or known(part):
                continue
            options[part] = corrections(part, _candidates(searcher, folded, visible))
    tried = []
    # The corrected words are as parse read them (NFKC): rewrite the query read so.
    for suggestion, distance in collations(typed(query.q), options):
        corrected = builder.build(parse(suggestion), scored=False)
        if corrected is not None:
            found = count_records(searcher, restrict(corrected, filters))
            tried.append((suggestion, distance, found))
    return pick(tried, 0 if fuzzy_used else records)


def known_words(
    searcher: tantivy.Searcher, builder: QueryBuilder, visibility: Sequence[str]
) -> Callable[[str], bool]:
    """Whether a word is in the titles, authors or subjects of records the reader may
    see: only those, so neither a correction nor the typo fallback depends on a hidden
    record's words."""
    visible = builder.visible(visibility)

    def known(word: str) -> bool:
        prefix = fold(word) + "|"
        return bool(searcher.terms_with_prefix("spell", prefix, filter_query=visible, limit=1))

    return known


def _candidates(
    searcher: tantivy.Searcher, folded: str, visible: tantivy.Query
) -> list[tuple[str, str, int]]:
    out = []
    for term, freq in searcher.terms_with_prefix(
        "spell", folded[0], filter_query=visible, limit=5000
    ):
        cand_folded, _bar, display = term.partition("|")
        out.append((cand_folded, display, freq))
    return out
