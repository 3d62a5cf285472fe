"""The total and the facet counts of a search on TantivyIndex, in works.

Works are collapsed at query time (one tantivy document per record), so the total and
the facet counts are counts of distinct `work_num`s, and all of them come from one
aggregation pass (`FacetCounter.tally`). Up to FACET_EXACT_LIMIT matching records every
count is exact. Beyond, they are counted on a sample of works: `work_num` is a hash of
the work key and `sample` its top byte, so the works of the first k `sample` values are
a uniform random sample of a fraction f = k/256 of works, each with all its records; a
count in the sample divided by f estimates the count in the result. The sample is sized
to about SAMPLE_RECORDS records, so counting costs about the same however broad the
query. An estimated total is flagged by `SearchResult.total_exact` = False; up to
SAMPLE_RECORDS the total is exact and facet counts are HyperLogLog estimates, which are
exact in practice at that size.

Counted `rough` (a busy server: see TantivyIndex), a result of more than SAMPLE_RECORDS
records is counted on a sample ROUGH times smaller:
counting costs about 40 % less (8.8 → 5.5 ms at 1M records), and a value with a tenth of
the result is off by about 7 % instead of 3.5 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import tantivy

from indexer.protocol import ALL_OF_FACETS, FacetCount, SearchQuery
from indexer.tantivy_query import Clause, Must, QueryBuilder, restrict
from indexer.tantivy_schema import FACET_FIELDS, SAMPLES

FACET_EXACT_LIMIT = 1_000  # matching records up to which every count is exact
SAMPLE_RECORDS = 10_000  # past this many matching records, counts come from a sample
SHARE_VALUES = 2_000  # per facet, the values whose share of the index is kept
MIN_SAMPLE_WORKS = 200  # fewer sampled works than this: sample more (few, big works)
ROUGH = 4  # a rough count's sample is this many times smaller

# (works, facets, whether the total is exact, whether counted rough, matching records)
Counts = tuple[int, dict[str, list[FacetCount]], bool, bool, int]


@dataclass
class FacetCounter:
    """Counts works and facet values for one index (its schema and query builder)."""

    schema: tantivy.Schema
    builder: QueryBuilder
    _shares: Shares | None = field(default=None, repr=False)

    def counts(
        self,
        searcher: tantivy.Searcher,
        version: tuple,
        matching: tantivy.Query,
        filters: list[Clause],
        records: int,
        query: SearchQuery,
        rough: bool = False,
    ) -> Counts:
        """The Counts of the match-only user query, which `records` records match."""
        full = restrict(matching, filters)
        rough = rough and records > SAMPLE_RECORDS  # smaller results are never sampled
        sample = SAMPLE_RECORDS // ROUGH if rough else SAMPLE_RECORDS
        total, facets, exact = self.tally(searcher, full, query, records, sample=sample)
        facets.update(
            self.own_filter_free(searcher, version, matching, query, records, sample=sample)
        )
        return total, facets, exact, rough, records

    def tally(
        self,
        searcher: tantivy.Searcher,
        full: tantivy.Query,
        query: SearchQuery,
        records: int,
        counted: bool = True,
        *,
        sample: int,
    ) -> tuple[int, dict[str, list[FacetCount]], bool]:
        """(works in the result, top facet values by works, whether the total is exact).

        `records` is the number of matching records, or only an estimate when not
        `counted` (then nothing is sized by it exactly); a larger result is counted on a
        sample of about `sample` records.

        One aggregation: distinct work numbers overall and per facet value, exactly up
        to FACET_EXACT_LIMIT records, else with HyperLogLog on a sample of works (see
        the module docstring). A sample that caught too few works (a result of a few
        works with very many records each) is taken again, larger.
        """
        if records == 0:
            return 0, {name: [] for name in query.facets}, True
        exact = counted and records <= FACET_EXACT_LIMIT
        fraction = min(1.0, math.ceil(SAMPLES * sample / records) / SAMPLES)
        while True:
            found = self.aggregate(searcher, full, query, records, exact, fraction, counted)
            if fraction >= 1.0 or works_found(found["works"]) >= MIN_SAMPLE_WORKS:
                break
            fraction = min(1.0, fraction * 8)  # stays a multiple of 1/SAMPLES
        works = round(works_found(found["works"]) / fraction)
        total = min(records, works) if counted else works
        total_exact = fraction >= 1.0 and "buckets" in found["works"]
        facets = {}
        for name in query.facets:
            counts = [
                (b["key"], min(total, round(works_found(b["w"]) / fraction)))
                for b in found[name]["buckets"]
            ]
            facets[name] = top_values(counts, query.facet_limit)
        return total, facets, total_exact

    def own_filter_free(
        self,
        searcher: tantivy.Searcher,
        version: tuple,
        user_query: tantivy.Query,
        query: SearchQuery,
        records: int,
        *,
        sample: int,
    ) -> dict[str, list[FacetCount]]:
        """Facets the search is filtered on, counted without their own filter.

        Values within one facet are OR-ed, so a reader who picked one library must still
        see the others (with what picking them would add) to pick a second: what Solr
        does with a tagged filter excluded from its facet. Without the filter the result
        is larger by about the inverse of the filter's share of the index (`Shares`),
        which sizes the sample without counting the larger result first.
        """
        out = {}
        for name in query.facets:
            if name not in query.filters or name in ALL_OF_FACETS:
                continue
            others = {key: values for key, values in query.filters.items() if key != name}
            broader = restrict(user_query, self.builder.filters(others, query.visibility))
            share = self.shares(searcher, version).share(name, query.filters[name])
            estimate = min(searcher.num_docs, round(records / share)) if share else 0
            counted = estimate <= 4 * FACET_EXACT_LIMIT  # small: count it exactly
            if counted:
                estimate = count_records(searcher, broader)
            one = replace(query, facets=[name])
            _total, facets, _exact = self.tally(
                searcher, broader, one, estimate, counted, sample=sample
            )
            out[name] = facets[name]
        return out

    def shares(self, searcher: tantivy.Searcher, version: tuple) -> Shares:
        """Each facet value's share of the index at `version` (computed once per version)."""
        shares = self._shares
        if shares is None or shares.version != version:
            shares = self._shares = Shares.compute(searcher, version)
        return shares

    def aggregate(
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


class Shares:
    """Each facet value's share of the index's records, for one index version: one
    aggregation over every document the first time a filtered search needs it.

    Values past the SHARE_VALUES most frequent count as the rarest one kept."""

    def __init__(self, version: tuple, docs: int, counts: dict[str, dict[str, int]]) -> None:
        self.version = version
        self.docs = docs
        self.counts = counts

    @classmethod
    def compute(cls, searcher: tantivy.Searcher, version: tuple) -> Shares:
        docs = searcher.num_docs
        if docs == 0:
            return cls(version, 0, {})
        aggs = {
            name: {"terms": {"field": field, "size": SHARE_VALUES}}
            for name, field in FACET_FIELDS.items()
        }
        found = searcher.aggregate(tantivy.Query.all_query(), aggs)
        counts = {
            name: {facet_value(b["key"]): int(b["doc_count"]) for b in found[name]["buckets"]}
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


def count_records(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    """Matching records, without scoring them (an aggregation, not a ranked search)."""
    found = searcher.aggregate(query, {"n": {"value_count": {"field": "work_num"}}})
    return int(found["n"]["value"] or 0)


def top_values(buckets: list[tuple[Any, int]], limit: int) -> list[FacetCount]:
    counts = [FacetCount(facet_value(key), count) for key, count in buckets if count > 0]
    counts.sort(key=lambda fc: (-fc.count, fc.value))
    return counts[:limit]


def works_found(agg: dict[str, Any]) -> float:
    """Distinct work numbers an aggregation found: exact buckets or an estimate."""
    if "buckets" in agg:
        return len(agg["buckets"])
    return agg["value"]


def facet_value(key: Any) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)
