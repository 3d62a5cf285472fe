"""TantivyIndex: the embedded default backend — a folder on disk, nothing to run.

One tantivy document per record; works are collapsed at query time. Per-record
documents keep visibility per record: a hidden record of a visible work never lends the
work its text, its holdings or its facet values. Collapsing reads only the numeric
`work_num` fast field per matching record (no stored documents), over-fetching until
the page is full. Totals count distinct works exactly (a terms aggregation over
`work_num`) up to EXACT_LIMIT matching records and approximately (HyperLogLog) beyond.

Facet counts are works too. Counting distinct works per facet value is what costs most
on a large result (a nested distinct count per value), so it is done exactly only up
to FACET_EXACT_LIMIT matching records. Beyond, all facets are counted in one pass as
records per value and scaled by that value's works-per-record ratio in the whole
index (`_Ratios`, computed once per index version): a library holds one copy of most
works (ratio ≈ 1) while a format's records are duplicated across libraries (ratio < 1).
Either approximation is flagged by `SearchResult.total_exact` = False.

Results are cached per index version (`_ResultCache`): the home page, browse pages and
popular queries are asked again and again, and any commit starts a fresh cache.
"""

from __future__ import annotations

import copy
import json
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import tantivy

from indexer.protocol import FacetCount, Hit, SearchQuery, SearchResult
from indexer.query import (
    MatchAll,
    Node,
    fuzzy,
    highlight_terms,
    parse,
    positive_words,
)
from indexer.spelling import best_correction, rewrite
from indexer.tantivy_query import QueryBuilder, restrict
from indexer.tantivy_schema import (
    FACET_FIELDS,
    SCHEMA_VERSION,
    SUGGEST_SEP,
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

EXACT_LIMIT = 60_000  # below tantivy's 65 000 aggregation buckets
FACET_EXACT_LIMIT = 1_000  # matching records up to which facet counts are exact
RATIO_VALUES = 2_000  # per facet, the values whose works-per-record ratio is kept
CACHE_SIZE = 2_048  # searches remembered per index version
SUGGEST_BELOW = 3  # offer "did you mean" when fewer works than this match
_SORTS = {
    "relevance": (None, tantivy.Order.Desc),
    "year_desc": ("year", tantivy.Order.Desc),
    "year_asc": ("year", tantivy.Order.Asc),
    "title": ("title_sort", tantivy.Order.Asc),
}
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
        self._commits = 0  # this process's commits: part of the index version
        self._version: tuple = ()
        self._cache = _ResultCache(cache_size)
        self._ratios: _Ratios | None = None

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
            self._writer = self._index.writer(heap_size=64_000_000, num_threads=1)
        return self._writer

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        with self._lock:
            writer = self._writer_locked()
            for doc in docs:
                writer.delete_documents_by_term("id", doc["id"])
                writer.add_document(to_tantivy(doc))

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
        searcher, version = self._current()
        key = _cache_key(query)
        cached = self._cache.get(version, key)
        if cached is not None:
            return cached
        result = self._search(searcher, query)
        if self._cache.size > 0:  # the cache keeps its own copy: callers may change theirs
            self._cache.put(version, key, copy.deepcopy(result))
        return result

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

    def _search(self, searcher: tantivy.Searcher, query: SearchQuery) -> SearchResult:
        tree = parse(query.q)
        filters = self._builder.filters(query.filters, query.visibility)
        user_query = self._builder.build(tree) or tantivy.Query.all_query()
        full = restrict(user_query, filters)
        first, records = self._first(searcher, full, query)
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

        order, total, exact = self._collapse(searcher, full, records, query, first)
        hits = self._hits(searcher, order, user_query, tree, query)
        facets, facets_exact = self._facets(searcher, full, query, records, total)
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
            total_exact=exact and facets_exact,
            fuzzy=fuzzy_used,
        )

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
    ) -> tuple[list[tuple[int, float | None, tantivy.DocAddress]], int, bool]:
        """The page's works in rank order as (work_num, score, best record address)."""
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
        if fetched >= records:
            total, exact = len(firsts), True
        else:
            total, exact = _distinct_works(searcher, full, records)
        ordered = [(num, score, address) for num, (score, address) in firsts.items()]
        return ordered[query.offset : need], total, exact

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
        members = tantivy.Query.term_set_query(self.schema, "work_num", nums)
        visible = restrict(members, self._builder.filters({}, query.visibility))
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

    def _facets(
        self,
        searcher: tantivy.Searcher,
        full: tantivy.Query,
        query: SearchQuery,
        records: int,
        works: int,
    ) -> tuple[dict[str, list[FacetCount]], bool]:
        """Top values of each asked-for facet by number of works, and whether exact.

        Past the exact limit a value's records are scaled by its ratio in the whole
        index, corrected by how much this result's ratio (`works` / `records`) differs
        from the index's: one library's records are each a different work, so a result
        filtered to one library has a ratio near 1 whatever the index's is. A value
        never counts more works than it has records, nor than the result has.
        """
        if not query.facets:
            return {}, True
        if records == 0:
            return {name: [] for name in query.facets}, True
        size = query.facet_limit * 2 + 10
        if records <= min(FACET_EXACT_LIMIT, EXACT_LIMIT):
            exact = {name: self._exact_facet(searcher, full, name, size) for name in query.facets}
            if all(buckets is not None for buckets in exact.values()):
                return {
                    name: _top(buckets, query.facet_limit) for name, buckets in exact.items()
                }, True
        # One pass counts records per value for every facet; each count is scaled to
        # works by that value's ratio in the whole index.
        aggs = {
            name: {"terms": {"field": FACET_FIELDS[name], "size": size}} for name in query.facets
        }
        found = searcher.aggregate(full, aggs)
        ratios = self._ratios_for(searcher)
        correction = (works / records) / ratios.default if ratios.default else 1.0
        out = {}
        for name in query.facets:
            buckets = []
            for bucket in found[name]["buckets"]:
                key, docs = bucket["key"], bucket["doc_count"]
                estimate = docs * ratios.ratio(name, key) * correction
                buckets.append((key, max(1, min(docs, works, round(estimate)))))
            out[name] = _top(buckets, query.facet_limit)
        return out, False

    def _exact_facet(
        self, searcher: tantivy.Searcher, full: tantivy.Query, name: str, size: int
    ) -> list[tuple[Any, int]] | None:
        """(value, distinct works) for the top values, or None past the bucket limit."""
        works = {"terms": {"field": "work_num", "size": EXACT_LIMIT}}
        agg = {"f": {"terms": {"field": FACET_FIELDS[name], "size": size}, "aggs": {"w": works}}}
        try:
            found = searcher.aggregate(full, agg)
        except ValueError:  # too many buckets
            return None
        return [(b["key"], len(b["w"]["buckets"])) for b in found["f"]["buckets"]]

    def _ratios_for(self, searcher: tantivy.Searcher) -> _Ratios:
        ratios = self._ratios
        if ratios is None or ratios.version != self._version:
            ratios = self._ratios = _Ratios.compute(searcher, self._version)
        return ratios

    # --- spelling and autocomplete -----------------------------------------------------

    def _did_you_mean(
        self,
        searcher: tantivy.Searcher,
        tree: Node,
        query: SearchQuery,
        filters: list[tantivy.Query],
        records: int,
        fuzzy_used: bool,
    ) -> str | None:
        visible = filters[0]  # the visibility filter
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
        corrected = self._builder.build(parse(suggestion))
        if corrected is None:
            return None
        better = _count(searcher, restrict(corrected, filters))
        return suggestion if better > (0 if fuzzy_used else records) else None

    def suggest(
        self, prefix: str, limit: int = 10, *, visibility: Sequence[str] = ("public",)
    ) -> list[str]:
        key = " ".join(folded_words(prefix[:200]))
        limit = min(int(limit), 100)
        if not key or limit <= 0 or not visibility:
            return []
        if prefix[-1:].isspace():
            key += " "
        searcher = self._index.searcher()
        visible = self._builder.filters({}, list(visibility))[0]
        terms = searcher.terms_with_prefix("suggest", key, filter_query=visible, limit=2000)
        ranked: dict[str, tuple[str, int, str]] = {}
        for term, freq in terms:
            parts = term.split(SUGGEST_SEP)
            if len(parts) != 3 or freq <= 0:
                continue
            _key, rank, display = parts
            entry = (rank, -freq, display)
            seen = ranked.get(display.lower())
            if seen is None or entry < seen:
                ranked[display.lower()] = entry
        best = sorted(ranked.values(), key=lambda e: (e[0], e[1], fold(e[2])))
        return [display for _rank, _freq, display in best[:limit]]


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    return searcher.search(query, 1, count=True).count or 0


