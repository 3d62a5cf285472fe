"""TantivyIndex: the embedded default backend — a folder on disk, nothing to run.

One tantivy document per record; works are collapsed at query time. Per-record
documents keep visibility per record: a hidden record of a visible work never lends the
work its text, its holdings or its facet values. Collapsing reads only the numeric
`work_num` fast field per matching record (no stored documents), over-fetching until
the page is full.

The total and the facet counts are works too, and all of them come from one
aggregation pass (`_tally`). Up to FACET_EXACT_LIMIT matching records every count is
exact. Beyond, they are counted on a sample of works: `work_num` is a hash of the work
key and `sample` its top byte, so the works of the first k `sample` values are a
uniform random sample of a fraction f = k/256 of works, each with all its records; a
count in the sample divided by f estimates the count in the result. The sample is
sized to about SAMPLE_RECORDS records, so counting costs about the same however broad
the query. An estimated total is
flagged by `SearchResult.total_exact` = False; up to SAMPLE_RECORDS the total is exact
and facet counts are HyperLogLog estimates, which are exact in practice at that size.

Results are cached per index version (`_Kept`): the home page, browse pages and
popular queries are asked again and again, and any commit starts a fresh cache.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import tantivy

from indexer.protocol import ALL_OF_FACETS, FacetCount, Hit, SearchQuery, SearchResult
from indexer.query import (
    MatchAll,
    Node,
    fuzzy,
    highlight_terms,
    parse,
    positive_words,
)
from indexer.shared_results import SharedResults
from indexer.spelling import best_correction, rewrite
from indexer.suggestions import Suggestion, rank_suggestions
from indexer.tantivy_query import Clause, Must, QueryBuilder, Should, restrict
from indexer.tantivy_schema import (
    FACET_FIELDS,
    SAMPLES,
    SCHEMA_VERSION,
    analyzers,
    build_schema,
    to_tantivy,
)
from indexer.text import (
    byte_spans_to_chars,
    fold,
    folded_words,
    highlight_html,
    mark_words,
    words,
)

FACET_EXACT_LIMIT = 1_000  # matching records up to which every count is exact
SAMPLE_RECORDS = 10_000  # past this many matching records, counts come from a sample
WRITER_THREADS = 1  # tantivy indexing threads: 2 used 45 % more memory for no speed (2 cores)
SHARE_VALUES = 2_000  # per facet, the values whose share of the index is kept
MIN_SAMPLE_WORKS = 200  # fewer sampled works than this: sample more (few, big works)
COUNT_THREADS = 4  # threads counting totals and facets while searches rank their hits
CACHE_SIZE = 2_048  # searches remembered per index version
SUGGEST_BELOW = 3  # offer "did you mean" when fewer works than this match
_SORTS = {
    "relevance": (None, tantivy.Order.Desc),
    "year_desc": ("year", tantivy.Order.Desc),
    "year_asc": ("year", tantivy.Order.Asc),
    "title": ("title_sort", tantivy.Order.Asc),
}
_MARKER = "thuvien-index.json"


Counts = tuple[int, dict[str, list[FacetCount]], bool]  # (works, facets, total exact)


class IndexSchemaError(RuntimeError):
    """The folder holds an index built by another version: rebuild it."""


class TantivyIndex:
    """A `SearchIndex` in a folder (or in memory when `path` is None, for tests)."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        recreate: bool = False,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.schema = build_schema()
        self._analyzers = analyzers()
        self._lock = threading.Lock()
        self._writer: tantivy.IndexWriter | None = None
        self._index = self._open(recreate)
        for name, analyzer in self._analyzers.items():
            self._index.register_tokenizer(name, analyzer)
        self._builder = QueryBuilder(self.schema, self._analyzers)
        self._commits = 0  # this process's commits: part of the index version
        self._version: tuple = ()
        self._cache = _Kept(cache_size)  # search results
        self._counted = _Kept(cache_size)
        self._flights = _Flights()
        self._shared: SharedResults | None = None  # other processes' results (share_results)
        self._shares: _Shares | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0

    def _open(self, recreate: bool) -> tantivy.Index:
        if self.path is None:
            return tantivy.Index(self.schema)
        marker = self.path / _MARKER
        if recreate and self.path.exists():
            if any(self.path.iterdir()) and not (self.path / "meta.json").exists():
                raise IndexSchemaError(f"{self.path} is not a search index; not deleting it")
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        if (self.path / "meta.json").exists():
            version = json.loads(marker.read_text()).get("schema") if marker.exists() else None
            if version != SCHEMA_VERSION:
                raise IndexSchemaError(
                    f"search index at {self.path} has schema {version}, this version needs "
                    f"{SCHEMA_VERSION}: rebuild it (thuvien index --rebuild)"
                )
        try:
            index = tantivy.Index(self.schema, str(self.path), reuse=True)
        except ValueError as exc:
            raise IndexSchemaError(f"cannot open search index at {self.path}: {exc}") from exc
        marker.write_text(json.dumps({"schema": SCHEMA_VERSION}))
        return index

    # --- writing ------------------------------------------------------------------

    def _writer_locked(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=64_000_000, num_threads=WRITER_THREADS)
        return self._writer

    def add(self, docs: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        self.add_prepared((self.prepare(doc) for doc in docs), new=new)

    def prepare(self, doc: dict[str, Any]) -> tuple[str, str]:
        """(record id, the document as tantivy's JSON)."""
        return doc["id"], to_tantivy(doc)

    def add_prepared(self, items: Iterable[tuple[str, str]], *, new: bool = False) -> None:
        """Add or replace by id; `new` (a rebuild after `clear`) skips the delete by id
        each document otherwise queues, which the commit must look up in every segment
        (a tenth of a rebuild's time at a million records)."""
        with self._lock:
            writer = self._writer_locked()
            for record_id, text in items:
                if not new:
                    writer.delete_documents_by_term("id", record_id)
                writer.add_json(text)

    def delete(self, ids: Iterable[str]) -> None:
        with self._lock:
            writer = self._writer_locked()
            for record_id in ids:
                writer.delete_documents_by_term("id", record_id)

    def commit(self) -> None:
        """Make changes searchable and release the writer lock for other processes."""
        with self._lock:
            if self._writer is None:
                return
            writer, self._writer = self._writer, None
            writer.commit()
            writer.wait_merging_threads()
            self._commits += 1
        self._index.reload()

    def clear(self) -> None:
        with self._lock:
            self._writer_locked().delete_all_documents()
        self.commit()

    def close(self) -> None:
        """Drop uncommitted changes and the writer lock."""
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._writer = None

    def count(self) -> int:
        return self._index.searcher().num_docs

    # --- searching ----------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """A cached result, or one search per result however many ask for it at once.

        When the cache is cold (a server just started, or a commit emptied it) a popular
        search arrives again while its first asking is still being answered; those
        askers wait for that answer instead of each computing it, which is what lets a
        cold server catch up with its queue instead of falling further behind."""
        searcher, version = self._current()
        if self._cache.size <= 0:
            return self._search(searcher, version, query)
        key = _cache_key(query)
        cached = self._cache.get(version, key)
        if cached is not None:
            return cached
        flight, first = self._flights.join((version, key))
        if not first:
            return _handed_out(flight.result())
        try:
            result = self._answer(searcher, version, key, query)
            self._cache.put(version, key, result)
            flight.set_result(result)
        except BaseException as error:
            flight.set_exception(error)
            raise
        finally:
            self._flights.land((version, key))
        return _handed_out(result)

    def share_results(self, folder: Path) -> None:
        """Share search results with the other worker processes of this server through
        `folder` (indexer.shared_results): each is then answered once for all of them."""
        self._shared = SharedResults(folder, self._cache.size)

    def _answer(
        self, searcher: tantivy.Searcher, version: tuple, key: tuple, query: SearchQuery
    ) -> SearchResult:
        """The result another process already shared, or this one's own search."""
        if self._shared is None:
            return self._search(searcher, version, query)
        with self._shared.answering(version, key) as shared:
            if shared is not None:
                return shared
            result = self._search(searcher, version, query)
            self._shared.put(version, key, result)
            return result

    def version(self) -> str:
        """Changes with every commit, from any process: what a cached page depends on."""
        return ":".join(str(part) for part in self._current()[1])

    def _current(self) -> tuple[tantivy.Searcher, tuple]:
        """A searcher on the newest commit and that commit's version.

        The version is this process's commit count and the index folder's meta.json
        (another process's commits change it); when it moves the reader is reloaded at
        once, so a cached answer never outlives the commit it was computed on.
        """
        version: tuple = (self._commits,)
        if self.path is not None:
            try:
                meta = (self.path / "meta.json").stat()
                version += (meta.st_mtime_ns, meta.st_size)
            except OSError:
                pass
        if version != self._version:
            self._index.reload()
            self._version = version
        return self._index.searcher(), version

    def _search(
        self, searcher: tantivy.Searcher, version: tuple, query: SearchQuery
    ) -> SearchResult:
        """The ranking counts the matching records as it goes; the total and facets are
        then counted (a pool thread, on the cheaper match-only query, sized by that
        count) while this thread collapses and reads the page's hits: tantivy lets go of
        the GIL while it searches. Counting before the ranking was done would read every
        match once more only to learn how large the result is."""
        tree = parse(query.q)
        filters = self._builder.filters(query.filters, query.visibility)
        user_query = self._builder.build(tree) or tantivy.Query.all_query()
        full = restrict(user_query, filters)
        first, records = self._first(searcher, full, query)
        matching = self._builder.build(tree, scored=False) or tantivy.Query.all_query()
        counting = self._counting(searcher, version, matching, filters, records, query, fuzzy=False)
        fuzzy_used = False
        if records == 0 and positive_words(tree):
            fuzzy_tree = fuzzy(tree)
            fuzzy_query = self._builder.build(fuzzy_tree) if fuzzy_tree != tree else None
            if fuzzy_query is not None:
                fuzzy_full = restrict(fuzzy_query, filters)
                fuzzy_first, fuzzy_records = self._first(searcher, fuzzy_full, query)
                if fuzzy_records:
                    user_query, full, fuzzy_used = fuzzy_query, fuzzy_full, True
                    first, records = fuzzy_first, fuzzy_records
                    matching = self._builder.build(fuzzy_tree, scored=False) or fuzzy_query
                    counting = self._counting(
                        searcher, version, matching, filters, records, query, fuzzy=True
                    )

        order, known, seen = self._collapse(searcher, full, records, query, first)
        hits = self._hits(searcher, order, user_query, tree, query)
        total, facets, exact = counting.result()
        if known is not None:
            total, exact = known, True
        elif not exact:
            total = max(total, seen)
        suggestion = None
        if (fuzzy_used or total < SUGGEST_BELOW) and not isinstance(tree, MatchAll):
            suggestion = self._did_you_mean(searcher, tree, query, filters, records, fuzzy_used)
        return SearchResult(
            hits=hits,
            total=total,
            facets=facets,
            suggestion=suggestion,
            page=query.page,
            per_page=query.per_page,
            total_exact=exact,
            fuzzy=fuzzy_used,
        )

    def _counting(
        self,
        searcher: tantivy.Searcher,
        version: tuple,
        matching: tantivy.Query,
        filters: list[Clause],
        records: int,
        query: SearchQuery,
        *,
        fuzzy: bool,
    ) -> Future[Counts]:
        """The total and facets of `records` matching records, counted in a pool thread,
        or already known: they do not depend on the page, its size or the sort, so
        paging through a result or sorting it again costs only the ranking."""
        key = (*_counts_key(query), fuzzy)
        known = self._counted.get(version, key)
        if known is None:
            return self._pool().submit(
                self._counts_kept, searcher, (version, key), matching, filters, records, query
            )
        done: Future[Counts] = Future()
        done.set_result(known)
        return done

    def _counts_kept(
        self,
        searcher: tantivy.Searcher,
        slot: tuple[tuple, tuple],
        matching: tantivy.Query,
        filters: list[Clause],
        records: int,
        query: SearchQuery,
    ) -> Counts:
        counts = self._counts(searcher, matching, filters, records, query)
        if self._counted.size > 0:
            self._counted.put(*slot, counts)
        return counts

    def _pool(self) -> ThreadPoolExecutor:
        """This process's counting threads (made again in a forked server worker,
        which inherits the object but not the threads)."""
        if self._executor is None or self._executor_pid != os.getpid():
            self._executor = ThreadPoolExecutor(COUNT_THREADS, thread_name_prefix="tally")
            self._executor_pid = os.getpid()
        return self._executor

    def _counts(
        self,
        searcher: tantivy.Searcher,
        matching: tantivy.Query,
        filters: list[Clause],
        records: int,
        query: SearchQuery,
    ) -> Counts:
        """(works, facets, whether the total is exact) for the match-only user query,
        which `records` records match."""
        full = restrict(matching, filters)
        total, facets, exact = self._tally(searcher, full, query, records)
        facets.update(self._own_filter_free(searcher, matching, query, records))
        return total, facets, exact

    def _first(
        self, searcher: tantivy.Searcher, full: tantivy.Query, query: SearchQuery
    ) -> tuple[tantivy.SearchResult, int]:
        """The first ranked hits and the number of matching records, in one pass."""
        field, direction = _SORTS[query.sort]
        fetch = max((query.offset + query.limit) * 3, 50)
        result = searcher.search(full, fetch, count=True, order_by_field=field, order=direction)
        return result, result.count or 0

    def _collapse(
        self,
        searcher: tantivy.Searcher,
        full: tantivy.Query,
        records: int,
        query: SearchQuery,
        first: tantivy.SearchResult,
    ) -> tuple[list[tuple[int, float | None, tantivy.DocAddress]], int | None, int]:
        """The page's works in rank order as (work_num, score, best record address),
        the number of works when every matching record was read (else None), and the
        number of works seen (a lower bound)."""
        need = query.offset + query.limit
        field, direction = _SORTS[query.sort]
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

    def _hits(
        self,
        searcher: tantivy.Searcher,
        order: list[tuple[int, float | None, tantivy.DocAddress]],
        user_query: tantivy.Query,
        tree: Node,
        query: SearchQuery,
    ) -> list[Hit]:
        if not order:
            return []
        nums = [num for num, _score, _address in order]
        # The page's works' posting lists, a few records each: a union of them is read in
        # place, where a term set would first mark them in a bitset of the whole index.
        members = tantivy.Query.boolean_query(
            [(Should, tantivy.Query.term_query(self.schema, "work_num", num)) for num in nums]
        )
        visible = restrict(members, self._builder.visibility_clauses(query.visibility))
        by_work: dict[int, list[dict[str, Any]]] = {num: [] for num in nums}
        found = searcher.search(visible, min(len(nums) * 200, 10_000), count=False)
        addresses = [address for _score, address in found.hits]
        for address, num in zip(
            addresses, searcher.fast_field_values("work_num", addresses), strict=True
        ):
            by_work.setdefault(num, []).append(_stored(searcher.doc(address)))

        snippets = None
        if not isinstance(tree, MatchAll):
            snippets = tantivy.SnippetGenerator.create(searcher, user_query, self.schema, "body")
            snippets.set_max_num_chars(240)
        terms, prefixes = highlight_terms(tree)
        hits = []
        for num, score, address in order:
            best_doc = searcher.doc(address)
            best = _stored(best_doc)
            group = by_work.get(num) or [best]
            group.sort(key=lambda s: (s["fields"]["id"] != best["fields"]["id"], s["fields"]["id"]))
            holdings = [h for s in group for h in s["holdings"]]
            libraries = list(dict.fromkeys(h["library"] for h in holdings if h.get("library")))
            if not libraries:
                libraries = list(dict.fromkeys(v for s in group for v in s["fields"]["library"]))
            highlights = {}
            title = best["fields"].get("title") or ""
            if terms or prefixes:
                marked = mark_words(title, terms, prefixes)
                if "<mark>" in marked:
                    highlights["title"] = marked
            if snippets is not None:
                snippet = snippets.snippet_from_doc(best_doc)
                text = snippet.fragment()
                spans = [(r.start, r.end) for r in snippet.highlighted()]
                if text and spans:
                    highlights["body"] = highlight_html(text, byte_spans_to_chars(text, spans))
            hits.append(
                Hit(
                    work_key=best["fields"]["work_key"],
                    id=best["fields"]["id"],
                    record_ids=[s["fields"]["id"] for s in group],
                    fields=best["fields"],
                    holdings=holdings,
                    libraries=libraries,
                    snippet=highlights.get("body", ""),
                    highlights=highlights,
                    score=score,
                )
            )
        return hits

    def _tally(
        self,
        searcher: tantivy.Searcher,
        full: tantivy.Query,
        query: SearchQuery,
        records: int,
        counted: bool = True,
    ) -> tuple[int, dict[str, list[FacetCount]], bool]:
        """(works in the result, top facet values by works, whether the total is exact).

        `records` is the number of matching records, or only an estimate when not
        `counted` (then nothing is sized by it exactly).

        One aggregation: distinct work numbers overall and per facet value, exactly up
        to FACET_EXACT_LIMIT records, else with HyperLogLog on a sample of works (see
        the module docstring). A sample that caught too few works (a result of a few
        works with very many records each) is taken again, larger.
        """
        if records == 0:
            return 0, {name: [] for name in query.facets}, True
        exact = counted and records <= FACET_EXACT_LIMIT
        fraction = min(1.0, math.ceil(SAMPLES * SAMPLE_RECORDS / records) / SAMPLES)
        while True:
            found = self._aggregate(searcher, full, query, records, exact, fraction, counted)
            if fraction >= 1.0 or _works(found["works"]) >= MIN_SAMPLE_WORKS:
                break
            fraction = min(1.0, fraction * 8)  # stays a multiple of 1/SAMPLES
        works = round(_works(found["works"]) / fraction)
        total = min(records, works) if counted else works
        total_exact = fraction >= 1.0 and "buckets" in found["works"]
        facets = {}
        for name in query.facets:
            counts = [
                (b["key"], min(total, round(_works(b["w"]) / fraction)))
                for b in found[name]["buckets"]
            ]
            facets[name] = _top(counts, query.facet_limit)
        return total, facets, total_exact

    def _own_filter_free(
        self,
        searcher: tantivy.Searcher,
        user_query: tantivy.Query,
        query: SearchQuery,
        records: int,
    ) -> dict[str, list[FacetCount]]:
        """Facets the search is filtered on, counted without their own filter.

        Values within one facet are OR-ed, so a reader who picked one library must still
        see the others (with what picking them would add) to pick a second: what Solr
        does with a tagged filter excluded from its facet. Without the filter the result
        is larger by about the inverse of the filter's share of the index (`_Shares`),
        which sizes the sample without counting the larger result first.
        """
        out = {}
        for name in query.facets:
            if name not in query.filters or name in ALL_OF_FACETS:
                continue
            others = {key: values for key, values in query.filters.items() if key != name}
            broader = restrict(user_query, self._builder.filters(others, query.visibility))
            share = self._shares_for(searcher).share(name, query.filters[name])
            estimate = min(searcher.num_docs, round(records / share)) if share else 0
            counted = estimate <= 4 * FACET_EXACT_LIMIT  # small: count it exactly
            if counted:
                estimate = _count(searcher, broader)
            one = replace(query, facets=[name])
            _total, facets, _exact = self._tally(searcher, broader, one, estimate, counted)
            out[name] = facets[name]
        return out

    def _shares_for(self, searcher: tantivy.Searcher) -> _Shares:
        shares = self._shares
        if shares is None or shares.version != self._version:
            shares = self._shares = _Shares.compute(searcher, self._version)
        return shares

    def _aggregate(
        self,
        searcher: tantivy.Searcher,
        full: tantivy.Query,
        query: SearchQuery,
        records: int,
        exact: bool,
        fraction: float,
        counted: bool,
    ) -> dict[str, Any]:
        distinct = {"terms": {"field": "work_num", "size": records}}
        estimate = {"cardinality": {"field": "work_num"}}
        size = query.facet_limit * 2 + 10
        aggs: dict[str, Any] = {
            name: {
                "terms": {"field": FACET_FIELDS[name], "size": size},
                "aggs": {"w": distinct if exact else estimate},
            }
            for name in query.facets
        }
        aggs["works"] = distinct if fraction >= 1.0 and counted else estimate
        target = full
        if fraction < 1.0:
            # Posting lists, not a range over the fast field: they lead the intersection.
            samples = list(range(round(fraction * SAMPLES)))
            sample = tantivy.Query.term_set_query(self.schema, "sample", samples)
            target = restrict(full, [(Must, tantivy.Query.const_score_query(sample, 0.0))])
        try:
            return searcher.aggregate(target, aggs)
        except ValueError:  # past tantivy's bucket limit: estimate instead
            for agg in aggs.values():
                if "aggs" in agg:
                    agg["aggs"]["w"] = estimate
            if "works" in aggs:
                aggs["works"] = estimate
            return searcher.aggregate(target, aggs)

    # --- spelling and autocomplete -----------------------------------------------------

    def _did_you_mean(
        self,
        searcher: tantivy.Searcher,
        tree: Node,
        query: SearchQuery,
        filters: list[Clause],
        records: int,
        fuzzy_used: bool,
    ) -> str | None:
        visible = self._builder.visible(query.visibility)
        corrections: dict[str, str] = {}
        for term in positive_words(tree):
            for part in words(term.text):
                folded = fold(part)
                if len(folded) < 3 or folded.isdigit() or _known(searcher, folded, visible):
                    continue
                correction = best_correction(part, _candidates(searcher, folded, visible))
                if correction:
                    corrections[part] = correction
        if not corrections:
            return None
        suggestion = rewrite(query.q, corrections)
        corrected = self._builder.build(parse(suggestion), scored=False)
        if corrected is None:
            return None
        better = _count(searcher, restrict(corrected, filters))
        return suggestion if better > (0 if fuzzy_used else records) else None

    def suggest(
        self, prefix: str, limit: int = 10, *, visibility: Sequence[str] = ("public",)
    ) -> list[Suggestion]:
        key = " ".join(folded_words(prefix[:200]))
        limit = min(int(limit), 100)
        if not key or limit <= 0 or not visibility:
            return []
        if prefix[-1:].isspace():
            key += " "
        searcher = self._index.searcher()
        visible = self._builder.visible(visibility)
        terms = searcher.terms_with_prefix("suggest", key, filter_query=visible, limit=2000)
        return rank_suggestions(terms, limit)


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    """Matching records, without scoring them (an aggregation, not a ranked search)."""
    found = searcher.aggregate(query, {"n": {"value_count": {"field": "work_num"}}})
    return int(found["n"]["value"] or 0)


def _top(buckets: list[tuple[Any, int]], limit: int) -> list[FacetCount]:
    counts = [FacetCount(_facet_value(key), count) for key, count in buckets if count > 0]
    counts.sort(key=lambda fc: (-fc.count, fc.value))
    return counts[:limit]


class _Shares:
    """Each facet value's share of the index's records, for one index version: one
    aggregation over every document the first time a filtered search needs it.

    Values past the SHARE_VALUES most frequent count as the rarest one kept."""

    def __init__(self, version: tuple, docs: int, counts: dict[str, dict[str, int]]) -> None:
        self.version = version
        self.docs = docs
        self.counts = counts

    @classmethod
    def compute(cls, searcher: tantivy.Searcher, version: tuple) -> _Shares:
        docs = searcher.num_docs
        if docs == 0:
            return cls(version, 0, {})
        aggs = {
            name: {"terms": {"field": field, "size": SHARE_VALUES}}
            for name, field in FACET_FIELDS.items()
        }
        found = searcher.aggregate(tantivy.Query.all_query(), aggs)
        counts = {
            name: {_facet_value(b["key"]): int(b["doc_count"]) for b in found[name]["buckets"]}
            for name in FACET_FIELDS
        }
        return cls(version, docs, counts)

    def share(self, facet: str, values: Sequence[str]) -> float:
        """The share of records holding any of `values` (0 when the index is empty)."""
        if not self.docs:
            return 0.0
        known = self.counts.get(facet, {})
        rarest = min(known.values(), default=1)
        held = sum(known.get(str(v), rarest) for v in values)
        return min(1.0, max(held, 1) / self.docs)


class _Kept:
    """A small LRU per index version: any commit empties it.

    Values are kept pickled. A cached result is hundreds of small objects (hits, their
    fields, facet counts), and a process holding two thousand of them made each full
    garbage collection walk a million objects: pauses of 200 ms and more, every request
    in the process stopped. Bytes are not tracked by the collector; a value costs
    about 0.2 ms to keep and 0.2 ms to take back, and each taker gets its own copy.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.version: tuple = ()
        self.entries: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: tuple, key: tuple) -> Any:
        with self.lock:
            if version != self.version:
                return None
            kept = self.entries.get(key)
            if kept is None:
                return None
            self.entries.move_to_end(key)
        return pickle.loads(kept)  # noqa: S301 — bytes this object pickled itself

    def put(self, version: tuple, key: tuple, value: Any) -> None:
        kept = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self.lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
            self.entries[key] = kept
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class _Flights:
    """Searches being answered now, each with the Future its later askers wait on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.flying: dict[tuple, Future[SearchResult]] = {}
        self.pid = os.getpid()

    def join(self, key: tuple) -> tuple[Future[SearchResult], bool]:
        """The search's Future, and whether this caller is the first (who answers it)."""
        if self.pid != os.getpid():  # a forked worker: its parent's flights never land here
            self.lock, self.flying, self.pid = threading.Lock(), {}, os.getpid()
        with self.lock:
            flight = self.flying.get(key)
            if flight is not None:
                return flight, False
            flight = self.flying[key] = Future()
            return flight, True

    def land(self, key: tuple) -> None:
        with self.lock:
            self.flying.pop(key, None)


def _handed_out(result: SearchResult) -> SearchResult:
    """A copy of a result answered for several askers at once, whose lists each may
    reorder, filter or clear. Shallow: what callers get is read, never changed in
    place, so the hits and facet counts themselves are shared."""
    return replace(
        result,
        hits=list(result.hits),
        facets={name: list(counts) for name, counts in result.facets.items()},
    )


def _counts_key(query: SearchQuery) -> tuple:
    """What a result's total and facets depend on."""
    return (
        query.q,
        tuple(sorted((name, tuple(values)) for name, values in query.filters.items())),
        tuple(query.facets),
        query.facet_limit,
        tuple(sorted(query.visibility)),
    )


def _cache_key(query: SearchQuery) -> tuple:
    return (*_counts_key(query), query.sort, query.page, query.per_page)


def _works(agg: dict[str, Any]) -> float:
    """Distinct work numbers an aggregation found: exact buckets or an estimate."""
    if "buckets" in agg:
        return len(agg["buckets"])
    return agg["value"]


def _stored(doc: tantivy.Document) -> dict[str, Any]:
    return json.loads(bytes(doc.get_first("payload")).decode("utf-8"))


def _facet_value(key: Any) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def _known(searcher: tantivy.Searcher, folded: str, visible: tantivy.Query) -> bool:
    return bool(searcher.terms_with_prefix("spell", folded + "|", filter_query=visible, limit=1))


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
