"""TantivyIndex: the embedded default backend — a folder on disk, nothing to run.

One tantivy document per record; works are collapsed at query time. Per-record
documents keep visibility per record: a hidden record of a visible work never lends the
work its text, its holdings or its facet values. Collapsing reads only the numeric
`work_num` fast field per matching record (no stored documents), over-fetching until
the page is full; totals and facet counts count distinct works exactly (terms
aggregations over `work_num`) up to EXACT_LIMIT matching records, approximately
(HyperLogLog cardinality) beyond, flagged by `SearchResult.total_exact`.
"""

from __future__ import annotations

import json
import shutil
import threading
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

    def __init__(self, path: str | Path | None = None, *, recreate: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.schema = build_schema()
        self._analyzers = analyzers()
        self._lock = threading.Lock()
        self._writer: tantivy.IndexWriter | None = None
        self._index = self._open(recreate)
        for name, analyzer in self._analyzers.items():
            self._index.register_tokenizer(name, analyzer)
        self._builder = QueryBuilder(self.schema, self._analyzers)

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
        searcher = self._index.searcher()
        tree = parse(query.q)
        filters = self._builder.filters(query.filters, query.visibility)
        user_query = self._builder.build(tree) or tantivy.Query.all_query()
        full = restrict(user_query, filters)
        records = _count(searcher, full)
        fuzzy_used = False
        if records == 0 and positive_words(tree):
            fuzzy_tree = fuzzy(tree)
            fuzzy_query = self._builder.build(fuzzy_tree) if fuzzy_tree != tree else None
            if fuzzy_query is not None and _count(searcher, restrict(fuzzy_query, filters)):
                user_query, full, fuzzy_used = fuzzy_query, restrict(fuzzy_query, filters), True
                records = _count(searcher, full)

        order, total, exact = self._collapse(searcher, full, records, query)
        hits = self._hits(searcher, order, user_query, tree, query)
        facets = {name: self._facet(searcher, full, name, query, records) for name in query.facets}
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

    def _collapse(
        self, searcher: tantivy.Searcher, full: tantivy.Query, records: int, query: SearchQuery
    ) -> tuple[list[tuple[int, float | None, tantivy.DocAddress]], int, bool]:
        """The page's works in rank order as (work_num, score, best record address)."""
        need = query.offset + query.limit
        field, direction = _SORTS[query.sort]
        firsts: dict[int, tuple[float | None, tantivy.DocAddress]] = {}
        fetched = 0
        if records and need:
            fetch = min(records, max(need * 3, 50))
            while True:
                result = searcher.search(
                    full, fetch, count=False, order_by_field=field, order=direction
                )
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

    def _facet(
        self,
        searcher: tantivy.Searcher,
        full: tantivy.Query,
        name: str,
        query: SearchQuery,
        records: int,
    ) -> list[FacetCount]:
        """Top values by number of works (exact under EXACT_LIMIT records)."""
        if records == 0:
            return []
        field = FACET_FIELDS[name]
        size = query.facet_limit * 2 + 10
        exact_agg = {"terms": {"field": "work_num", "size": EXACT_LIMIT}}
        approx_agg = {"cardinality": {"field": "work_num"}}
        buckets = None
        if records <= EXACT_LIMIT:
            try:
                agg = {"f": {"terms": {"field": field, "size": size}, "aggs": {"w": exact_agg}}}
                buckets = [
                    (b["key"], len(b["w"]["buckets"]))
                    for b in searcher.aggregate(full, agg)["f"]["buckets"]
                ]
            except ValueError:  # too many buckets: count approximately
                buckets = None
        if buckets is None:
            agg = {"f": {"terms": {"field": field, "size": size}, "aggs": {"w": approx_agg}}}
            buckets = [
                (b["key"], round(b["w"]["value"]))
                for b in searcher.aggregate(full, agg)["f"]["buckets"]
            ]
        counts = [FacetCount(_facet_value(key), count) for key, count in buckets if count > 0]
        counts.sort(key=lambda fc: (-fc.count, fc.value))
        return counts[: query.facet_limit]

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
