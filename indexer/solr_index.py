"""SolrIndex: the SearchIndex protocol over Solr 9 (a standalone core or a SolrCloud collection).

One Solr document per record, as in the tantivy backend, so visibility is per record.
At query time (see config/solr/README.md for the reasoning and costs):

- works are collapsed with the Collapsing query parser (`{!collapse field=work_key}`):
  numFound counts works exactly, and paging is over works;
- the Expand component returns every *visible* record of each work on the page
  (`expand.q=*:*`, `expand.fq=<visibility>`), which is where a hit's holdings come from;
- facets count works: a JSON Facet `unique(work_key)` per bucket, over the uncollapsed
  records (the collapse filter is tagged and excluded from the facet domain);
- autocomplete and "did you mean" only read terms from records that pass the visibility
  filter (faceting), so a hidden record never lends a title, a name or a word.

Requests go through pysolr only; any Solr or HTTP failure becomes `SearchBackendError`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pysolr
import requests

from indexer.protocol import SearchQuery, SearchResult
from indexer.query import MatchAll, Node, fuzzy, parse, positive_words, typed
from indexer.solr_lucene import build_query, clean, keywords
from indexer.solr_query import (
    build_count_all_params,
    build_count_params,
    build_search_params,
    build_spelling_params,
    build_suggest_params,
)
from indexer.solr_results import (
    build_hits,
    candidate_spellings,
    facet_counts,
    known_words,
    pairs,
    spell_suggestions,
)
from indexer.solr_schema import to_solr
from indexer.spelling import collations, corrections, pick
from indexer.suggestions import Suggestion, rank_suggestions
from indexer.text import fold, folded_words, words

log = logging.getLogger(__name__)

SUGGEST_BELOW = 3  # offer "did you mean" when fewer works than this match
MAX_CANDIDATES = 100  # spelling candidates checked against visible records, per search
_HTTP_STATUS = re.compile(r"\(HTTP (\d{3})\)")


class SearchBackendError(RuntimeError):
    """The search backend failed or cannot be reached; the web layer answers 503.

    `status` is Solr's HTTP status when it answered (400 for a query it rejected),
    None when it could not be reached at all.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _num_found(response: dict[str, Any]) -> int:
    return int((response.get("response") or {}).get("numFound") or 0)