def _top(buckets: list[tuple[Any, int]], limit: int) -> list[FacetCount]:
    counts = [FacetCount(_facet_value(key), count) for key, count in buckets if count > 0]
    counts.sort(key=lambda fc: (-fc.count, fc.value))
    return counts[:limit]


class _Ratios:
    """Works per record of each facet value in the whole index, for one index version.

    Computed with one aggregation over every document (HyperLogLog distinct works per
    value) the first time a large result needs it after a commit; values beyond the
    RATIO_VALUES most frequent use their facet's overall ratio.
    """

    def __init__(self, version: tuple, by_value: dict[str, dict[Any, float]], default: float):
        self.version = version
        self.by_value = by_value
        self.default = default

    @classmethod
    def compute(cls, searcher: tantivy.Searcher, version: tuple) -> _Ratios:
        everything = tantivy.Query.all_query()
        docs = searcher.num_docs
        if docs == 0:
            return cls(version, {}, 1.0)
        default = min(1.0, searcher.cardinality(everything, "work_num") / docs)
        works = {"cardinality": {"field": "work_num"}}
        aggs = {
            name: {"terms": {"field": field, "size": RATIO_VALUES}, "aggs": {"w": works}}
            for name, field in FACET_FIELDS.items()
        }
        found = searcher.aggregate(everything, aggs)
        by_value = {
            name: {
                b["key"]: min(1.0, b["w"]["value"] / b["doc_count"])
                for b in found[name]["buckets"]
                if b["doc_count"]
            }
            for name in FACET_FIELDS
        }
        return cls(version, by_value, default)

    def ratio(self, facet: str, key: Any) -> float:
        return self.by_value.get(facet, {}).get(key, self.default)


