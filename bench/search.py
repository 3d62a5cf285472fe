"""Index build rate, query latency (p50/p95/p99, five facets) and memory of the tantivy index.

    .venv/bin/python bench/search.py --records 1000000 [--index DIR] [--keep]

Builds the index from synthetic records (bench/synthetic.py) in batches of 50,000,
work keys from one clustering pass over all of them (what `thuvien index --rebuild`
does), then runs a fixed mix of reader queries, each asking for five facets.
With --keep the index folder is left for bench/portal_load.py.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, peak_rss_mib  # noqa: E402
from bench.synthetic import synthetic_records  # noqa: E402
from indexer import TantivyIndex  # noqa: E402
from indexer.documents import to_document  # noqa: E402
from indexer.protocol import SearchQuery  # noqa: E402
from indexer.works import cluster_works  # noqa: E402

BATCH = 50_000
FIVE_FACETS = ["library", "format", "language", "year", "subject"]
QUERIES = [
    "ha noi",
    "Hà Nội",
    "thăng*",
    "nguyen van",
    'title:"mùa hoa sữa"',
    "author:trần subject:lịch sử",
    "lich su year:1990-2000",
    "",
    "pho co OR van mieu",
    "ky uc NOT mua",
]
FILTERED = [{"format": ["book"]}, {"library": ["thu-vien-ha-noi"], "language": ["vie"]}, {}]


def build(index: TantivyIndex, count: int) -> tuple[float, float]:
    start = time.perf_counter()
    records = list(synthetic_records(count))
    made = time.perf_counter() - start
    keys = cluster_works(records)
    clustered = time.perf_counter() - start - made
    for offset in range(0, len(records), BATCH):
        batch = records[offset : offset + BATCH]
        index.add(to_document(r, work_key=keys[r.id]) for r in batch)
        index.commit()
    took = time.perf_counter() - start - made
    print(f"made {count:,} records in {made:.1f} s; clustering {clustered:.1f} s")
    return took, count / took


def measure(index: TantivyIndex, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            for filters in FILTERED:
                query = SearchQuery(q=q, filters=filters, facets=FIVE_FACETS)
                start = time.perf_counter()
                index.search(query)
                times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(machine())
    folder = args.index or Path(tempfile.mkdtemp(prefix="thuvien-bench-index-"))
    index = TantivyIndex(folder, recreate=True)
    took, rate = build(index, args.records)
    print(f"indexed {args.records:,} records in {took:.1f} s: {rate:,.0f} records/s")
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    print(f"index on disk: {size / 2**20:.0f} MiB")
    measure(index, 1)  # warm the caches
    times = measure(index, args.rounds)
    print(
        f"{len(times)} searches with 5 facets: p50 {percentile(times, 50):.1f} ms · "
        f"p95 {percentile(times, 95):.1f} ms · p99 {percentile(times, 99):.1f} ms · "
        f"max {max(times):.1f} ms"
    )
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    if args.keep:
        print(f"index kept in {folder}")
    elif not args.index:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
