"""TantivyIndex: the embedded default backend — a folder on disk, nothing to run.

One tantivy document per record; works are collapsed at query time
(`indexer.tantivy_ranking`). Per-record documents keep visibility per record: a hidden
record of a visible work never lends the work its text, its holdings or its facet
values.

The total and the facet counts are works too, counted while the page's hits are read
(`indexer.tantivy_counts`: exact up to a thousand matching records, else on a uniform
sample of works).

Results are cached per index version (`indexer.result_cache`): the home page, browse
pages and popular queries are asked again and again, and any commit starts a fresh cache.

A busy process (BUSY_SEARCHES or more searches computing in it at once: a server's
first seconds, a burst of new searches) counts large results on a smaller sample
(`counts_rough`), a tenth less CPU per new search, which is what decides whether a
burst's queue shrinks or grows. A rough result is kept like any other until the process
is idle (nothing else computing); the first asker then gets it counted again in full
(as a stale-while-revalidate cache would), so the popular searches of a burst do not
keep their rough counts until the next commit, and a server under sustained load does
not spend what it saved on counting everything twice.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import tantivy

from indexer.protocol import SearchQuery, SearchResult
from indexer.query import (
    MatchAll,
    fuzzy,
    parse,
    positive_words,
)
from indexer.result_cache import Flights, Kept, cache_key, counts_key, handed_out
from indexer.shared_results import SharedResults
from indexer.suggestions import Suggestion, rank_suggestions
from indexer.tantivy_counts import Counts, FacetCounter, count_records
from indexer.tantivy_hits import page_hits
from indexer.tantivy_query import Clause, QueryBuilder, restrict
from indexer.tantivy_ranking import collapse, first_hits
from indexer.tantivy_schema import (
    SCHEMA_VERSION,
    analyzers,
    build_schema,
    to_tantivy,
)
from indexer.tantivy_spelling import did_you_mean, known_words
from indexer.text import (
    folded_words,
)

WRITER_THREADS = 1  # tantivy indexing threads: 2 used 45 % more memory for no speed (2 cores)
COUNT_THREADS = 4  # threads counting totals and facets while searches rank their hits
CACHE_SIZE = 2_048  # searches remembered per index version
SUGGEST_BELOW = 3  # offer "did you mean" when fewer works than this match
BUSY_SEARCHES = 3  # searches computing at once in a process from which it counts rough
IDLE_SEARCHES = 0  # searches computing in it up to which it counts a rough result again
_MARKER = "thuvien-index.json"


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
        self._counter = FacetCounter(self.schema, self._builder)
        self._commits = 0  # this process's commits: part of the index version
        self._version: tuple = ()
        self._cache = Kept(cache_size)  # search results
        self._counted = Kept(cache_size)  # their totals and facets
        self._flights = Flights()
        self.busy_at = BUSY_SEARCHES
        self.idle_at = IDLE_SEARCHES
        self._computing = 0  # searches being computed in this process now
        self._computing_lock = threading.Lock()
        self._shared: SharedResults | None = None  # other processes' results (share_results)
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
        key = cache_key(query)
        cached = self._cache.get(version, key)
        if cached is not None and not self._stale(cached):
            return cached
        flight, first = self._flights.join((version, key))
        if not first:
            return handed_out(flight.result())
        try:
            result = self._answer(searcher, version, key, query, cached)
            self._cache.put(version, key, result)
            flight.set_result(result)
        except BaseException as error:
            flight.set_exception(error)
            raise
        finally:
            self._flights.land((version, key))
        return handed_out(result)

    def share_results(self, folder: Path) -> None:
        """Share search results with the other worker processes of this server through
        `folder` (indexer.shared_results): each is then answered once for all of them."""
        self._shared = SharedResults(folder, self._cache.size)

    def _answer(
        self,
        searcher: tantivy.Searcher,
        version: tuple,
        key: tuple,
        query: SearchQuery,
        stale: SearchResult | None = None,
    ) -> SearchResult:
        """The result another process already shared, or this one's own search (or a
        `stale` rough result counted again)."""
        if self._shared is None:
            return self._search(searcher, version, query, stale=stale)
        with self._shared.answering(version, key) as shared:
            if shared is not None and not self._stale(shared):
                return shared
            result = self._search(searcher, version, query, stale=shared or stale)
            self._shared.put(version, key, result)
            return result

    def _busy(self) -> bool:
        """Whether this process is computing `busy_at` searches or more right now."""
        return self._computing >= self.busy_at

    def _idle(self) -> bool:
        """Whether this process is computing `idle_at` searches or fewer right now."""
        return self._computing <= self.idle_at

    def _stale(self, result: SearchResult) -> bool:
        """A result counted rough, asked again once the process has time to count it."""
        return result.counts_rough and self._idle()

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
        self,
        searcher: tantivy.Searcher,
        version: tuple,
        query: SearchQuery,
        stale: SearchResult | None = None,
    ) -> SearchResult:
        """This process's answer: a `stale` rough result counted again in full, or a
        whole search."""
        with self._computing_lock:
            self._computing += 1
        try:
            if stale is not None and not stale.fuzzy:
                return self._recounted(searcher, version, query, stale)
            return self._compute(searcher, version, query, recount=stale is not None)
        finally:
            with self._computing_lock:
                self._computing -= 1

    def _recounted(
        self, searcher: tantivy.Searcher, version: tuple, query: SearchQuery, stale: SearchResult
    ) -> SearchResult:
        """A rough result with its total and facets counted again in full; its ranking
        and hits do not change, so they are kept (a quarter of a whole search's CPU)."""
        key = (*counts_key(query), False)
        counts = known = self._counted.get(version, key)
        if known is None or known[3]:  # not yet counted in full (by another page of it)
            tree = parse(query.q)
            filters = self._builder.filters(query.filters, query.visibility)
            matching = self._builder.build(tree, scored=False) or tantivy.Query.all_query()
            if known is not None:
                records = known[4]
            else:  # counted rough by another process
                records = count_records(searcher, restrict(matching, filters))
            counts = self._counts_kept(
                searcher, (version, key), matching, filters, records, query, False
            )
        total, facets, exact, rough, _records = counts
        shown = query.offset + len(stale.hits)  # works the ranking has seen, at least
        return replace(
            stale,
            total=total if exact else max(total, shown),
            facets=facets,
            total_exact=exact,
            counts_rough=rough,
        )

    def _compute(
        self, searcher: tantivy.Searcher, version: tuple, query: SearchQuery, recount: bool
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
        first, records = first_hits(searcher, full, query)
        matching = self._builder.build(tree, scored=False) or tantivy.Query.all_query()
        rough = not recount and self._busy()  # counted smaller while the process is busy
        counting = self._counting(
            searcher, version, matching, filters, records, query, False, rough
        )
        fuzzy_used, asked, suggestion, shown = False, False, None, tree
        if records == 0 and positive_words(tree):
            # What the reader meant: the corrected query's results when one finds any
            # ("nguyen duu" shows Nguyễn Du's works), else near spellings of the words
            # the catalogue does not know; either way shown as close matches.
            suggestion, asked = (
                did_you_mean(searcher, self._builder, tree, query, filters, 0, False),
                True,
            )
            if suggestion is not None:
                near = parse(suggestion)
            else:
                near = fuzzy(tree, known=known_words(searcher, self._builder, query.visibility))
            near_query = self._builder.build(near) if near != tree else None
            if near_query is not None:
                near_full = restrict(near_query, filters)
                near_first, near_records = first_hits(searcher, near_full, query)
                if near_records:
                    user_query, full, fuzzy_used, shown = near_query, near_full, True, near
                    first, records = near_first, near_records
                    matching = self._builder.build(near, scored=False) or near_query
                    counting = self._counting(
                        searcher, version, matching, filters, records, query, True, rough
                    )

        order, known, seen = collapse(searcher, full, records, query, first)
        hits = page_hits(searcher, self._builder, order, user_query, shown, query)
        total, facets, exact, rough, _records = counting.result()
        if known is not None:
            total, exact = known, True
        elif not exact:
            total = max(total, seen)
        if not asked and total < SUGGEST_BELOW and not isinstance(tree, MatchAll):
            suggestion = did_you_mean(
                searcher, self._builder, tree, query, filters, records, fuzzy_used
            )
        return SearchResult(
            hits=hits,
            total=total,
            facets=facets,
            suggestion=suggestion,
            page=query.page,
            per_page=query.per_page,
            total_exact=exact,
            fuzzy=fuzzy_used,
            counts_rough=rough,
        )

    def _counting(
        self,
        searcher: tantivy.Searcher,
        version: tuple,
        matching: tantivy.Query,
        filters: list[Clause],
        records: int,
        query: SearchQuery,
        fuzzy: bool,
        rough: bool,
    ) -> Future[Counts]:
        """The total and facets of `records` matching records, counted in a pool thread,
        or already known: they do not depend on the page, its size or the sort, so
        paging through a result or sorting it again costs only the ranking. Known
        rough counts are counted again unless this search may be `rough` too."""
        key = (*counts_key(query), fuzzy)
        known = self._counted.get(version, key)
        if known is None or (known[3] and not rough):
            return self._pool().submit(
                self._counts_kept,
                searcher,
                (version, key),
                matching,
                filters,
                records,
                query,
                rough,
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
        rough: bool,
    ) -> Counts:
        counts = self._counter.counts(
            searcher, slot[0], matching, filters, records, query, rough=rough
        )
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

    # --- autocomplete -------------------------------------------------------------------

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