class _ResultCache:
    """A small LRU of search results, emptied whenever the index version moves."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.version: tuple = ()
        self.entries: OrderedDict[tuple, SearchResult] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: tuple, key: tuple) -> SearchResult | None:
        with self.lock:
            if version != self.version:
                return None
            result = self.entries.get(key)
            if result is None:
                return None
            self.entries.move_to_end(key)
        return copy.deepcopy(result)  # callers may change what they are given

    def put(self, version: tuple, key: tuple, result: SearchResult) -> None:
        with self.lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
            self.entries[key] = result
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _cache_key(query: SearchQuery) -> tuple:
    return (
        query.q,
        tuple(sorted((name, tuple(values)) for name, values in query.filters.items())),
        tuple(query.facets),
        query.facet_limit,
        query.sort,
        query.page,
        query.per_page,
        tuple(sorted(query.visibility)),
    )


def _distinct_works(
    searcher: tantivy.Searcher, query: tantivy.Query, records: int
) -> tuple[int, bool]:
    if records <= EXACT_LIMIT:
        try:
            agg = {"w": {"terms": {"field": "work_num", "size": records}}}
            return len(searcher.aggregate(query, agg)["w"]["buckets"]), True
        except ValueError:
            pass
    return round(searcher.cardinality(query, "work_num")), False


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