class SolrIndex:
    """A `SearchIndex` on a Solr 9 core/collection created from config/solr."""

    def __init__(
        self,
        url: str,
        *,
        collection: str | None = None,
        timeout: float = 10.0,
        batch_size: int = 500,
        solr: pysolr.Solr | None = None,
    ) -> None:
        """`url` is the core or collection URL (…/solr/thuvien), or the Solr base URL
        plus `collection`. `solr` lets a caller pass a configured client (auth, TLS)."""
        if collection:
            url = f"{url.rstrip('/')}/{collection}"
        self.url = url
        self.batch_size = max(1, int(batch_size))
        self._solr = solr or pysolr.Solr(
            url, timeout=timeout, always_commit=False, results_cls=dict
        )

    # --- transport -------------------------------------------------------------------

    def _call(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except pysolr.SolrError as exc:
            match = _HTTP_STATUS.search(str(exc))
            status = int(match.group(1)) if match else None
            raise SearchBackendError(f"Solr at {self.url}: {exc}", status) from exc
        except (requests.RequestException, ValueError) as exc:  # ValueError: not JSON
            raise SearchBackendError(f"Solr at {self.url}: {exc}") from exc

    def _select(self, params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        query = params.pop("q")
        response = self._call(self._solr.search, query, **params)
        if not isinstance(response, dict):
            raise SearchBackendError(f"Solr at {self.url}: unexpected answer {type(response)}")
        return response

    def close(self) -> None:
        """Release pooled HTTP connections."""
        session = getattr(self._solr, "session", None)
        if session is not None:
            session.close()

    # --- writing ---------------------------------------------------------------------

    def add(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        self.add_prepared((self.prepare(doc) for doc in docs), new=new)

    def prepare(self, doc: dict[str, Any]) -> dict[str, Any]:
        return to_solr(doc)

    def add_prepared(self, items: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        # Solr replaces by uniqueKey whatever `new` says: nothing to skip.
        batch: list[dict[str, Any]] = []
        for item in items:
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._call(self._solr.add, batch, commit=False)
                batch = []
        if batch:
            self._call(self._solr.add, batch, commit=False)

    def delete(self, ids: Iterable[str]) -> None:
        pending = [str(i) for i in ids if i]
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start : start + self.batch_size]
            self._call(self._solr.delete, id=batch, commit=False)

    def commit(self) -> None:
        """Hard commit, waiting for the new searcher: changes are searchable on return."""
        self._call(self._solr.commit)

    def clear(self) -> None:
        self._call(self._solr.delete, q="*:*", commit=False)
        self.commit()

    def count(self) -> int:
        return _num_found(self._select(build_count_all_params()))

    # --- searching -------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        tree = parse(query.q)
        try:
            first = self._select(build_search_params(query, tree))
        except SearchBackendError as exc:
            if exc.status != 400:
                raise
            # Should not happen (every value is escaped); degrade rather than fail.
            log.warning("Solr rejected the query for %r, retrying with its words: %s", query.q, exc)
            tree = keywords(query.q)
            first = self._select(build_search_params(query, tree))
        response, total, fuzzy_used = first, _num_found(first), False
        suggestion, asked, shown = None, False, tree
        if total == 0 and positive_words(tree):
            # As TantivyIndex: the corrected query's results when one finds any, else
            # near spellings of the words the reader's visible records do not know.
            suggested = spell_suggestions(first)
            suggestion, asked = self._did_you_mean(tree, query, suggested, 0, False), True
            if suggestion is not None:
                near = parse(suggestion)
            else:
                known = self._known(tree, query.visibility)  # they stay exact
                near = fuzzy(tree, known=lambda word: fold(word) in known)
            if near != tree:
                retry = self._fuzzy_retry(query, near)
                if _num_found(retry):
                    response, total, fuzzy_used, shown = retry, _num_found(retry), True, near

        if not asked and total < SUGGEST_BELOW and not isinstance(tree, MatchAll):
            suggestion = self._did_you_mean(
                tree, query, spell_suggestions(first), total, fuzzy_used
            )
        return SearchResult(
            hits=build_hits(response, shown, scored=query.sort == "relevance"),
            total=total,
            facets=facet_counts(response, query.facets, query.facet_limit),
            suggestion=suggestion,
            page=query.page,
            per_page=query.per_page,
            total_exact=True,
            fuzzy=fuzzy_used,
        )

    def _known(self, tree: Node, visibility: Sequence[str]) -> set[str]:
        """The query's words (folded) in the titles, authors or subjects of records the
        reader may see, as TantivyIndex's `known_words` asks: one faceted request."""
        folded = list(dict.fromkeys(f for t in positive_words(tree) for f in folded_words(t.text)))
        if not folded:
            return set()
        return known_words(self._select(build_spelling_params(folded, [], visibility)), folded)

    def _fuzzy_retry(self, query: SearchQuery, fuzzy_tree: Node) -> dict[str, Any]:
        """The typo fallback's answer; none when Solr refuses it. `bounded` keeps the
        rewritten query under maxBooleanClauses by its own estimate, but a word that
        matches unusually many near spellings in some field is only known to Solr: the
        reader then gets no approximate matches (and a "did you mean"), not an error."""
        try:
            return self._select(build_search_params(query, fuzzy_tree, spelling=False))
        except SearchBackendError as exc:
            if exc.status not in (400, 500) or "clause" not in str(exc).lower():
                raise
            log.warning("Solr refused the typo fallback for %r: %s", query.q, exc)
            return {}

    def _did_you_mean(
        self,
        tree: Node,
        query: SearchQuery,
        suggested: dict[str, list[str]],
        total: int,
        fuzzy_used: bool,
    ) -> str | None:
        """A corrected query that finds more, built only from words of visible records.

        The spellchecker proposes candidates from the whole index (hidden records too);
        one faceted request over visible records then says which query words they know
        and how each candidate is spelled there. A candidate no visible record has is
        dropped, so a correction can never reveal a hidden record's words. A few
        corrected queries are counted, and the nearest that finds the most is suggested
        (`indexer.spelling`).
        """
        parts = [(p, fold(p)) for term in positive_words(tree) for p in words(clean(term.text))]
        parts = [(p, f) for p, f in parts if len(f) >= 3 and not f.isdigit()]
        folded = list(dict.fromkeys(f for _p, f in parts))
        proposed = (c for f in folded for c in suggested.get(f, []) if c != f)
        candidates = list(dict.fromkeys(proposed))[:MAX_CANDIDATES]
        if not candidates:
            return None
        checked = self._select(build_spelling_params(folded, candidates, query.visibility))
        known = known_words(checked, folded)
        spellings = candidate_spellings(checked, candidates)
        options: dict[str, list[tuple[str, int]]] = {}
        for part, word in parts:
            if word not in known:
                known_spellings = [s for c in suggested.get(word, []) for s in spellings.get(c, [])]
                options[part] = corrections(part, known_spellings)
        tried = []
        # The corrected words are as parse read them (NFKC): rewrite the query read so.
        for suggestion, distance in collations(typed(query.q), options):
            corrected = parse(suggestion)
            if build_query(corrected) is not None:
                hits = _num_found(self._select(build_count_params(query, corrected)))
                tried.append((suggestion, distance, hits))
        return pick(tried, 0 if fuzzy_used else total)

    def suggest(
        self, prefix: str, limit: int = 10, *, visibility: Sequence[str] = ("public",)
    ) -> list[Suggestion]:
        key = " ".join(folded_words(clean(prefix[:200])))
        limit = min(int(limit), 100)
        if not key or limit <= 0 or not visibility:
            return []
        if prefix[-1:].isspace():
            key += " "
        response = self._select(build_suggest_params(key, list(visibility)))
        fields = (response.get("facet_counts") or {}).get("facet_fields") or {}
        return rank_suggestions(pairs(fields.get("suggest")), limit)
